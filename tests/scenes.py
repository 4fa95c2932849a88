"""A certificate inside a larger picture: lying on a desk in a 12-megapixel phone photo, or
shown in an app and screenshotted (issue 16).

Both keep the certificate's pixels as rendered and put the world around them: ``desk_photo``
lays the page on a desk (by seed: walnut, oak, grey laminate, a pale table; often a pen beside it), seen at an angle
(turned up to 12°, keystoned as by a camera tilted up to ~10°), with a drop shadow, a soft
shadow cast over part of the scene, uneven warm light, lens blur and sensor noise;
``screenshot`` shows it in a phone app's viewer (status bar with the time, a title bar, a
timestamp above the picture and buttons below, light or dark theme) at the screen's width.

>>> from PIL import Image
>>> page = Image.new("RGB", (840, 600), (250, 246, 236))
>>> photo = desk_photo(page, seed=1)
>>> photo.image.size, photo.corners.shape
((3024, 4032), (4, 2))
>>> shot = screenshot(page, seed=2, font=lambda px: None)
>>> shot.image.size[1] > shot.image.size[0], shot.page_box[2] - shot.page_box[0] <= shot.image.size[0]
(True, True)
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

#: A 12-megapixel phone photo, landscape (portrait for odd seeds).
PHOTO_SIZE = (4032, 3024)
#: Phone screens (pixels, portrait): iPhone 14, iPhone 15 Pro Max, two Android phones.
SCREENS = ((1170, 2532), (1290, 2796), (1080, 2400), (1080, 2340))

_DESKS = (  # (base colour, grain strength): dark walnut, oak, grey laminate, a pale table
    ((92, 62, 40), 18.0),
    ((176, 134, 92), 22.0),
    ((128, 130, 134), 6.0),
    ((206, 204, 198), 4.0),
)

Font = Callable[[int], "ImageFont.FreeTypeFont | None"]


@dataclass(frozen=True)
class DeskPhoto:
    """A photo and where the page's corners lie in it (top-left, top-right, bottom-right, bottom-left)."""

    image: Image.Image
    corners: np.ndarray


def desk_photo(page: Image.Image, seed: int = 0) -> DeskPhoto:
    """``page`` photographed lying on a desk: a 12 MP RGB image (JPEG it as a phone would)."""
    rng = random.Random(f"desk:{seed}")
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    width, height = PHOTO_SIZE if seed % 2 == 0 else PHOTO_SIZE[::-1]
    scene = _desk(seed, rng, nrng, width, height)
    corners = _page_corners(rng, page.size, width, height)
    _shadow_under(scene, corners, rng)
    _paste(scene, page, corners)
    if rng.random() < 0.6:
        _pen(scene, rng, corners)
    scene = _cast_shadow(scene, rng)
    scene = _warm_uneven_light(scene, rng)
    scene = scene.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 1.8)))
    noise = nrng.normal(0, 3.5, (height, width, 1)).astype(np.float32)
    return DeskPhoto(Image.fromarray((np.asarray(scene, np.float32) + noise).clip(0, 255).astype(np.uint8)), corners)


@dataclass(frozen=True)
class Screenshot:
    """A screenshot and where the certificate lies in it (left, top, right, bottom)."""

    image: Image.Image
    page_box: tuple[int, int, int, int]


def screenshot(page: Image.Image, seed: int = 0, *, font: Font) -> Screenshot:
    """``page`` shown in a phone app's picture viewer and screenshotted (RGB, the screen's size).

    ``font(px)`` gives the app's typeface at a pixel size (None: Pillow's default font).
    """
    rng = random.Random(f"screenshot:{seed}")
    width, height = SCREENS[seed % len(SCREENS)]
    dark = seed % 3 == 1
    background, ink, faint = ((0, 0, 0), (235, 235, 240), (150, 150, 156)) if dark else \
        ((242, 242, 247), (20, 20, 24), (132, 132, 138))
    shot = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(shot)
    unit = width / 390  # points to pixels (a 390 pt wide screen)
    _status_bar(draw, width, unit, ink, font, rng)
    bar = round(54 * unit)
    title = rng.choice(("证书详情", "图片预览", "资质材料", "聊天图片"))
    draw.text((round(16 * unit), bar + round(22 * unit)), "〈", fill=ink, font=font(round(20 * unit)), anchor="lm")
    draw.text((width / 2, bar + round(22 * unit)), title, fill=ink, font=font(round(17 * unit)), anchor="mm")
    draw.text((width - round(20 * unit), bar + round(22 * unit)), "···", fill=ink, font=font(round(20 * unit)),
              anchor="rm")
    stamp = f"{rng.randint(2023, 2026)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日 {rng.randint(8, 22)}:" \
            f"{rng.randint(0, 59):02d}"
    draw.text((width / 2, bar + round(62 * unit)), stamp, fill=faint, font=font(round(12 * unit)), anchor="mm")
    margin = round(rng.choice((0, 8, 16)) * unit)
    shown_w = width - 2 * margin
    shown_h = round(page.height * shown_w / page.width)
    top = bar + round(80 * unit) + rng.randint(0, round(120 * unit))
    shot.paste(page.convert("RGB").resize((shown_w, shown_h), Image.Resampling.LANCZOS), (margin, top))
    below = top + shown_h + round(28 * unit)
    draw.text((width / 2, below), rng.choice(("长按图片可保存或转发", "来自 微信 · 原图", "已保存到相册")),
              fill=faint, font=font(round(13 * unit)), anchor="mm")
    for i, label in enumerate(("保存图片", "分享")):
        x0 = round((24 + i * 180) * unit)
        box = (x0, below + round(36 * unit), x0 + round(162 * unit), below + round(80 * unit))
        draw.rounded_rectangle(box, radius=round(12 * unit), fill=(7, 193, 96) if i == 0 else faint)
        draw.text(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), label, fill=(255, 255, 255),
                  font=font(round(16 * unit)), anchor="mm")
    draw.rounded_rectangle((width / 2 - 67 * unit, height - 13 * unit, width / 2 + 67 * unit, height - 8 * unit),
                           radius=round(3 * unit), fill=ink)
    return Screenshot(shot, (margin, top, margin + shown_w, top + shown_h))


def _status_bar(draw: ImageDraw.ImageDraw, width: int, unit: float, ink: tuple[int, int, int], font: Font,
                rng: random.Random) -> None:
    """The time on the left; signal bars, Wi-Fi and battery on the right."""
    draw.text((round(36 * unit), round(27 * unit)), f"{rng.randint(7, 23)}:{rng.randint(0, 59):02d}", fill=ink,
              font=font(round(16 * unit)), anchor="lm")
    right = width - round(24 * unit)
    draw.rounded_rectangle((right - 25 * unit, 21 * unit, right, 33 * unit), radius=round(3 * unit), outline=ink,
                           width=max(1, round(unit)))
    draw.rectangle((right - 23 * unit, 23 * unit, right - 23 * unit + rng.uniform(5, 21) * unit, 31 * unit), fill=ink)
    for i in range(4):
        x = right - 70 * unit + i * 5 * unit
        draw.rectangle((x, (31 - 3 * i) * unit, x + 3 * unit, 33 * unit), fill=ink)
    draw.pieslice((right - 45 * unit, 20 * unit, right - 31 * unit, 34 * unit), 225, 315, fill=ink)


def _desk(seed: int, rng: random.Random, nrng: np.random.Generator, width: int, height: int) -> Image.Image:
    """Desk ``seed % 4``'s surface: a base colour with wood grain running along a random direction."""
    base, grain = _DESKS[seed % len(_DESKS)]
    small_w, small_h = width // 8, height // 8
    yy, xx = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    angle = rng.uniform(-0.3, 0.3)
    along = xx * math.sin(angle) + yy * math.cos(angle)
    wobble = np.cumsum(nrng.normal(0, 0.6, small_w)).astype(np.float32)[None, :]
    rings = np.sin((along + wobble) * rng.uniform(0.35, 0.6)) + 0.5 * np.sin((along + wobble) * 1.7 + 1.0)
    shade = grain * rings + nrng.normal(0, grain / 4, (small_h, small_w))
    small = np.clip(np.array(base, np.float32)[None, None, :] + shade[..., None], 0, 255).astype(np.uint8)
    return Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)


def _page_corners(rng: random.Random, size: tuple[int, int], width: int, height: int) -> np.ndarray:
    """Where the page's corners (top-left, top-right, bottom-right, bottom-left) land in the photo:
    scaled to fill a good part of it, keystoned, turned and moved off centre."""
    page_w, page_h = size
    scale = rng.uniform(0.6, 0.8) * min(width / page_w, height / page_h)
    w, h = page_w * scale / 2, page_h * scale / 2
    near = rng.uniform(0.0, 0.09)  # the edge nearer the camera looks longer
    side = rng.uniform(-0.05, 0.05)
    corners = np.array([(-w * (1 - near), -h * (1 - side)), (w * (1 - near), -h * (1 + side)),
                        (w * (1 + near), h * (1 + side)), (-w * (1 + near), h * (1 - side))], np.float32)
    theta = math.radians(rng.uniform(-12, 12))
    turn = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]], np.float32)
    corners = corners @ turn.T
    room_x = max(0.0, width / 2 - np.abs(corners[:, 0]).max() - 40)
    room_y = max(0.0, height / 2 - np.abs(corners[:, 1]).max() - 40)
    centre = (width / 2 + rng.uniform(-room_x, room_x) / 2, height / 2 + rng.uniform(-room_y, room_y) / 2)
    return corners + np.array(centre, np.float32)


def _shadow_under(scene: Image.Image, corners: np.ndarray, rng: random.Random) -> None:
    """The page's own soft shadow on the desk, a little down and to one side (in place)."""
    mask = Image.new("L", scene.size, 0)
    offset = np.array((rng.uniform(-20, 20), rng.uniform(10, 30)), np.float32)
    ImageDraw.Draw(mask).polygon([tuple(p) for p in corners + offset], fill=150)
    mask = mask.reduce(4).filter(ImageFilter.GaussianBlur(8)).resize(scene.size, Image.Resampling.BILINEAR)
    scene.paste(Image.new("RGB", scene.size, (20, 16, 12)), (0, 0), mask)


def _paste(scene: Image.Image, page: Image.Image, corners: np.ndarray) -> None:
    """``page`` warped onto ``corners`` of ``scene`` (in place).

    The page is first shrunk (Lanczos) to about its size in the photo, so that the warp hardly
    scales: warping alone samples a big page sparsely and drops thin strokes, as no lens does.
    """
    shown = (np.linalg.norm(corners[1] - corners[0]) + np.linalg.norm(corners[2] - corners[3])) / 2
    page = page.convert("RGB")
    if shown < page.width:
        page = page.resize((round(shown), round(page.height * shown / page.width)), Image.Resampling.LANCZOS)
    src = np.array([(0, 0), (page.width, 0), (page.width, page.height), (0, page.height)], np.float32)
    matrix = cv2.getPerspectiveTransform(src, corners)
    warped = cv2.warpPerspective(np.asarray(page), matrix, scene.size, flags=cv2.INTER_LINEAR)
    inside = cv2.warpPerspective(np.full((page.height, page.width), 255, np.uint8), matrix, scene.size,
                                 flags=cv2.INTER_LINEAR)
    scene.paste(Image.fromarray(warped), (0, 0), Image.fromarray(inside))


def _pen(scene: Image.Image, rng: random.Random, corners: np.ndarray) -> None:
    """A pen on the desk beside the page (in place)."""
    width, height = scene.size
    left = rng.random() < 0.5
    x = rng.uniform(60, max(61.0, corners[:, 0].min() - 120)) if left else \
        rng.uniform(min(width - 61.0, corners[:, 0].max() + 120), width - 60)
    length, angle = rng.uniform(0.25, 0.4) * height, math.radians(rng.uniform(-20, 20))
    y = rng.uniform(0.2, 0.8) * height
    dx, dy = math.sin(angle) * length / 2, math.cos(angle) * length / 2
    colour = rng.choice(((20, 24, 60), (15, 15, 15), (140, 20, 25)))
    ImageDraw.Draw(scene).line([(x - dx, y - dy), (x + dx, y + dy)], fill=colour, width=round(0.012 * height))


def _cast_shadow(scene: Image.Image, rng: random.Random) -> Image.Image:
    """A soft shadow (the phone's, a hand's) over one side of the scene."""
    width, height = scene.size
    small_w, small_h = width // 16, height // 16
    yy, xx = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    along = (xx - small_w / 2) * math.cos(angle) + (yy - small_h / 2) * math.sin(angle)
    edge = rng.uniform(0.2, 0.45) * max(small_w, small_h)
    softness = rng.uniform(4, 12)
    depth = rng.uniform(0.18, 0.35)
    light = 1 - depth / (1 + np.exp(-(along - edge) / softness))
    field = Image.fromarray((light * 255).astype(np.uint8)).resize(scene.size, Image.Resampling.BILINEAR)
    values = np.asarray(scene, np.float32) * (np.asarray(field, np.float32)[..., None] / 255)
    return Image.fromarray(values.clip(0, 255).astype(np.uint8))


def _warm_uneven_light(scene: Image.Image, rng: random.Random) -> Image.Image:
    """Brighter towards one side, darker in the corners, a warm cast."""
    width, height = scene.size
    yy, xx = np.mgrid[0:48, 0:64].astype(np.float32)
    u, v = xx / 63 - 0.5, yy / 47 - 0.5
    a = rng.uniform(0, 2 * math.pi)
    light = 0.92 + rng.uniform(0.1, 0.25) * (u * math.cos(a) + v * math.sin(a)) - 0.35 * (u**2 + v**2)
    field = np.asarray(Image.fromarray((light.clip(0, 1) * 255).astype(np.uint8)).resize(
        (width, height), Image.Resampling.BILINEAR), np.float32)[..., None] / 255
    tint = np.array((1.0, rng.uniform(0.95, 1.0), rng.uniform(0.86, 0.95)), np.float32)
    return Image.fromarray((np.asarray(scene, np.float32) * field * tint).clip(0, 255).astype(np.uint8))
