"""Find how a page lies (upright, sideways, upside down) and turn it upright before reading.

Phones and apps often strip the EXIF tag that says how a photo lies, so the pixels are
judged by themselves, on a small copy (``SIDE`` pixels long), in two steps:

1. **Sideways or not**, from text-line geometry: the characters of a line stand closer to
   each other than to the lines above and below, so the nearest neighbour of most ink
   blobs lies beside them (upright or upside down) or above them (sideways). No model.
2. **Which way up**, by PP-OCR's text direction classifier (0° or 180°) on the longest
   pieces of text lines (``SEGMENTS`` at most), their log-odds summed; the page is turned
   only when the sum clearly favours 180° (``FLIP_MARGIN``).

Measured on the bench corpus (clean, scan, 150 dpi, photo and chat pages at each quarter
turn, seeds 0-11, 100-111 and 200-207): 432 of 432 right, 0.13-0.34 s a page, 7-16% of
reading it. Tesseract's OSD (``osd.traineddata``) was as right on photos but took 40-86%
of a page's reading (1.3-2.4 s) and missed 2 of 8 upright chat photos.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from verify.errors import OcrUnavailable
from verify.reading.ppocr import upside_down_odds
from verify.reading.prepare import _odd, red_channel, sauvola, without_long_lines

#: Long side of the copy the orientation is judged on, in pixels.
SIDE = 1000
#: Fewest character-sized blobs a page needs for its lines' direction to be judged.
MIN_BLOBS = 20
#: Most blobs compared with each other (a random sample beyond this; distances are all pairs).
MAX_BLOBS = 1200
#: Most pieces of text line shown to the direction classifier.
SEGMENTS = 8
#: Widest piece of text line shown, in its heights (the classifier squeezes wider ones to 4:1).
SEGMENT_ASPECT = 4
#: Summed log-odds for 180° over 0° above which a page is turned upside down.
FLIP_MARGIN = 3.0

#: What turns a page upright, by the counter-clockwise quarter turns it lies at.
_UNDO = {1: Image.Transpose.ROTATE_270, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_90}


def upright(image: Image.Image) -> Image.Image:
    """The page image turned upright: itself when it already is (or when that cannot be told)."""
    turns = quarter_turns(image)
    return image.transpose(_UNDO[turns]) if turns else image


def quarter_turns(image: Image.Image) -> int:
    """How many quarter turns counter-clockwise the page lies at (0-3; 0 when it cannot be told).

    Judged on the red channel of a copy about ``SIDE`` pixels long, as the page is read (red seals fade).

    >>> quarter_turns(Image.new("RGB", (300, 200), "white"))
    0
    """
    factor = max(1, round(max(image.size) / SIDE))
    small = np.asarray(red_channel(image.reduce(factor) if factor > 1 else image))
    ink = without_long_lines(sauvola(Image.fromarray(small), _odd(max(small.shape) / 40)), max(small.shape) // 12)
    share = beside_share(ink)
    if share is None:
        return 0
    sideways = share < 0.5
    if sideways:  # lines run top to bottom: a quarter turn clockwise makes them run across
        small, ink = np.rot90(small, -1), np.rot90(ink, -1)
    try:
        flipped = upside_down_odds(line_segments(small, ink)) > FLIP_MARGIN
    except OcrUnavailable:
        flipped = False
    return (1 if sideways else 0) + (2 if flipped else 0)


def beside_share(ink: np.ndarray) -> float | None:
    """The share of character-sized blobs whose nearest neighbour lies beside them rather than
    above or below (``None`` with fewer than ``MIN_BLOBS``).

    Blobs are connected pieces of ink between half and three times the median piece's size
    (specks and rules left out); pieces of one character count like characters.
    """
    _, _, stats, centres = cv2.connectedComponentsWithStats(ink.astype(np.uint8))
    sizes = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    visible = sizes >= 4
    if visible.sum() < MIN_BLOBS:
        return None
    median = float(np.median(sizes[visible]))
    points = centres[1:][(sizes >= 0.5 * median) & (sizes <= 3 * median)]
    if len(points) < MIN_BLOBS:
        return None
    if len(points) > MAX_BLOBS:
        points = points[np.random.default_rng(0).choice(len(points), MAX_BLOBS, replace=False)]
    offsets = points[:, None, :] - points[None, :, :]
    distances = (offsets**2).sum(axis=2)
    np.fill_diagonal(distances, np.inf)
    nearest = offsets[np.arange(len(points)), distances.argmin(axis=1)]
    return float((np.abs(nearest[:, 0]) > np.abs(nearest[:, 1])).mean())


def line_segments(grey: np.ndarray, ink: np.ndarray) -> list[np.ndarray]:
    """Crops of ``grey`` around the largest pieces of text line (at most ``SEGMENTS``), each at most
    ``SEGMENT_ASPECT`` times as wide as high.

    Ink is smeared across by most of a character's height (the 75th percentile of the ink
    blobs' heights: a line's height is not measured here, as a skewed photo blurs the rows)
    so that the characters of a word join; a piece is about as high as a character and at
    least twice as wide.
    """
    _, _, blobs, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8))
    heights = blobs[1:, cv2.CC_STAT_HEIGHT]
    heights = heights[heights >= 4]
    if not len(heights):
        return []
    height = float(np.percentile(heights, 75))
    joined = cv2.dilate(ink.astype(np.uint8), np.ones((1, max(1, round(0.8 * height))), np.uint8))
    _, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    pieces = [s for s in stats[1:] if 0.6 * height <= s[3] <= 1.8 * height and s[2] >= 2 * s[3]]
    pieces.sort(key=lambda s: -int(s[cv2.CC_STAT_AREA]))
    crops = []
    for left, top, width, tall, _ in pieces[:SEGMENTS]:
        pad = max(2, int(tall) // 4)
        width = min(int(width), SEGMENT_ASPECT * int(tall))
        crops.append(grey[max(0, top - pad):top + tall + pad, max(0, left - pad):left + width + pad])
    return crops
