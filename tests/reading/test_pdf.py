"""PDF reading: text layers, renderings of image-only pages, and every failure typed."""

from __future__ import annotations

import io
import time

import pytest
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tests.certificates import PDF_FONT_INDEX, PDF_FONT_NAME, PDF_FONT_PATH, make_certificate, render_image, render_pdf
from tests.reading import samples
from verify.config import Limits
from verify.errors import EncryptedPdf, ParseError, TooManyPages
from verify.reading import pdf

LIMITS = Limits()


def test_a_text_layer_is_read_without_rendering() -> None:
    cert = make_certificate("teacher_qualification", seed=1)
    (page,) = pdf.iter_pages(render_pdf(cert), LIMITS)
    assert page.image is None and page.text is not None
    assert cert.title in page.text
    assert cert.fields["number"] in page.text


def test_a_page_without_usable_text_is_rendered_at_300_dpi() -> None:
    data = samples.pdf_pages(2, text="Scanned by a phone")
    pages = list(pdf.iter_pages(data, LIMITS))
    assert [p.index for p in pages] == [0, 1]
    assert all(p.text is None and p.image is not None for p in pages)
    assert pages[0].image is not None
    assert pages[0].image.mode == "RGB"
    assert pages[0].image.size == pytest.approx((2480, 3508), abs=5)  # A4 at 300 dpi


def test_renderings_are_scaled_down_to_the_pixel_limits() -> None:
    limits = Limits(max_pixels=1_000_000, max_side=1200)
    (page,) = pdf.iter_pages(samples.pdf_pages(1), limits)
    assert page.image is not None
    width, height = page.image.size
    assert width * height <= 1_000_000 and max(width, height) <= 1200


def test_encrypted_pdf() -> None:
    with pytest.raises(EncryptedPdf):
        pdf.count_pages(samples.encrypted_pdf(), LIMITS)
    with pytest.raises(EncryptedPdf):
        list(pdf.iter_pages(samples.encrypted_pdf(), LIMITS))


@pytest.mark.parametrize(
    "data",
    [samples.CORRUPT_PDF, samples.pdf_pages(2)[:400], b"%PDF-1.4\n" + bytes(100), b"%PDF-"],
    ids=["no-root", "truncated", "zeros", "magic-only"],
)
def test_corrupt_pdfs_are_parse_errors(data: bytes) -> None:
    with pytest.raises(ParseError) as caught:
        list(pdf.iter_pages(data, LIMITS))
    assert "%PDF" not in caught.value.detail


def test_too_many_pages_is_found_cheaply() -> None:
    flood = samples.pdf_pages(3000)
    started = time.perf_counter()
    with pytest.raises(TooManyPages):
        list(pdf.iter_pages(flood, LIMITS))
    with pytest.raises(TooManyPages):
        pdf.count_pages(flood, LIMITS)
    assert time.perf_counter() - started < 2.0
    assert pdf.count_pages(samples.pdf_pages(3), Limits(max_pages=3)) == 3


def test_a_page_that_is_mostly_a_scan_is_rendered_despite_its_caption() -> None:
    cert = make_certificate("lawyer_practice", seed=1)
    image = render_image(cert, dpi=100)
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    pdfmetrics.registerFont(TTFont(PDF_FONT_NAME, PDF_FONT_PATH, subfontIndex=PDF_FONT_INDEX))
    canvas.setFont(PDF_FONT_NAME, 12)
    canvas.drawString(72, 800, "申请人提交的律师执业证扫描件如下所示")
    canvas.drawImage(ImageReader(image), 40, 300, 515, 364)
    canvas.showPage()
    canvas.save()
    (page,) = pdf.iter_pages(out.getvalue(), LIMITS)
    assert page.text is None and page.image is not None
