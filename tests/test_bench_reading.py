"""bench/reading.py on a handful of uploads, so the benchmark keeps working as the pipeline changes.

These check the benchmark, not the reading: only text-layer PDFs (exact in every version of the
pipeline so far) are held to their figures.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from verify.domain import CredentialKind

BENCH = Path(__file__).resolve().parent.parent / "bench" / "reading.py"
TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_reading", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_corpus_rotates_layouts_and_fonts(bench: ModuleType) -> None:
    fonts = ("zenhei", "uming", "ukai")
    cases = bench.valid_cases(range(4), ["pdf_text", "photo"], fonts)
    assert len(cases) == 4 * 4 * 2
    assert {c.layout for c in cases} == {"table", "lines", "columns", "below"}
    assert {c.font for c in cases} == set(fonts)
    forged = bench.forged_cases(["clean", "pdf_text"], fonts, one_kind=True)
    assert {c.forgery for c in forged} == set(bench.FORGERY_TYPES)
    assert {c.condition for c in forged} == {"clean", "pdf_text"}


def test_signed_and_typed_pdfs_and_a_forgery_through_the_pipeline(
    bench: ModuleType, capsys: pytest.CaptureFixture
) -> None:
    signed = bench.run_case(bench.Case(CredentialKind.LAWYER_PRACTICE, 1, "pdf_signed", "table", "zenhei"), TODAY)
    assert signed.error is None
    assert signed.read == signed.truth
    assert signed.outcomes == {"none": "needs_review", "holder": "approved"}  # real-name data is required
    assert signed.reasons["none"] == ("holder_unknown",)
    assert signed.pages == 1 and signed.tesseract_seconds == []
    typed = bench.run_case(bench.Case(CredentialKind.LAWYER_PRACTICE, 1, "pdf_text", "table", "zenhei"), TODAY)
    assert typed.outcomes == {"none": "needs_review", "holder": "needs_review"}
    assert typed.reasons["holder"] == ("unsigned_digital_document",)
    forged = bench.run_case(bench.Case(CredentialKind.LAWYER_PRACTICE, 1, "pdf_signed", "table", "zenhei",
                                       forgery="sex_digit_mismatch"), TODAY)
    assert set(forged.outcomes) == {"holder"} and forged.outcomes["holder"] != "approved"

    conditions = ["pdf_text", "pdf_signed"]
    headline = bench.field_exactness([typed, signed], conditions)
    counts = bench.decisions([typed, signed], conditions)
    false_accepts = bench.forged([forged])
    ratio = bench.timing([typed, signed], conditions, 1, 1.0)
    bench.misreads([typed, signed])
    assert bench.targets(headline, counts, false_accepts, ratio, bench.typed_alarms([typed, signed]))
    out = capsys.readouterr().out
    assert "headline fields exact on pdf_signed 100.0% (target >= 99%): met" in out
    assert "auto-approved pdf_signed, (b) real-name data: 100.0% (target >= 90%): met" in out
    assert ("auto-approved pdf_text, (b) real-name data: 0.0% (target 0: a typed PDF is never approved alone): "
            "met") in out
    assert "false accepts on the forged set 0 (target 0): met" in out


def test_the_targets_fail_when_a_typed_pdf_is_approved(bench: ModuleType, capsys: pytest.CaptureFixture) -> None:
    headline = {"pdf_text": (5, 5)}
    counts = {("pdf_text", "none"): (0, 0, 1), ("pdf_text", "holder"): (1, 0, 1)}
    assert not bench.targets(headline, counts, 0, None)
    assert "a typed PDF is never approved alone): MISSED" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_an_image_is_read_and_timed_next_to_the_tesseract_cli(bench: ModuleType) -> None:
    result = bench.run_case(bench.Case(CredentialKind.TEACHER_QUALIFICATION, 2, "lowres", "table", "zenhei"), TODAY)
    assert result.error is None
    assert set(result.outcomes) == {"none", "holder"}
    assert result.read and set(result.read) <= set(result.truth)
    assert len(result.tesseract_seconds) == 1 and result.seconds > 0 and result.pages == 1


def test_main_end_to_end(bench: ModuleType, capsys: pytest.CaptureFixture) -> None:
    assert bench.main(["--seeds", "1", "--conditions", "pdf_text", "pdf_signed", "--jobs", "1", "--no-forged"]) == 0
    out = capsys.readouterr().out
    assert "pdf_signed   ALL" in out
    assert "== Targets (issues 4, 11 and 16)" in out and "valid documents rejected, (b) real-name data" in out
    assert "text_layer_mismatch on genuine typed PDFs 0 of 4" in out
