"""Prepare a page image for Tesseract (chi_sim, psm 6).

Kept because each raised field accuracy on generated certificates (clean, grey scan,
phone photo and 150 dpi renders; figures in the reading report):

1. the red channel as the grey image: red seal ink turns as light as the paper;
2. measure the skew and the text-line height on a small copy (long lines such as
   rules and the edges of a photographed page left out);
3. scale so that text lines are about ``TARGET_TEXT_HEIGHT`` pixels high;
4. straighten the page (phone photos are rarely square to the camera);
5. binarise with Sauvola's local threshold: light security patterns, tinted table
   rules and uneven lighting drop out, where one global threshold kept them;
6. on a grey image, where a seal cannot be told by its colour, keep only the darkest
   ink when it stands apart from lighter ink (the seal, rules).

Tried and dropped as neutral or harmful: cropping to the paper, erasing table rules
from the page, unsharp masking, re-reading low-confidence lines at other scales.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

#: Median height of a text line after scaling, in pixels.
TARGET_TEXT_HEIGHT = 40
#: Largest skew corrected, in degrees.
MAX_SKEW = 8.0
#: Scaling never makes a page larger than this (memory: about 40 bytes a pixel at the peak).
MAX_PIXELS = 8_000_000


def prepare_page(image: Image.Image) -> Image.Image:
    """The page as a black-on-white image ready for OCR (mode ``L``)."""
    grey = red_channel(image)
    angle, height = measure_page(grey)
    grey = _resized(grey, 1.0 if height is None else TARGET_TEXT_HEIGHT / height)
    if abs(angle) >= 0.2:
        grey = grey.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    ink = sauvola(grey, window=_odd(1.5 * TARGET_TEXT_HEIGHT))
    if is_colourless(image):
        ink = darkest_ink(grey, ink)
    return Image.fromarray(np.where(ink, 0, 255).astype(np.uint8), "L")


def red_channel(image: Image.Image) -> Image.Image:
    """The red channel as a grey image: red ink (seals) turns as light as white paper."""
    if image.mode == "L":
        return image
    return image.convert("RGB").getchannel("R")


def measure_page(grey: Image.Image, size: int = 1200) -> tuple[float, float | None]:
    """The page's skew angle (degrees) and text-line height (pixels), measured on a small copy."""
    factor = max(1, round(max(grey.size) / size))
    small = grey.reduce(factor) if factor > 1 else grey
    window = _odd(max(small.size) / 40)
    angle = skew_angle(sauvola(small, window))
    if abs(angle) >= 0.2:
        small = small.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    height = text_height(without_long_lines(sauvola(small, window), length=max(small.size) // 12))
    return angle, None if height is None else height * factor


def sauvola(grey: Image.Image, window: int, k: float = 0.3) -> np.ndarray:
    """Sauvola's local threshold: ``True`` where a pixel is ink.

    A pixel is ink when darker than ``mean × (1 + k × (std / 128 − 1))`` of the
    ``window`` × ``window`` square around it (computed with integral images).
    """
    values = np.asarray(grey)
    half = window // 2
    padded = np.pad(values, ((half + 1, half), (half + 1, half)), mode="reflect").astype(np.int64)
    sums = padded.cumsum(axis=0).cumsum(axis=1)  # exact in integers, and faster than floats
    squares = (padded * padded).cumsum(axis=0).cumsum(axis=1)
    height, width = values.shape

    def box(total: np.ndarray) -> np.ndarray:
        return (
            total[window:window + height, window:window + width]
            - total[:height, window:window + width]
            - total[window:window + height, :width]
            + total[:height, :width]
        )

    area = window * window
    mean = box(sums) / area
    std = np.sqrt(np.maximum(box(squares) / area - mean * mean, 0))
    return values <= mean * (1 + k * (std / 128 - 1))


def is_colourless(image: Image.Image) -> bool:
    """Whether the image is grey (a grey scan), so that a seal cannot be told by its colour."""
    if image.mode in ("L", "1", "I", "F"):
        return True
    small = np.asarray(image.convert("RGB").reduce(max(1, max(image.size) // 256)), dtype=np.int16)
    return float((small.max(axis=2) - small.min(axis=2)).mean()) < 8


def darkest_ink(grey: Image.Image, ink: np.ndarray) -> np.ndarray:
    """Only the darkest ink, when it stands apart from lighter ink (a seal printed in grey).

    Otsu's threshold splits the ink pixels; the lighter part is dropped when the two
    parts' means differ by more than 60 grey levels.
    """
    values = np.asarray(grey)[ink]
    if values.size == 0:
        return ink
    threshold = otsu_threshold(values)
    dark, light = values[values <= threshold], values[values > threshold]
    if dark.size == 0 or light.size == 0 or float(light.mean()) - float(dark.mean()) < 60:
        return ink
    return ink & (np.asarray(grey) <= threshold)


def otsu_threshold(values: np.ndarray) -> int:
    """Otsu's threshold of 8-bit values: the level that best separates two classes.

    >>> otsu_threshold(np.array([10] * 50 + [200] * 50, dtype=np.uint8))
    10
    """
    histogram = np.bincount(values.ravel(), minlength=256).astype(np.float64)
    weight_low = np.cumsum(histogram)
    mass_low = np.cumsum(histogram * np.arange(256))
    weight_high = weight_low[-1] - weight_low
    mean_low = np.divide(mass_low, weight_low, out=np.zeros(256), where=weight_low > 0)
    mean_high = np.divide(mass_low[-1] - mass_low, weight_high, out=np.zeros(256), where=weight_high > 0)
    return int(np.argmax(weight_low * weight_high * (mean_low - mean_high) ** 2))


def skew_angle(ink: np.ndarray) -> float:
    """The rotation (degrees, counter-clockwise) that makes text lines horizontal.

    The angle whose row projection is sharpest, searched in 1° then 0.25° steps on a
    copy about 600 px wide.
    """
    factor = max(1, round(max(ink.shape) / 600))
    small = Image.fromarray(np.where(ink, 255, 0).astype(np.uint8)).reduce(factor)

    def best(angles: np.ndarray) -> float:
        scores = [_sharpness(small.rotate(float(a), resample=Image.Resampling.BILINEAR)) for a in angles]
        return float(angles[int(np.argmax(scores))])

    coarse = best(np.arange(-MAX_SKEW, MAX_SKEW + 0.5, 1.0))
    return best(np.arange(coarse - 0.75, coarse + 0.8, 0.25))


def _sharpness(image: Image.Image) -> float:
    rows = np.asarray(image, dtype=np.float64).sum(axis=1)
    return float(np.sum(np.diff(rows) ** 2))


def text_height(ink: np.ndarray) -> float | None:
    """Median height in pixels of the text lines (runs of inked rows), or ``None``."""
    rows = ink.mean(axis=1)
    if not (rows > 0).any():
        return None
    inked = rows > max(0.002, 0.1 * float(np.percentile(rows[rows > 0], 90)))
    edges = np.flatnonzero(np.diff(np.concatenate(([0], inked.astype(np.int8), [0]))))
    runs = [int(end - start) for start, end in zip(edges[::2], edges[1::2], strict=True) if end - start >= 4]
    return float(np.median(runs)) if runs else None


def without_long_lines(ink: np.ndarray, length: int) -> np.ndarray:
    """``ink`` without horizontal and vertical lines longer than ``length`` pixels.

    Rules, frames and the edges of a photographed page would otherwise pass for text
    lines when measuring their height. Lines are looked for in ink thickened across
    their direction, so that a slightly slanted one still forms one long run.
    """
    by = max(1, length // 50)
    horizontal = _widen(_long_runs(_widen(ink, by, axis=0), length), by, axis=0)
    vertical = _widen(_long_runs(_widen(ink, by, axis=1).T, length).T, by, axis=1)
    return ink & ~(horizontal | vertical)


def _long_runs(ink: np.ndarray, length: int) -> np.ndarray:
    """Pixels on a horizontal run of at least ``length`` inked pixels."""
    if length < 1 or ink.shape[1] < length:
        return np.zeros_like(ink)
    counts = np.cumsum(np.pad(ink.astype(np.int32), ((0, 0), (1, 0))), axis=1)
    full = (counts[:, length:] - counts[:, :-length]) == length  # the window starting at each column is all ink
    starts = np.cumsum(np.pad(full.astype(np.int32), ((0, 0), (1, 0))), axis=1)
    column = np.arange(ink.shape[1])
    high = np.minimum(column + 1, full.shape[1])
    low = np.maximum(column - length + 1, 0)
    return (starts[:, high] - starts[:, low]) > 0  # a full window starts within ``length`` columns before


def _widen(mask: np.ndarray, by: int, axis: int) -> np.ndarray:
    grown = mask.copy()
    for shift in range(1, by + 1):
        grown |= np.roll(mask, shift, axis=axis) | np.roll(mask, -shift, axis=axis)
    return grown


def _resized(grey: Image.Image, scale: float, limit: float = 4.0) -> Image.Image:
    scale = min(max(scale, 1 / limit), limit, (MAX_PIXELS / (grey.width * grey.height)) ** 0.5)
    if abs(scale - 1) < 0.05:
        return grey
    size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
    return grey.resize(size, Image.Resampling.LANCZOS)


def _odd(value: float) -> int:
    return max(3, int(value) // 2 * 2 + 1)
