"""Find the document inside a bigger picture and flatten it: a page lying on a desk in a phone
photo, a certificate shown in an app's screenshot.

The page's outline is where paper meets something else, so it is looked for as a four-sided
figure whose every side has a clear step in colour across it; a printed frame or a table's
rules inside the page (paper on both sides) do not count. On a small copy (``SIDE`` pixels
long), candidates come from three places, since none finds every page:

- **edges**: Canny on the lightness, smoothed first so that wood grain and text fade, then
  each outline's convex hull reduced to four corners (good on pale and grey desks, screenshots);
- **bright regions**: the largest region brighter than Otsu's threshold of the smoothed
  lightness (good on wood, whose grain breaks the edges into pieces).

Each candidate is scored by the share of points along its sides where the colour a little
inside differs from the colours a little and further outside (CIELAB distance over
``STEP_DELTA_E``); of the candidates with every side well supported, the one with the most
sides inside the picture, then the best supported (to a tenth: a page's drop shadow taken in
scores lower), then the largest wins, and the photo is warped so that it
becomes an upright rectangle (perspective transform at full resolution). A page that fills the
frame (a scan), or a picture where no outline is clear, is read as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from verify.reading.prepare import _odd

#: Long side of the copy the outline is looked for on, in pixels.
SIDE = 800
#: Smallest and largest share of the picture a page may cover (larger: the picture is the page).
MIN_SHARE, MAX_SHARE = 0.08, 0.9
#: CIELAB distance between the colours either side of a point of the outline for it to count as a step.
STEP_DELTA_E = 6.0
#: Share of each side's points that must be steps.
SIDE_SUPPORT = 0.6
#: Corners further than this from a right angle (degrees) rule a candidate out (perspective included).
MAX_CORNER_SLANT = 25.0


@dataclass(frozen=True)
class Outline:
    """A page's corners in the picture (top-left, top-right, bottom-right, bottom-left; pixels)
    and the weakest of its sides' support (share of its points that are steps)."""

    corners: np.ndarray
    support: float

    @property
    def size(self) -> tuple[int, int]:
        """Width and height of the flattened page: the means of its opposite sides (the side
        nearer the camera looks longer, the further one shorter)."""
        tl, tr, br, bl = self.corners
        width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
        height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
        return round(float(width)), round(float(height))


def flatten(image: Image.Image) -> Image.Image:
    """The page cut out of ``image`` and made rectangular, or ``image`` itself when no page
    outline is clear (or the page fills it).

    >>> plain = Image.new("RGB", (400, 300), "white")
    >>> flatten(plain) is plain
    True
    """
    outline = find_outline(image)
    if outline is None:
        return image
    width, height = outline.size
    target = np.array([(0, 0), (width - 1, 0), (width - 1, height - 1), (0, height - 1)], np.float32)
    matrix = cv2.getPerspectiveTransform(outline.corners.astype(np.float32), target)
    flat = cv2.warpPerspective(np.asarray(_rgb(image)), matrix, (width, height), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
    out = Image.fromarray(flat)
    if "dpi" in image.info:
        out.info["dpi"] = image.info["dpi"]
    return out


def find_outline(image: Image.Image) -> Outline | None:
    """The page's outline in ``image`` (full-size coordinates), or None."""
    factor = max(1.0, max(image.size) / SIDE)
    small = _rgb(image).resize((max(1, round(image.width / factor)), max(1, round(image.height / factor))),
                                        Image.Resampling.BOX)
    smooth = cv2.medianBlur(np.asarray(small), _odd(max(small.size) / 120))
    lab = cv2.cvtColor(smooth, cv2.COLOR_RGB2LAB)
    lightness = lab[..., 0]
    lab = lab.astype(np.float32)
    lab[..., 0] *= 100 / 255  # OpenCV's 8-bit Lab: L scaled to 0-255, a and b offset by 128
    area = small.width * small.height
    best: Outline | None = None
    best_rank = (0, 0.0, 0.0)
    for quad in _candidates(lightness, lab):
        quad_area = cv2.contourArea(quad)
        if not MIN_SHARE * area <= quad_area <= MAX_SHARE * area or not _square_enough(quad):
            continue
        support, judged = _support(lab, quad, step=max(2.0, max(small.size) / 200))
        rank = (judged, round(support, 1), quad_area)
        if support >= SIDE_SUPPORT and rank > best_rank:
            best, best_rank = Outline((quad + 0.5) * factor - 0.5, support), rank
    return best


def _rgb(image: Image.Image) -> Image.Image:
    """``image`` in RGB, without copying one that already is (a 12 MP photo is 36 MB)."""
    return image if image.mode == "RGB" else image.convert("RGB")


def _candidates(lightness: np.ndarray, lab: np.ndarray) -> list[np.ndarray]:
    """Four-cornered figures (float32, 4×2, ordered) that might be the page."""
    shapes = []
    steps = (_colour_gradient(lab) > STEP_DELTA_E / 2).astype(np.uint8) * 255  # a step spreads over two pixels
    shapes += _outlines(steps)
    median = float(np.median(lightness))
    for low, high in ((0.5 * median, 1.2 * median), (0.25 * median, 0.6 * median)):
        shapes += _outlines(cv2.Canny(lightness, max(8.0, low * 0.4), max(16.0, high * 0.4)))
    _, bright = cv2.threshold(lightness, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    _, labels, stats, _ = cv2.connectedComponentsWithStats(bright)
    for index in np.argsort(-stats[1:, cv2.CC_STAT_AREA])[:3] + 1:
        region = (labels == index).astype(np.uint8)
        shapes += cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]
    quads = []
    for shape in shapes:
        if len(shape) >= 4 and (quad := _four_corners(cv2.convexHull(shape))) is not None:
            quads.append(_fitted(quad, shape.reshape(-1, 2).astype(np.float32)))
    return quads


def _fitted(quad: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``quad`` with each side moved onto the line best fitting the outline's points along it
    (a hull's corners cut the page's corners short; the sides' lines meet where they are)."""
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        along = b - a
        length = float(np.linalg.norm(along)) + 1e-9
        offset = points - a
        t = offset @ along / length**2
        distance = np.abs(offset[:, 0] * along[1] - offset[:, 1] * along[0]) / length
        near = points[(t > 0.1) & (t < 0.9) & (distance < max(2.0, 0.02 * length))]
        if len(near) < 5:
            return quad
        lines.append(cv2.fitLine(near, cv2.DIST_HUBER, 0, 0.01, 0.01).reshape(4))
    corners = [_crossing(lines[i - 1], lines[i]) for i in range(4)]
    if any(c is None for c in corners):
        return quad
    fitted = np.array(corners, np.float32)
    return fitted if np.abs(fitted - quad).max() < 0.05 * cv2.arcLength(quad, True) else quad


def _crossing(first: np.ndarray, second: np.ndarray) -> tuple[float, float] | None:
    """Where two lines (direction x, y, then a point x, y) cross; None when nearly parallel."""
    (dx1, dy1, x1, y1), (dx2, dy2, x2, y2) = first, second
    det = dx1 * dy2 - dy1 * dx2
    if abs(det) < 0.2:
        return None
    s = ((x2 - x1) * dy2 - (y2 - y1) * dx2) / det
    return float(x1 + s * dx1), float(y1 + s * dy1)


def _outlines(edges: np.ndarray) -> list[np.ndarray]:
    """The closed outlines an edge map draws, the picture's own border counted as an edge (a
    page running off the picture, or shown edge to edge in an app, is closed by it)."""
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    edges[0, :] = edges[-1, :] = edges[:, 0] = edges[:, -1] = 255
    return list(cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0])


def _colour_gradient(lab: np.ndarray) -> np.ndarray:
    """How much the colour changes from one pixel to the next (CIELAB units a pixel): a pale page
    on a pale grey background differs in hue more than in lightness."""
    squares = np.zeros(lab.shape[:2], np.float32)
    for channel in cv2.split(lab):
        squares += cv2.Sobel(channel, cv2.CV_32F, 1, 0, ksize=3) ** 2
        squares += cv2.Sobel(channel, cv2.CV_32F, 0, 1, ksize=3) ** 2
    return np.sqrt(squares) / 4  # a Sobel kernel weighs a step four times


def _four_corners(hull: np.ndarray) -> np.ndarray | None:
    """The hull reduced to four corners (loosening the tolerance until it has four), ordered
    top-left, top-right, bottom-right, bottom-left; None when it will not reduce to four."""
    perimeter = cv2.arcLength(hull, True)
    for tolerance in (0.01, 0.02, 0.03, 0.05, 0.08):
        corners = cv2.approxPolyDP(hull, tolerance * perimeter, True)
        if len(corners) == 4:
            return _ordered(corners.reshape(4, 2).astype(np.float32))
        if len(corners) < 4:
            return None
    return None


def _ordered(points: np.ndarray) -> np.ndarray:
    """Corners in the order top-left, top-right, bottom-right, bottom-left."""
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    points = points[np.argsort(angles)]  # clockwise on screen, starting near the left
    start = int(np.argmin(points.sum(axis=1)))
    return np.roll(points, -start, axis=0)


def _square_enough(quad: np.ndarray) -> bool:
    """Every corner within ``MAX_CORNER_SLANT`` of a right angle."""
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        u, v = a - b, c - b
        cosine = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-9))
        if abs(90 - np.degrees(np.arccos(np.clip(cosine, -1, 1)))) > MAX_CORNER_SLANT:
            return False
    return True


def _support(lab: np.ndarray, quad: np.ndarray, *, step: float, samples: int = 40) -> tuple[float, int]:
    """The smallest share, over the sides judged, of points where the colour ``step`` pixels
    inside differs by more than ``STEP_DELTA_E`` from the colours both ``step`` and three times
    ``step`` pixels outside (a printed line is thin, what the page lies on is not); and how many
    sides were judged.

    A side along the picture's own edge (a page cut off by it, a picture shown edge to edge in a
    screenshot) is not judged; at least two sides must be (else the support is 0). Outlines with
    all four sides judged are preferred to any with fewer.
    """
    height, width = lab.shape[:2]
    centre = quad.mean(axis=0)
    weakest, judged = 1.0, 0
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        along = b - a
        normal = np.array((-along[1], along[0]), np.float32) / (np.linalg.norm(along) + 1e-9)
        if np.dot(centre - (a + b) / 2, normal) < 0:
            normal = -normal  # pointing into the page
        t = np.linspace(0.1, 0.9, samples, dtype=np.float32)[:, None]
        points = a + t * along
        inside, near, far = points + step * normal, points - step * normal, points - 3 * step * normal
        keep = (far[:, 0] >= 0) & (far[:, 0] < width) & (far[:, 1] >= 0) & (far[:, 1] < height)
        if keep.sum() < samples // 2:
            continue
        judged += 1
        inner = _colours(lab, inside[keep])
        steps = ((np.linalg.norm(inner - _colours(lab, near[keep]), axis=1) > STEP_DELTA_E)
                 & (np.linalg.norm(inner - _colours(lab, far[keep]), axis=1) > STEP_DELTA_E))
        weakest = min(weakest, float(steps.mean()))
    return (weakest if judged >= 2 else 0.0), judged


def _colours(lab: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The colours at ``points`` (x, y; clipped to the picture)."""
    height, width = lab.shape[:2]
    return lab[points[:, 1].astype(int).clip(0, height - 1), points[:, 0].astype(int).clip(0, width - 1)]
