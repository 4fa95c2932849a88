"""bench/reading.py --titles: the rank and workplace kinds read alone, with their own expectations."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from verify.domain import CredentialKind

BENCH = Path(__file__).resolve().parents[1] / "bench" / "reading.py"
TODAY = date(2026, 1, 10)


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_reading_titles", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_each_rank_kind_is_read_and_decided_as_the_kind_allows(bench: ModuleType) -> None:
    expected = {CredentialKind.TITLE_CERTIFICATE: "approved", CredentialKind.HEALTH_TITLE_QUALIFICATION: "needs_review",
                CredentialKind.EMPLOYMENT_LETTER: "needs_review"}
    for kind, outcome in expected.items():
        result = bench.run_case(bench.Case(kind, 1, "pdf_signed", "table", "zenhei"), TODAY, compare_cli=False)
        assert result.error is None and result.read == result.truth
        assert result.outcomes["holder"] == outcome, result.reasons
    assert bench.headline_fields(CredentialKind.EMPLOYMENT_LETTER)[-1] == "rank"


def test_main_with_titles(bench: ModuleType, capsys: pytest.CaptureFixture) -> None:
    assert bench.main(["--titles", "--seeds", "1", "--conditions", "pdf_signed", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "1 seeds (from 0) × 3 kinds" in out and "pdf_signed   employment_letter" in out
    assert "exam certificates and employment letters approved alone: 0 of 2 (target 0: a person decides): met" in out
