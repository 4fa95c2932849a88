"""The default OCR engine: Tesseract reads the page, PP-OCR re-reads the name Tesseract misread."""

from __future__ import annotations

from datetime import date

import pytest

from tests.certificates import make_certificate, render_image, to_png
from verify.config import Limits
from verify.domain import Holder, Outcome
from verify.pipeline import PipelineResult, make_ocr_engine, run_pipeline
from verify.reading.ocr import OcrEngine, TesseractEngine


@pytest.fixture(scope="module")
def lawyer() -> tuple[dict[str, str], bytes]:
    cert = make_certificate("lawyer_practice", seed=1)  # 贾洁: Tesseract reads 鄙洁
    return cert.fields, to_png(render_image(cert, layout="lines", font="ukai"))


def _run(document: bytes, ocr: OcrEngine, truth: dict[str, str]) -> PipelineResult:
    holder = Holder(truth["name"], truth["id_number"])  # the platform's real-name data
    return run_pipeline([document], None, holder, ocr=ocr, limits=Limits(), today=date(2026, 1, 15),
                        confidence_floor=0.8)


def test_tesseract_alone_misreads_the_name(lawyer: tuple[dict[str, str], bytes]) -> None:
    truth, document = lawyer
    result = _run(document, TesseractEngine(), truth)
    assert result.extraction is not None
    assert result.extraction.fields["name"].value != truth["name"]
    assert result.decision.outcome is not Outcome.APPROVED  # unsure, so not approved on a wrong name


def test_the_default_engine_rereads_the_name_and_keeps_the_raw_reading(lawyer: tuple[dict[str, str], bytes]) -> None:
    truth, document = lawyer
    result = _run(document, make_ocr_engine("tesseract"), truth)
    assert result.extraction is not None
    name = result.extraction.fields["name"]
    assert name.value == truth["name"] and name.raw != truth["name"]
    assert result.extraction.values()["number"] == truth["number"]
    assert result.decision.outcome is Outcome.APPROVED


def test_the_ppocr_page_engine_is_a_setting(lawyer: tuple[dict[str, str], bytes]) -> None:
    truth, document = lawyer
    result = _run(document, make_ocr_engine("ppocr"), truth)
    assert result.extraction is not None
    assert {k: result.extraction.values().get(k) for k in ("name", "number")} == {
        "name": truth["name"], "number": truth["number"]}
