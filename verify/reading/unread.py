"""Find the ink Tesseract returned no words for (see ``TesseractEngine.read``).

On some clean lines (a name in Noto Sans after its caption, for one) chi_sim's recogniser
returns nothing at all, and the whole printed line, caption included, is silently missing
from the page. The prepared page's ink is compared with the word boxes read: what is
left, once rules, frames and specks are dropped, is cut into word-sized pieces (ink
closer than a column gap) for a line reader to read.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from verify.reading.prepare import TARGET_TEXT_HEIGHT, without_long_lines

#: A piece is read only if its ink is this many text heights high (fewer: specks, more: not a line).
PIECE_HEIGHTS = (0.5, 2.0)
#: ... and at most this many text heights wide (wider: a page edge or a rule, not words).
MAX_PIECE_WIDTH = 25

Box = tuple[int, int, int, int]


def unread_pieces(ink: np.ndarray, read: Sequence[Box], height: int = TARGET_TEXT_HEIGHT) -> list[Box]:
    """Boxes (left, top, right, bottom) around the ink of ``ink`` (``True`` = ink) that no
    box of ``read`` (the lines read) covers: word-sized pieces, largest first."""
    left_over = without_long_lines(ink, length=3 * height).astype(np.uint8)
    pad = height // 4
    for left, top, right, bottom in read:
        left_over[max(0, top - pad):bottom + pad, max(0, left - pad):right + pad] = 0
    if not left_over.any():
        return []
    joined = cv2.dilate(left_over, np.ones((max(1, height // 8), max(1, int(0.8 * height))), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    pieces = []
    for index, (left, top, width, tall, _) in enumerate(stats[1:count], start=1):
        window = (slice(top, top + tall), slice(left, left + width))
        inked = left_over[window].astype(bool) & (labels[window] == index)
        rows, columns = np.flatnonzero(inked.any(axis=1)), np.flatnonzero(inked.any(axis=0))
        if rows.size == 0:
            continue
        box = (int(left + columns[0]), int(top + rows[0]), int(left + columns[-1] + 1), int(top + rows[-1] + 1))
        if not PIECE_HEIGHTS[0] * height <= box[3] - box[1] <= PIECE_HEIGHTS[1] * height:
            continue
        if box[2] - box[0] > MAX_PIECE_WIDTH * height:
            continue
        pieces.append(box)
    return sorted(pieces, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), reverse=True)
