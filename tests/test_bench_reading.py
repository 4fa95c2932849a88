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


def test_a_text_pdf_and_a_forgery_through_the_pipeline(bench: ModuleType, capsys: pytest.CaptureFixture) -> None:
    valid = bench.run_case(bench.Case(CredentialKind.LAWYER_PRACTICE, 1, "pdf_text", "table", "zenhei"), TODAY)
    assert valid.error is None
    assert valid.read == valid.truth
    assert valid.outcomes == {"none": "approved", "holder": "approved"}
    assert valid.pages == 1 and valid.tesseract_seconds == []
    forged = bench.run_case(bench.Case(CredentialKind.LAWYER_PRACTICE, 1, "pdf_text", "table", "zenhei",
                                       forgery="sex_digit_mismatch"), TODAY)
    assert set(forged.outcomes) == {"holder"} and forged.outcomes["holder"] != "approved"

    headline = bench.field_exactness([valid], ["pdf_text"])
    counts = bench.decisions([valid], ["pdf_text"])
    false_accepts = bench.forged([forged])
    ratio = bench.timing([valid], ["pdf_text"], 1, 1.0)
    bench.misreads([valid])
    assert bench.targets(headline, counts, false_accepts, ratio)
    out = capsys.readouterr().out
    assert "headline fields exact on pdf_text 100.0% (target >= 99%): met" in out
    assert "false accepts on the forged set 0 (target 0): met" in out


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_an_image_is_read_and_timed_next_to_the_tesseract_cli(bench: ModuleType) -> None:
    result = bench.run_case(bench.Case(CredentialKind.TEACHER_QUALIFICATION, 2, "lowres", "table", "zenhei"), TODAY)
    assert result.error is None
    assert set(result.outcomes) == {"none", "holder"}
    assert result.read and set(result.read) <= set(result.truth)
    assert len(result.tesseract_seconds) == 1 and result.seconds > 0 and result.pages == 1


def test_main_end_to_end(bench: ModuleType, capsys: pytest.CaptureFixture) -> None:
    assert bench.main(["--seeds", "1", "--conditions", "pdf_text", "--jobs", "1", "--no-forged"]) in (0, 1)
    out = capsys.readouterr().out
    assert "pdf_text     ALL" in out
    assert "== Targets (issue 4)" in out and "valid documents rejected, (b) holder_name" in out
