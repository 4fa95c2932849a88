"""Image decoding: one decoder per type, size limits before pixels, frames, orientation."""

from __future__ import annotations

import io
import time
import tracemalloc

import pytest
from PIL import Image

from tests.reading import samples
from verify.config import Limits
from verify.errors import ParseError, PixelLimit, TooManyPages
from verify.reading.images import count_frames, decode_image
from verify.reading.intake import MediaType

LIMITS = Limits()


def test_a_tiny_png_claiming_50000_by_50000_is_refused_without_decoding() -> None:
    data = samples.png_header_only(50_000, 50_000)
    assert len(data) < 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(PixelLimit):
            decode_image(data, MediaType.PNG, LIMITS)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 20 * 1024 * 1024


@pytest.mark.parametrize(
    "size",
    [(8000, 7500), (10_000, 10_000), (40_000, 100)],
    ids=["60MP-under-pillows-warning", "100MP-over-pillows-warning", "long-strip"],
)
def test_our_pixel_and_side_limits_apply_whatever_pillow_thinks(size: tuple[int, int]) -> None:
    with pytest.raises(PixelLimit):
        decode_image(samples.png_header_only(*size), MediaType.PNG, LIMITS)


def test_only_the_sniffed_decoder_runs() -> None:
    with pytest.raises(ParseError):
        decode_image(samples.image_bytes("BMP"), MediaType.PNG, LIMITS)
    with pytest.raises(ParseError):
        decode_image(samples.image_bytes("PNG"), MediaType.JPEG, LIMITS)


def test_a_truncated_jpeg_is_a_parse_error() -> None:
    data = samples.image_bytes("JPEG", (400, 300), quality=95)
    with pytest.raises(ParseError):
        decode_image(data[: len(data) // 2], MediaType.JPEG, LIMITS)


def test_a_png_text_chunk_bomb_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        decode_image(samples.png_text_bomb(), MediaType.PNG, LIMITS)


def test_tiff_frames_are_pages_up_to_the_limit() -> None:
    limits = Limits(max_frames=3)
    pages = decode_image(samples.tiff_frames(3), MediaType.TIFF, limits)
    assert [(p.mode, p.size) for p in pages] == [("RGB", (20, 10))] * 3
    assert count_frames(samples.tiff_frames(3), limits) == 3
    with pytest.raises(TooManyPages):
        count_frames(samples.tiff_frames(4), limits)
    with pytest.raises(TooManyPages):
        decode_image(samples.tiff_frames(4), MediaType.TIFF, limits)


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    data = samples.image_bytes("JPEG", (40, 20), exif=exif.tobytes())
    (page,) = decode_image(data, MediaType.JPEG, LIMITS)
    assert page.size == (20, 40)


@pytest.mark.parametrize(
    ("fmt", "mode"), [("PNG", "RGBA"), ("PNG", "I;16"), ("PNG", "P"), ("TIFF", "1"), ("WEBP", "RGBA")]
)
def test_every_mode_arrives_as_rgb_on_white(fmt: str, mode: str) -> None:
    out = io.BytesIO()
    Image.new(mode, (8, 8)).save(out, fmt)
    (page,) = decode_image(out.getvalue(), MediaType[fmt], LIMITS)
    assert page.mode == "RGB"
    if mode == "RGBA":  # fully transparent black pixels become white paper
        assert page.getpixel((0, 0)) == (255, 255, 255)


def test_a_heic_decodes_to_an_rgb_page() -> None:
    (page,) = decode_image(samples.heic((96, 64)), MediaType.HEIC, LIMITS)
    assert page.mode == "RGB" and page.size == (96, 64)
    assert min(page.getextrema()[0]) > 200  # the white it was made of


@pytest.mark.parametrize("size", [(50_000, 50_000), (7746, 7746), (40_000, 100)])
def test_a_heic_claiming_too_many_pixels_is_refused_before_decoding(size: tuple[int, int]) -> None:
    started = time.perf_counter()
    with pytest.raises(PixelLimit):
        decode_image(samples.heic_claiming(*size), MediaType.HEIC, LIMITS)
    assert time.perf_counter() - started < 1


def test_a_heic_over_the_configured_pixel_limit_is_refused() -> None:
    data = samples.heic((256, 256))
    with pytest.raises(PixelLimit):
        decode_image(data, MediaType.HEIC, Limits(max_pixels=256 * 255))
    assert decode_image(data, MediaType.HEIC, Limits(max_pixels=256 * 256))[0].size == (256, 256)


@pytest.mark.parametrize("cut", ["half", "header", "body"])
def test_a_truncated_or_garbled_heic_is_a_parse_error(cut: str) -> None:
    data = samples.heic((128, 128))
    broken = {"half": data[: len(data) // 2], "header": data[:32],
              "body": data[:200] + bytes(64) + data[264:]}[cut]
    with pytest.raises(ParseError):
        decode_image(broken, MediaType.HEIC, LIMITS)


def test_only_the_heic_decoder_opens_a_heic() -> None:
    with pytest.raises(ParseError):
        decode_image(samples.image_bytes("JPEG"), MediaType.HEIC, LIMITS)
    with pytest.raises(ParseError):
        decode_image(samples.heic(), MediaType.JPEG, LIMITS)


def test_a_heic_saved_with_an_orientation_is_turned_once() -> None:
    """pillow-heif stores EXIF orientation 6 as a turn libheif applies; it must not be applied twice."""
    image = Image.new("RGB", (120, 60), "white")
    image.paste((0, 0, 0), (0, 0, 10, 10))  # the top left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = io.BytesIO()
    image.save(out, "HEIF", exif=exif.tobytes(), quality=90)
    (page,) = decode_image(out.getvalue(), MediaType.HEIC, LIMITS)
    assert page.size == (60, 120)
    assert page.getpixel((page.width - 3, 2)) == (0, 0, 0)  # now the top right corner
