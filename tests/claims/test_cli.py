"""``flask claims scan``: a file of accounts in, one answer a line out, bad lines named by number."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask

from tests.api.test_labels import issue
from verify.services.context import Services


def test_scan_writes_one_answer_a_line_and_reports_bad_lines(app: Flask, services: Services, tmp_path: Path) -> None:
    issue(services, "law-1")  # a lawyer's label on acme-video
    source = tmp_path / "accounts.jsonl"
    source.write_text("\n".join([
        json.dumps({"account_id": "law-1", "name": "张律师", "platform": "acme-video"}, ensure_ascii=False),
        "not json",
        json.dumps({"account_id": "x", "name": "小花", "bio": "听医生说"}, ensure_ascii=False),
        json.dumps({"name": "no id"}),
        "",
        json.dumps({"account_id": "y", "name": "x" * 101}),
        json.dumps({"account_id": "z", "name": "律 師小王"}, ensure_ascii=False),
    ]) + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["claims", "scan", str(source), str(target), "--platform", "acme-video"])
    assert result.exit_code == 1
    assert "line 2: not JSON" in result.stderr
    assert "line 4: account_id" in result.stderr
    assert "line 6: name: At most 100 characters" in result.stderr
    answers = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert [(a["account_id"], a["action"]) for a in answers] == [
        ("law-1", "ok"), ("x", "ok"), ("z", "require_verification")]
    assert answers[2]["claims"][0]["text"] == "律 師"

    uncovered = runner.invoke(args=["claims", "scan", str(source)])  # stdout, no --platform: no coverage
    first = json.loads(uncovered.stdout.splitlines()[0])
    assert first["action"] == "require_verification"
    assert "no labels (--platform not given)" in uncovered.stderr


def test_an_unknown_platform_is_refused(app: Flask, tmp_path: Path) -> None:
    source = tmp_path / "a.jsonl"
    source.write_text('{"account_id": "a", "name": "x"}\n')
    result = app.test_cli_runner().invoke(args=["claims", "scan", str(source), "--platform", "nope"])
    assert result.exit_code != 0 and "No platform called 'nope'" in result.output


def test_help_says_coverage_needs_a_platform(app: Flask) -> None:
    text = app.test_cli_runner().invoke(args=["claims", "scan", "--help"]).output
    assert "--platform" in text and "uncovered" in text
