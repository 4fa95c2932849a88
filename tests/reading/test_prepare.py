"""Image preparation: seals erased, skew and text height measured, output binarised."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.certificates import degrade, make_certificate, render_image
from verify.reading.prepare import (
    MAX_PIXELS,
    MAX_SKEW,
    TARGET_TEXT_HEIGHT,
    _odd,
    binarise,
    binarise_and_clean,
    find_seal,
    is_colourless,
    measure_page,
    prepare_page,
    red_channel,
    sauvola,
)


@pytest.fixture(scope="module")
def certificate() -> Image.Image:
    return render_image(make_certificate("physician_practice", seed=1), layout="lines", dpi=200)


def test_red_seal_ink_turns_as_light_as_paper() -> None:
    image = Image.new("RGB", (200, 100), (250, 247, 238))
    ImageDraw.Draw(image).ellipse((20, 10, 180, 90), outline=(214, 32, 38), width=8)
    ink = sauvola(red_channel(image), window=31)
    assert not ink.any()


@pytest.mark.parametrize("angle", [0.0, 3.0, -5.0])
def test_skew_and_text_height_are_measured(certificate: Image.Image, angle: float) -> None:
    page = red_channel(certificate).rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=250)
    skew, height = measure_page(page)
    assert skew == pytest.approx(-angle, abs=0.5)
    assert height == pytest.approx(3.7 / 25.4 * 200, rel=0.25)  # CJK glyphs ~3.7 mm at 200 dpi


def test_the_prepared_page_is_black_text_on_white_at_the_target_height(certificate: Image.Image) -> None:
    prepared = prepare_page(certificate)
    assert prepared.mode == "L"
    assert set(np.unique(np.asarray(prepared)).tolist()) == {0, 255}
    assert prepared.width == pytest.approx(certificate.width * TARGET_TEXT_HEIGHT / (3.7 / 25.4 * 200), rel=0.25)
    assert not is_colourless(certificate)


def test_a_photographed_page_is_measured_despite_its_edges_and_the_desk(certificate: Image.Image) -> None:
    photo = degrade(certificate, "photo", seed=3)
    skew, height = measure_page(red_channel(photo))
    assert abs(skew) <= MAX_SKEW
    assert height == pytest.approx(1.09 * 3.7 / 25.4 * 200, rel=0.25)  # the photo enlarges the page ~9%


def test_scaling_up_stops_at_the_pixel_budget() -> None:
    tiny_text = Image.new("L", (2000, 2000), 255)
    draw = ImageDraw.Draw(tiny_text)
    for y in range(20, 1980, 14):
        for x in range(20, 1980, 10):
            draw.rectangle((x, y, x + 6, y + 6), fill=0)  # 7 px "text": would be scaled up 4x
    prepared = prepare_page(tiny_text)
    assert prepared.width * prepared.height <= MAX_PIXELS * 1.01
    assert prepared.width > 2000


def _grey_page_with_seal(label_grey: int = 86) -> Image.Image:
    """Text-dark lines, lighter grey label lines, and a grey seal (ring and star) over nothing."""
    image = Image.new("L", (1400, 900), 245)
    draw = ImageDraw.Draw(image)
    for row in range(6):
        y = 80 + 120 * row
        for x in range(60, 260, 48):
            draw.rectangle((x, y, x + 36, y + 6), fill=label_grey)  # label "strokes"
            draw.rectangle((x + 16, y - 14, x + 20, y + 22), fill=label_grey)
        for x in range(320, 620, 48):
            draw.rectangle((x, y, x + 36, y + 6), fill=30)  # value "strokes"
    centre, radius = (1000, 450), 210
    draw.ellipse((centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius), outline=130,
                 width=12)
    draw.regular_polygon((centre, 70), 5, fill=130)
    return image


def test_a_grey_seal_is_found_by_its_ring_and_grey_labels_elsewhere_are_kept() -> None:
    page = _grey_page_with_seal()
    ink = sauvola(page, window=_odd(1.5 * TARGET_TEXT_HEIGHT))
    seal = find_seal(page, ink)
    assert seal is not None
    assert seal[0] == pytest.approx(1000, abs=8) and seal[1] == pytest.approx(450, abs=8)
    assert seal[2] == pytest.approx(204, rel=0.06)  # the middle of the 12 px ring
    kept = np.asarray(binarise(page, colourless=True)) == 0
    assert kept[80:87, 60:96].mean() > 0.8  # a grey label stroke
    assert kept[80:87, 320:356].mean() > 0.8  # a dark value stroke
    assert not kept[240:660, 790:1210].any()  # the seal
    assert is_colourless(page) and is_colourless(page.convert("RGB"))


def test_the_grey_page_a_field_is_re_read_from_has_the_seal_painted_over() -> None:
    page = _grey_page_with_seal()
    ink, grey = binarise_and_clean(page, colourless=True)
    values = np.asarray(grey)
    assert (np.asarray(ink) == np.asarray(binarise(page, colourless=True))).all()
    assert np.asarray(page)[444:456, 994:1006].max() <= 130  # the star was there ...
    assert values[240:660, 790:1210].min() >= 200  # ... and the whole seal is paper now
    assert values[80:87, 320:356].max() <= 30 and values[80:87, 60:96].max() <= 86  # text untouched
    _untouched, same = binarise_and_clean(page, colourless=False)
    assert same is page


def test_without_a_ring_nothing_is_taken_for_a_seal() -> None:
    page = Image.new("L", (1400, 900), 245)
    draw = ImageDraw.Draw(page)
    for y in range(80, 800, 60):
        draw.text((60, y), "ABCDEFGH 0123456789 OOOO", fill=40, font_size=40)
    assert find_seal(page, sauvola(page, window=_odd(1.5 * TARGET_TEXT_HEIGHT))) is None
