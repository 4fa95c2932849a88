"""Prepare a page image for Tesseract (chi_sim, psm 6).

Kept because each raised field accuracy on generated certificates (clean, grey scan,
phone photo and 150 dpi renders; figures in the reading report):

1. the red channel as the grey image: red seal ink turns as light as the paper;
2. measure the skew and the text-line height on a small copy (long lines such as
   rules and the edges of a photographed page left out);
3. scale so that text lines are about ``TARGET_TEXT_HEIGHT`` pixels high;
4. straighten the page (phone photos are rarely square to the camera);
5. binarise with Sauvola's local threshold: light security patterns, tinted table
   rules and uneven lighting drop out, where one global threshold kept them; a lower
   threshold where the strokes are faint (blurred photos: ``text_ink``);
6. on a grey image, where a seal cannot be told by its colour, find the seal by its
   ring and, inside it only, keep the ink darker than the seal's (grey scans: headline
   fields 84% -> 98%). Keeping only the darkest ink on the whole page, as before, also
   erased grey captions and the thin strokes of Song/Ming faces.

Tried and dropped as neutral or harmful: cropping to the paper, erasing table rules
from the page, unsharp masking, re-reading low-confidence lines at other scales.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

#: Median height of a text line after scaling, in pixels.
TARGET_TEXT_HEIGHT = 40
#: Largest skew corrected, in degrees.
MAX_SKEW = 8.0
#: Radii of a round seal looked for, in text-line heights (a 38-42 mm seal over 3.7 mm text: ~5).
SEAL_RADII = (3.0, 9.0)
#: Share of a candidate circle that must run through ink to be taken as a seal's ring.
SEAL_RING_SHARE = 0.7
#: Sauvola's k: how much darker than its surroundings a pixel must be to count as ink.
SAUVOLA_K = 0.3
#: The k for faint strokes, taken when it finds ``FAINT_INK_GROWTH`` times the ink of ``SAUVOLA_K``.
FAINT_SAUVOLA_K = 0.2
FAINT_INK_GROWTH = 1.3
#: Scaling never makes a page larger than this (memory: about 40 bytes a pixel at the peak).
MAX_PIXELS = 8_000_000


def prepare_page(image: Image.Image) -> Image.Image:
    """The page as a black-on-white image ready for OCR (mode ``L``)."""
    return binarise(straighten(image), colourless=is_colourless(image))


def straighten(image: Image.Image) -> Image.Image:
    """Steps 1-4: the red channel, scaled to the target text height and deskewed (mode ``L``)."""
    grey = red_channel(image)
    angle, height = measure_page(grey)
    grey = _resized(grey, 1.0 if height is None else TARGET_TEXT_HEIGHT / height)
    return _rotated(grey, angle) if abs(angle) >= 0.2 else grey


def _rotated(grey: Image.Image, angle: float) -> Image.Image:
    """``grey`` turned ``angle`` degrees counter-clockwise, enlarged to keep its corners, on white."""
    width, height = grey.size
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    size = (round(width * cos + height * sin), round(width * sin + height * cos))
    matrix[0, 2] += size[0] / 2 - width / 2
    matrix[1, 2] += size[1] / 2 - height / 2
    turned = cv2.warpAffine(np.asarray(grey), matrix, size, flags=cv2.INTER_CUBIC, borderValue=255)
    return Image.fromarray(turned, "L")


def binarise(grey: Image.Image, *, colourless: bool) -> Image.Image:
    """Steps 5-6 on a straightened page: black ink on white (mode ``L``)."""
    return binarise_and_clean(grey, colourless=colourless)[0]


def binarise_and_clean(grey: Image.Image, *, colourless: bool) -> tuple[Image.Image, Image.Image]:
    """Steps 5-6, and the grey page with a grey seal's ink painted over in the paper's grey
    (what a recogniser re-reads a field from: a seal stamped over a date's day made both
    re-readers drop the day on grey scans). Without a seal found the grey page is as it was.
    """
    ink = text_ink(grey)
    if colourless and (seal := find_seal(grey, ink)) is not None:
        stamped = seal_shade(grey, ink, seal)
        ink = ink & ~stamped
        values = np.asarray(grey).copy()
        values[stamped] = np.median(values[~ink]) if (~ink).any() else 255
        grey = Image.fromarray(values, "L")
    return Image.fromarray(np.where(ink, 0, 255).astype(np.uint8), "L"), grey


def text_ink(grey: Image.Image) -> np.ndarray:
    """Sauvola's threshold at ``SAUVOLA_K``, or at ``FAINT_SAUVOLA_K`` when the strokes are faint.

    A blurred photo (a page on a desk, a chat-forwarded JPEG) leaves the thin strokes of Song
    and Ming faces light grey; at the usual k they drop out and characters lose their
    horizontals. Whether they are faint shows in how much ink the lower k adds: little on a
    crisp page (3-10% on clean pages and 150 dpi renders), much on a blurred one (30-60%).
    """
    window = _odd(1.5 * TARGET_TEXT_HEIGHT)
    ink = sauvola(grey, window, SAUVOLA_K)
    more = sauvola(grey, window, FAINT_SAUVOLA_K)
    return more if more.sum() > FAINT_INK_GROWTH * max(1, int(ink.sum())) else ink


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


def sauvola(grey: Image.Image, window: int, k: float = SAUVOLA_K) -> np.ndarray:
    """Sauvola's local threshold: ``True`` where a pixel is ink.

    A pixel is ink when darker than ``mean × (1 + k × (std / 128 − 1))`` of the
    ``window`` × ``window`` square around it (OpenCV's box filters, edges reflected:
    10-20x faster than integral images in numpy).
    """
    values = np.asarray(grey, dtype=np.float32)
    size = (window, window)
    mean = cv2.boxFilter(values, -1, size, borderType=cv2.BORDER_REFLECT)
    squares = cv2.boxFilter(values * values, -1, size, borderType=cv2.BORDER_REFLECT)
    std = np.sqrt(np.maximum(squares - mean * mean, 0))
    return values <= mean * (1 + k * (std / 128 - 1))


def is_colourless(image: Image.Image) -> bool:
    """Whether the image is grey (a grey scan), so that a seal cannot be told by its colour."""
    if image.mode in ("L", "1", "I", "F"):
        return True
    small = np.asarray(image.convert("RGB").reduce(max(1, max(image.size) // 256)), dtype=np.int16)
    return float((small.max(axis=2) - small.min(axis=2)).mean()) < 8


def find_seal(grey: Image.Image, ink: np.ndarray) -> tuple[int, int, int] | None:
    """The circle (centre x, centre y, radius in pixels) of a round seal on a page scaled to
    ``TARGET_TEXT_HEIGHT``, or ``None``.

    Hough circles on a quarter-size copy, radius within ``SEAL_RADII`` text heights; the
    first whose circumference (moved by up to 4 pixels, radius ±10%) passes within 4 pixels
    of ink at ``SEAL_RING_SHARE`` of 180 points is the seal's ring: circles through text,
    or a photo's outline, are not.
    """
    factor = 4
    small = cv2.resize(np.asarray(grey), (max(1, grey.width // factor), max(1, grey.height // factor)),
                       interpolation=cv2.INTER_AREA)
    low, high = (round(r * TARGET_TEXT_HEIGHT / factor) for r in SEAL_RADII)
    circles = cv2.HoughCircles(cv2.GaussianBlur(small, (5, 5), 1.5), cv2.HOUGH_GRADIENT, dp=1,
                               minDist=TARGET_TEXT_HEIGHT, param1=80, param2=30, minRadius=low, maxRadius=high)
    if circles is None:
        return None
    near_ink = cv2.dilate(ink.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    angles = np.radians(np.arange(0, 360, 2))
    steps = np.arange(-factor, factor + 1, factor // 2)
    for x, y, r in circles[0][:5] * factor:
        dx, dy, radius = (a.ravel()[:, None] for a in np.meshgrid(x + steps, y + steps, r * np.linspace(0.9, 1.1, 11)))
        xs = np.clip((dx + radius * np.cos(angles)).astype(int), 0, ink.shape[1] - 1)
        ys = np.clip((dy + radius * np.sin(angles)).astype(int), 0, ink.shape[0] - 1)
        shares = near_ink[ys, xs].mean(axis=1)
        best = int(np.argmax(shares))
        if shares[best] >= SEAL_RING_SHARE:
            return round(float(dx[best, 0])), round(float(dy[best, 0])), round(float(radius[best, 0]))
    return None


def seal_shade(grey: Image.Image, ink: np.ndarray, seal: tuple[int, int, int]) -> np.ndarray:
    """Where the seal may have left ink: inside its circle, whatever is as light as the seal.

    The seal's ink is as light as its ring's (the 10th percentile of the ring's ink, less
    15 grey levels) or lighter than the Otsu threshold of the ink inside the circle, which
    splits text from seal where text runs under it. Text under a seal is darker still.
    """
    x, y, r = seal
    values = np.asarray(grey)
    ring = np.zeros(ink.shape, np.uint8)
    cv2.circle(ring, (x, y), r, 1, thickness=max(2, r // 25))
    disc = np.zeros(ink.shape, np.uint8)
    cv2.circle(disc, (x, y), round(r * 1.08), 1, thickness=-1)
    inside = disc.astype(bool) & ink
    threshold = min(float(np.percentile(values[ring.astype(bool) & ink], 10)) - 15, otsu_threshold(values[inside]))
    return disc.astype(bool) & (values > threshold)


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
    small = np.asarray(Image.fromarray(np.where(ink, 255, 0).astype(np.uint8)).reduce(factor))
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def best(angles: np.ndarray) -> float:
        scores = [
            _sharpness(cv2.warpAffine(small, cv2.getRotationMatrix2D(centre, float(a), 1.0),
                                      (small.shape[1], small.shape[0]), flags=cv2.INTER_LINEAR))
            for a in angles
        ]
        return float(angles[int(np.argmax(scores))])

    coarse = best(np.arange(-MAX_SKEW, MAX_SKEW + 0.5, 1.0))
    return best(np.arange(coarse - 0.75, coarse + 0.8, 0.25))


def _sharpness(image: np.ndarray) -> float:
    rows = image.sum(axis=1, dtype=np.float64)
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
    their direction, so that a slightly slanted one still forms one long run (a
    morphological opening with a ``length``-pixel line keeps exactly such runs).
    """
    if length < 1:
        return ink
    by = max(1, length // 50)
    mask = ink.astype(np.uint8)
    lines = np.zeros_like(mask)
    for across, along in (((1, 2 * by + 1), (length, 1)), ((2 * by + 1, 1), (1, length))):
        thick = cv2.dilate(mask, np.ones(across, np.uint8))
        runs = cv2.morphologyEx(thick, cv2.MORPH_OPEN, np.ones(along, np.uint8), borderType=cv2.BORDER_CONSTANT,
                                borderValue=0)
        lines |= cv2.dilate(runs, np.ones(across, np.uint8))
    return ink & ~lines.astype(bool)


def _resized(grey: Image.Image, scale: float, limit: float = 4.0) -> Image.Image:
    scale = min(max(scale, 1 / limit), limit, (MAX_PIXELS / (grey.width * grey.height)) ** 0.5)
    if abs(scale - 1) < 0.05:
        return grey
    size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return Image.fromarray(cv2.resize(np.asarray(grey), size, interpolation=interpolation), "L")


def _odd(value: float) -> int:
    return max(3, int(value) // 2 * 2 + 1)
