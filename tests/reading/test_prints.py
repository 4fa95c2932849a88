"""Page prints: the same picture re-encoded is found; another certificate of the same template is not."""

from __future__ import annotations

import io
import itertools

from PIL import Image

from tests.certificates import degrade, make_certificate, render_image, to_jpeg
from verify.reading.prints import SAME_PICTURE_BITS, distance, page_print, same_picture

KINDS = ("physician_practice", "lawyer_practice", "teacher_qualification", "physician_qualification")


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    return Image.open(io.BytesIO(to_jpeg(image, quality)))


def test_the_same_picture_recompressed_scaled_or_grey_keeps_its_print() -> None:
    for kind in KINDS:
        page = render_image(make_certificate(kind, seed=9), dpi=200)
        ours = page_print(page)
        for copy in (_jpeg(page, 35), _jpeg(page, 60), page.resize((page.width // 3, page.height // 3)),
                     page.convert("L")):
            theirs = page_print(copy)
            assert same_picture(ours, theirs), (kind, distance(ours.fine, theirs.fine))
            assert set(ours.bands) & set(theirs.bands)  # found through the database index


def test_other_certificates_of_the_same_template_are_other_pictures() -> None:
    for kind in KINDS:
        prints = [page_print(render_image(make_certificate(kind, seed=seed), dpi=200)) for seed in range(8)]
        for a, b in itertools.combinations(prints, 2):
            assert not same_picture(a, b), (kind, distance(a.fine, b.fine))
            assert distance(a.fine, b.fine) > SAME_PICTURE_BITS + 10  # with room to spare


def test_a_new_photograph_of_the_same_paper_is_a_new_picture() -> None:
    page = render_image(make_certificate("lawyer_practice", seed=2), dpi=200)
    assert not same_picture(page_print(page), page_print(degrade(page, "photo", 3)))
