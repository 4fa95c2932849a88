"""Pages lying sideways or upside down are found and turned upright before they are read."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from tests.certificates import degrade, make_certificate, render_image, to_png
from verify.config import Limits
from verify.reading import read_document
from verify.reading.ocr import TesseractEngine
from verify.reading.orientation import beside_share, line_segments, quarter_turns, upright
from verify.reading.ppocr import upside_down_odds
from verify.reading.prepare import red_channel, sauvola

LIMITS = Limits()
CERT = make_certificate("lawyer_practice", seed=6)


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    """A phone photo of a certificate in a Song/Ming face (thin strokes), at 150 dpi to keep it quick."""
    return degrade(render_image(CERT, layout="columns", font="uming", dpi=150), "photo", seed=2)


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_each_quarter_turn_is_found_and_undone(photo: Image.Image, turns: int) -> None:
    turned = photo.rotate(90 * turns, expand=True)
    assert quarter_turns(turned) == turns
    assert np.array_equal(np.asarray(upright(turned)), np.asarray(photo))


def test_lines_run_across_an_upright_page_and_down_a_sideways_one(photo: Image.Image) -> None:
    ink = sauvola(red_channel(photo), window=41)
    across, down = beside_share(ink), beside_share(np.rot90(ink))
    assert across is not None and down is not None
    assert across > 0.6 and down < 0.4


def test_the_direction_classifier_tells_upside_down_lines(photo: Image.Image) -> None:
    grey = np.asarray(red_channel(photo))
    crops = line_segments(grey, sauvola(red_channel(photo), window=41))
    assert len(crops) >= 4
    assert upside_down_odds(crops) < -10
    assert upside_down_odds([np.rot90(crop, 2) for crop in crops]) > 10


def test_a_page_without_text_is_left_as_it_lies() -> None:
    noise = Image.fromarray(np.random.default_rng(1).integers(0, 256, (300, 400), dtype=np.uint8))
    assert quarter_turns(noise) == 0
    assert quarter_turns(Image.new("L", (400, 300), 255)) == 0


@pytest.mark.parametrize("turns", [1, 2])
def test_a_turned_page_without_exif_reads_as_the_upright_one(turns: int) -> None:
    page = render_image(CERT, layout="lines", font="zenhei", dpi=200)
    (turned,) = read_document([to_png(page.rotate(90 * turns, expand=True))], ocr=TesseractEngine(), limits=LIMITS)
    (upright_page,) = read_document([to_png(page)], ocr=TesseractEngine(), limits=LIMITS)
    assert CERT.fields["number"] in upright_page.text.replace(" ", "")
    assert turned.text == upright_page.text


def test_a_pdf_page_turned_by_rotate_is_read_upright() -> None:
    """An image-only page whose ``/Rotate`` shows it sideways is rendered so, then turned upright."""
    image = render_image(CERT, layout="table", font="zenhei", dpi=150)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(image.width * 72 / 150, image.height * 72 / 150))
    canvas.drawImage(ImageReader(image), 0, 0, image.width * 72 / 150, image.height * 72 / 150)
    canvas.setPageRotation(90)
    canvas.showPage()
    canvas.save()
    (page,) = read_document([out.getvalue()], ocr=TesseractEngine(), limits=LIMITS)
    assert page.source == "ocr"
    assert CERT.fields["number"] in page.text.replace(" ", "")
