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
    darkest_ink,
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


def test_a_grey_seal_lighter_than_the_text_is_dropped_from_grey_images() -> None:
    image = Image.new("L", (300, 100), 250)
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 40, 280, 46), fill=30)  # text-dark stroke
    draw.ellipse((100, 5, 200, 95), outline=116, width=6)  # a red seal scanned in grey
    ink = sauvola(image, window=31)
    kept = darkest_ink(image, ink)
    assert ink[10:30, 140:160].any() and not kept[5:35, 100:200].any()
    assert kept[40:47, 20:280].mean() > 0.9
    assert is_colourless(image) and is_colourless(image.convert("RGB"))


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
