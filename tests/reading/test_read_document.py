"""read_document: parts are pages, limits apply before any page is read, sources are kept."""

from __future__ import annotations

import pytest

from tests.certificates import make_certificate, render_pdf, to_png
from tests.reading import samples
from tests.reading.test_ocr import line_image
from verify.config import Limits
from verify.errors import OcrTimeout, PixelLimit, TooManyPages, TypeNotAllowed
from verify.reading import read_document
from verify.reading.ocr import FailingEngine, NullEngine, TesseractEngine

LIMITS = Limits()
NEVER_OCR = FailingEngine(AssertionError("OCR must not run"))


def test_a_text_pdf_needs_no_ocr() -> None:
    cert = make_certificate("physician_practice", seed=4)
    (page,) = read_document([render_pdf(cert)], ocr=NEVER_OCR, limits=LIMITS)
    assert page.index == 0 and page.source == "text"
    assert page.text.splitlines()[0] == cert.title
    assert [line.text for line in page.lines] == page.text.splitlines()
    assert all(line.confidence == 1.0 for line in page.lines)


def test_parts_are_the_pages_of_one_submission_in_order() -> None:
    cert = make_certificate("lawyer_practice", seed=2)
    parts = [render_pdf(cert, cover_page=True), to_png(line_image("执业证号：11102200810000003"))]
    pages = read_document(parts, ocr=TesseractEngine(), limits=LIMITS)
    assert [(p.index, p.source) for p in pages] == [(0, "text"), (1, "text"), (2, "ocr")]
    assert "11102200810000003" in pages[2].text
    assert 0 < pages[2].lines[0].confidence <= 1


def test_the_page_total_is_checked_across_parts_before_any_ocr() -> None:
    parts = [samples.pdf_pages(2), samples.tiff_frames(2), samples.image_bytes("PNG")]
    with pytest.raises(TooManyPages):
        read_document(parts, ocr=NEVER_OCR, limits=Limits(max_pages=4))
    with pytest.raises(TooManyPages):
        read_document(parts, ocr=NEVER_OCR, limits=Limits(max_parts=2))


def test_every_part_passes_intake_before_any_is_decoded() -> None:
    with pytest.raises(TypeNotAllowed):
        read_document([samples.image_bytes("PNG"), samples.SVG], ocr=NEVER_OCR, limits=LIMITS)
    with pytest.raises(PixelLimit):
        read_document([samples.png_header_only(50_000, 50_000)], ocr=NEVER_OCR, limits=LIMITS)


def test_ocr_failures_propagate_typed() -> None:
    with pytest.raises(OcrTimeout):
        read_document([samples.image_bytes("JPEG")], ocr=FailingEngine(), limits=LIMITS)


def test_the_null_engine_reads_images_as_empty_pages() -> None:
    (page,) = read_document([samples.image_bytes("WEBP")], ocr=NullEngine(), limits=LIMITS)
    assert (page.source, page.text, page.lines) == ("ocr", "", [])
