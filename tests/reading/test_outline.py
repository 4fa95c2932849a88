"""The page inside a bigger picture is found and flattened; a page that is the whole picture, or a
picture with no clear page, is left as it is (verify.reading.outline, issue 16)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.certificates import make_certificate, render_image
from tests.scenes import desk_photo, screenshot
from verify.reading.outline import find_outline, flatten


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return render_image(make_certificate("lawyer_practice", 4), layout="columns", font="uming", dpi=200)


def _overlap(found: np.ndarray, truth: np.ndarray) -> float:
    """Intersection over union of two convex quadrilaterals (1.0: the same). A page found at its
    printed frame instead of its edge (5 mm in on 210 mm) scores about 0.9; one taken with its
    drop shadow on a pale desk (the larger outline wins: safer than cutting print off) 0.94."""
    found, truth = found.astype(np.float32), truth.astype(np.float32)
    shared, _ = cv2.intersectConvexConvex(found, truth)
    return shared / (cv2.contourArea(found) + cv2.contourArea(truth) - shared)


@pytest.mark.parametrize("seed", range(4))  # each desk: walnut, oak, grey laminate, pale table (by seed)
def test_the_page_on_a_desk_is_found(page: Image.Image, seed: int) -> None:
    photo = desk_photo(page, seed)
    outline = find_outline(photo.image)
    assert outline is not None
    assert _overlap(outline.corners, photo.corners) > 0.93


def test_a_flattened_desk_photo_has_the_page_s_proportions(page: Image.Image) -> None:
    flat = flatten(desk_photo(page, 5).image)
    assert abs((flat.width / flat.height) / (page.width / page.height) - 1) < 0.05


def test_a_certificate_in_a_dark_screenshot_is_cut_out_of_the_app(page: Image.Image) -> None:
    shot = screenshot(page, 1, font=lambda px: None)  # seed 1: the dark theme
    outline = find_outline(shot.image)
    assert outline is not None
    left, top, right, bottom = shot.page_box
    truth = np.array([(left, top), (right, top), (right, bottom), (left, bottom)], np.float32)
    assert _overlap(outline.corners, truth) > 0.97


def test_a_page_that_fills_the_picture_is_read_as_it_is(page: Image.Image) -> None:
    assert flatten(page) is page


def test_a_frame_printed_on_the_page_is_not_taken_for_its_edge() -> None:
    """Paper on both sides of a line: the line is not where the page ends."""
    sheet = Image.new("RGB", (1200, 900), (250, 248, 240))
    draw = ImageDraw.Draw(sheet)
    draw.rectangle((150, 120, 1050, 780), outline=(120, 90, 60), width=6)
    draw.rectangle((300, 300, 900, 600), outline=(40, 40, 40), width=3)
    assert find_outline(sheet) is None


def test_a_picture_of_nothing_in_particular_is_left_alone() -> None:
    noise = np.random.default_rng(0).integers(0, 256, (600, 800, 3), dtype=np.uint8)
    picture = Image.fromarray(noise)
    assert flatten(picture) is picture
