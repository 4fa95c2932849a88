"""Perceptual prints of page images: the same picture, re-encoded or resized, keeps a near print.

A print is two DCT perceptual hashes (pHash, as imagehash and pHash.org compute it: the page in
grey scaled to 4n × 4n, its 2-D DCT, the n × n lowest frequencies, each bit "above their median")
of the page: a coarse 64-bit one, split into four 16-bit ``bands`` that a database index can look
up, and a fine 1024-bit one that decides. OpenCV computes the DCT (imagehash would bring SciPy:
100 MB more address space in every job process and a slower start). Certificates of one kind
share a template, so the coarse hash of two different people's certificates is often within a
few bits; the fine hash tells them apart.
Measured on the synthetic corpus (4 kinds × 3 layouts × 18 certificates, 200 dpi, clean and
photographed): the fine hashes of different certificates were at least 66 bits apart, the same
image JPEG-recompressed (quality 30-75), scaled to 25-100 % or turned grey at most 36 bits;
``SAME_PICTURE_BITS`` sits between. A new photograph of the same paper is a new picture: it is
found by the credential number, not by its print.

>>> from PIL import Image, ImageDraw
>>> page = Image.new("RGB", (600, 400), "white")
>>> ImageDraw.Draw(page).rectangle((50, 50, 300, 200), fill="black")
>>> a, b = page_print(page), page_print(page.resize((300, 200)))
>>> same_picture(a, b), len(a.bands)
(True, 4)
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

FINE_SIZE = 32  # a 32×32 DCT: 1024 bits
COARSE_SIZE = 8  # 64 bits, four 16-bit bands
SAME_PICTURE_BITS = 48
_THUMBNAIL = (512, 512)  # hashing a copy this small costs ~17 ms a page and changes no decision


@dataclass(frozen=True)
class ImagePrint:
    """``coarse``: 16 hex digits; ``fine``: 256 hex digits."""

    coarse: str
    fine: str

    @property
    def bands(self) -> tuple[int, int, int, int]:
        """The coarse hash as four 16-bit integers (two prints within 3 bits share at least one)."""
        value = int(self.coarse, 16)
        return tuple((value >> shift) & 0xFFFF for shift in (48, 32, 16, 0))  # type: ignore[return-value]

    def to_json(self) -> dict[str, str]:
        return {"coarse": self.coarse, "fine": self.fine}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> ImagePrint:
        return cls(data["coarse"], data["fine"])


def page_print(image: Image.Image) -> ImagePrint:
    """The print of one page image."""
    grey = image.convert("L")
    grey.thumbnail(_THUMBNAIL)
    return ImagePrint(_phash(grey, COARSE_SIZE), _phash(grey, FINE_SIZE))


def _phash(grey: Image.Image, size: int) -> str:
    """The ``size`` × ``size``-bit DCT hash of a grey image, as hex."""
    pixels = np.asarray(grey.resize((4 * size, 4 * size), Image.Resampling.LANCZOS), dtype=np.float32)
    low = cv2.dct(pixels)[:size, :size]
    bits = (low > np.median(low)).flatten()
    return np.packbits(bits).tobytes().hex()


def distance(a: str, b: str) -> int:
    """Bits that differ between two hex hashes of one size."""
    return int(np.unpackbits(np.frombuffer(bytes.fromhex(a), np.uint8) ^ np.frombuffer(bytes.fromhex(b), np.uint8))
               .sum())


def same_picture(a: ImagePrint, b: ImagePrint) -> bool:
    """Whether two prints are of the same picture (see the module's figures)."""
    return len(a.fine) == len(b.fine) and distance(a.fine, b.fine) <= SAME_PICTURE_BITS
