"""Decode an uploaded image (JPEG, PNG, TIFF, WebP, HEIC) safely into RGB pages.

Only the one Pillow decoder matching the sniffed type may run; the size is checked
from the header before any pixel is loaded (``DecompressionBombWarning`` counts as an
error too); every library failure becomes one of our errors (``PixelLimit``,
``TooManyPages``, ``ParseError``) with no file content in it.
"""

from __future__ import annotations

import io
import itertools
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from verify.config import Limits
from verify.errors import ParseError, PixelLimit, TooManyPages
from verify.reading.intake import MediaType

#: What Pillow's decoders raise on malformed input.
_DECODE_ERRORS = (
    OSError,  # includes truncated files and UnidentifiedImageError
    ValueError,  # includes "Decompressed Data Too Large" (PNG text chunks)
    SyntaxError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    struct.error,
    MemoryError,
    UnidentifiedImageError,
    RuntimeError,  # libheif's errors that are not bad input (pillow-heif raises ValueError for those)
)

# HEIC: only the primary image is decoded (no thumbnails, depth maps or auxiliary images), on
# this thread (pages run in parallel as processes). Pillow's own checks still apply to it:
# the size from its header (``ispe``), the decompression bomb limit, only the sniffed decoder.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False, decode_threads=1)


def check_size(width: int, height: int, limits: Limits) -> None:
    """Raise ``PixelLimit`` unless width × height and each side are within the limits.

    >>> check_size(4000, 3000, Limits())
    >>> check_size(50_000, 50_000, Limits())
    Traceback (most recent call last):
    ...
    verify.errors.PixelLimit: The image is too large
    >>> check_size(40_000, 100, Limits())
    Traceback (most recent call last):
    ...
    verify.errors.PixelLimit: The image is too large
    """
    if width <= 0 or height <= 0:
        raise ParseError("The image has no pixels.")
    if width * height > limits.max_pixels or max(width, height) > limits.max_side:
        raise PixelLimit()


def count_frames(data: bytes, limits: Limits) -> int:
    """The number of frames of a TIFF, reading headers only; over ``limits.max_frames`` raises."""
    with _opened(data, MediaType.TIFF) as image:
        return sum(1 for _ in _frame_indexes(image, limits))


def decode_image(data: bytes, media_type: MediaType, limits: Limits) -> list[Image.Image]:
    """Decode an image into RGB pages (one per TIFF frame, else one), upright per EXIF."""
    if media_type is MediaType.PDF:
        raise ValueError("PDFs are read by verify.reading.pdf")
    with _opened(data, media_type) as image:
        if media_type is MediaType.TIFF:
            return [_to_rgb(_loaded_upright(image)) for _ in _frame_indexes(image, limits)]
        check_size(image.width, image.height, limits)
        return [_to_rgb(_loaded_upright(image))]


@contextmanager
def _opened(data: bytes, media_type: MediaType) -> Iterator[Image.Image]:
    """Open with only ``media_type``'s decoder; translate every failure inside the block."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[media_type.pillow_format]) as image:
                yield image
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PixelLimit() from exc
        except _DECODE_ERRORS as exc:
            raise ParseError("The image could not be decoded.") from exc


def _frame_indexes(image: Image.Image, limits: Limits) -> Iterator[int]:
    """Seek to each frame in turn, size-checked; stops past ``limits.max_frames``."""
    for index in itertools.count():
        try:
            image.seek(index)
        except EOFError:
            return
        if index >= limits.max_frames:
            raise TooManyPages(f"A TIFF may have at most {limits.max_frames} frames.")
        check_size(image.width, image.height, limits)
        yield index


def _loaded_upright(image: Image.Image) -> Image.Image:
    """A loaded copy of the current frame with its EXIF orientation applied."""
    image.load()
    return ImageOps.exif_transpose(image)


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB with transparency flattened onto white and high bit depths scaled to 8 bits."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        values = np.asarray(image, dtype=np.float64)
        low, high = float(values.min()), float(values.max())
        scaled = (values - low) * (255.0 / (high - low)) if high > low else np.zeros_like(values)
        image = Image.fromarray(scaled.astype(np.uint8), "L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image if image.mode == "RGB" else image.convert("RGB")
