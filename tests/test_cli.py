"""The flask commands: keys, signing, setup and the offline check."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from tests.certificates import make_certificate, render_image, render_pdf, to_png
from tests.conftest import bearer
from tests.serving import BIN, ROOT
from tests.uploads import signed_pdf


def test_keys_create_list_revoke(app: Flask) -> None:
    runner = app.test_cli_runner()
    created = runner.invoke(args=["keys", "create", "--platform", "acme", "--role", "platform"])
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1]
    assert key.startswith("vk_")
    key_id = key.split("_")[1]
    client = app.test_client()
    assert client.get("/v1/verifications", headers=bearer(key)).status_code == 200
    listed = runner.invoke(args=["keys", "list"]).output
    assert key_id in listed and "acme" in listed and key not in listed
    assert runner.invoke(args=["keys", "revoke", key_id]).exit_code == 0
    assert "revoked=20" in runner.invoke(args=["keys", "list"]).output
    assert runner.invoke(args=["keys", "revoke", "nope"]).exit_code != 0


def test_setup_writes_the_first_admin_key_to_a_0600_file_and_not_to_a_log(app: Flask) -> None:
    """Not on a terminal (a container's log, a CI job): the output names the file, never the key."""
    runner, path = app.test_cli_runner(), app.extensions["verify"].settings.first_admin_key_path
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert path.stat().st_mode & 0o777 == 0o600
    key = path.read_text().strip()
    assert key.startswith("vk_") and key not in first.output and "vk_" not in first.output
    assert str(path) in first.output
    assert app.test_client().get("/v1/review/items", headers=bearer(key)).status_code == 200
    second = runner.invoke(args=["setup"]).output
    assert "vk_" not in second and str(path) in second  # a reminder that the file still holds a key
    assert path.read_text().strip() == key
    path.unlink()
    assert str(path) not in runner.invoke(args=["setup"]).output


@pytest.mark.timeout(120)
def test_setup_on_a_terminal_also_shows_the_first_admin_key(tmp_path: Path) -> None:
    """``make run`` in a terminal: the key is printed too (a terminal is not a log)."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "VERIFY_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "setup"], cwd=ROOT, env=env, stdout=terminal,
                          stderr=subprocess.PIPE, timeout=120, check=True)
    os.close(terminal)
    output = b""
    with contextlib.suppress(OSError):  # EIO once everything written was read
        while chunk := os.read(controller, 4096):
            output += chunk
    os.close(controller)
    key = (tmp_path / "data" / "first-admin-key").read_text().strip()
    assert done.returncode == 0 and key.encode() in output


def test_signing_rotate_keeps_the_old_key_published(app: Flask) -> None:
    before = {k["kid"] for k in app.test_client().get("/.well-known/jwks.json").json["keys"]}
    assert app.test_cli_runner().invoke(args=["signing", "rotate"]).exit_code == 0
    after = {k["kid"] for k in app.test_client().get("/.well-known/jwks.json").json["keys"]}
    assert before < after


def test_check_prints_fields_checks_and_decision(app: Flask, tmp_path: Path) -> None:
    cert = make_certificate("lawyer_practice", seed=2)
    pdf = tmp_path / "lawyer.pdf"
    pdf.write_bytes(signed_pdf(cert))
    holder = ["--holder-name", cert.fields["name"], "--holder-id-number", cert.fields["id_number"]]
    result = app.test_cli_runner().invoke(args=["check", str(pdf), "--json", "--profession", "lawyer", *holder])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["kind"] == "lawyer_practice"
    assert report["fields"]["number"]["value"] == cert.fields["number"]
    assert report["decision"] == "approved", report["reasons"]
    assert report["checks"] and all(c["status"] == "pass" for c in report["checks"])


def test_check_holds_a_typed_pdf_and_missing_holder_data_back(app: Flask, tmp_path: Path) -> None:
    cert = make_certificate("lawyer_practice", seed=2)
    pdf = tmp_path / "typed.pdf"
    pdf.write_bytes(render_pdf(cert))
    result = app.test_cli_runner().invoke(args=["check", str(pdf), "--json"])
    report = json.loads(result.output)
    assert report["decision"] == "needs_review"
    assert report["reasons"] == ["unsigned_digital_document", "holder_unknown"]


def test_check_several_files_gives_an_array_and_text_mode_reads(app: Flask, tmp_path: Path) -> None:
    paths = []
    for seed, kind in enumerate(["teacher_qualification", "physician_qualification"]):
        path = tmp_path / f"{kind}.png"
        path.write_bytes(to_png(render_image(make_certificate(kind, seed=seed))))
        paths.append(str(path))
    runner = app.test_cli_runner()
    reports = json.loads(runner.invoke(args=["check", *paths, "--json"]).stdout)
    assert [r["kind"] for r in reports] == ["teacher_qualification", "physician_qualification"]
    text = runner.invoke(args=["check", paths[0]]).output
    assert "decision:" in text and "teacher_qualification" in text
