"""A document's provenance: typed, signed, and whether its text layer is what the page shows."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from tests.certificates import Certificate, make_certificate, pdf_font, render_image, render_pdf
from tests.signing import sign_pdf, trusted_signers_file
from verify.config import Limits
from verify.domain import Holder, Outcome, Profession
from verify.pipeline import PipelineResult, make_ocr_engine, run_pipeline
from verify.reading.ocr import NullEngine, OcrEngine
from verify.reading.signatures import read_trust_roots

SAID = make_certificate("physician_practice", seed=61)  # what the text layer says
SHOWN = make_certificate("physician_practice", seed=62)  # what the page shows


def _layer_pdf(said: Certificate, shown: Image.Image | None, *, share: float = 0.24) -> bytes:
    """A page whose text layer (invisible: render mode 3) holds ``said``'s lines, drawing ``shown`` (if any)
    as an image over ``share`` of the page, below the share that makes a page a scan."""
    out = io.BytesIO()
    canvas = Canvas(out)
    width, height = canvas._pagesize
    if shown is not None:
        scale = (share * width * height / (shown.width * shown.height)) ** 0.5
        canvas.drawImage(ImageReader(shown), 20, height - 20 - shown.height * scale, shown.width * scale,
                         shown.height * scale)
    text = canvas.beginText(60, height - 420)
    text.setFont(pdf_font(), 11)
    text.setTextRenderMode(3)  # neither filled nor stroked: in the layer, not on the page
    for label, value in [(said.title, ""), *said.printed()]:
        text.textLine(f"{label}  {value}".strip())
    canvas.drawText(text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _run(data: bytes, cert: Certificate, ocr: OcrEngine) -> PipelineResult:
    return run_pipeline([data], Profession.DOCTOR, Holder(cert.fields["name"], cert.fields["id_number"]), ocr=ocr,
                        limits=Limits(page_workers=1), today=date(2026, 6, 1), confidence_floor=0.8,
                        trust_roots=read_trust_roots([trusted_signers_file()]))


@pytest.fixture(scope="module")
def ocr() -> OcrEngine:
    return make_ocr_engine("tesseract")


def test_a_genuine_typed_pdf_shows_what_its_layer_says(ocr: OcrEngine) -> None:
    result = _run(render_pdf(SAID), SAID, ocr)
    assert result.decision.reasons == ("unsigned_digital_document",)
    assert len(result.prints) == 1  # the page as drawn, for noticing reuse


def test_an_invisible_layer_over_nothing_is_a_mismatch(ocr: OcrEngine) -> None:
    result = _run(_layer_pdf(SAID, None), SAID, ocr)
    assert result.extraction is not None and result.extraction.values()["number"] == SAID.fields["number"]
    assert result.decision.outcome is Outcome.NEEDS_REVIEW
    assert result.decision.reasons == ("unsigned_digital_document", "text_layer_mismatch")


def test_an_invisible_layer_over_another_certificate_is_a_mismatch(ocr: OcrEngine) -> None:
    shown = render_image(SHOWN, dpi=200)
    result = _run(_layer_pdf(SAID, shown), SAID, ocr)
    assert result.extraction is not None and result.extraction.values()["name"] == SAID.fields["name"]
    assert "text_layer_mismatch" in result.decision.reasons


def test_a_signed_pdf_whose_layer_is_invisible_is_held_although_its_signature_is_good(ocr: OcrEngine) -> None:
    result = _run(sign_pdf(_layer_pdf(SAID, None)), SAID, ocr)
    assert result.decision.reasons == ("text_layer_mismatch",)


def test_a_scan_with_a_hidden_layer_is_read_from_the_image_not_the_layer(ocr: OcrEngine) -> None:
    shown = render_image(SHOWN, dpi=200)
    result = _run(_layer_pdf(SAID, shown, share=0.9), SHOWN, ocr)
    assert result.extraction is not None and result.extraction.values()["number"] == SHOWN.fields["number"]


def test_without_ocr_the_layer_cannot_be_compared_and_a_typed_pdf_is_still_held() -> None:
    result = _run(_layer_pdf(SAID, None), SAID, NullEngine())
    assert result.decision.reasons == ("unsigned_digital_document",)
