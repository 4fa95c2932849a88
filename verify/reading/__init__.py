"""Bytes in, page texts out: intake checks, PDF text layers, image decoding and OCR.

``read_document`` is the one entry point; it knows nothing of HTTP or storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image

from verify.config import Limits
from verify.errors import TooManyPages
from verify.reading import images, pdf
from verify.reading.intake import MediaType, check_part
from verify.reading.ocr import OcrEngine, OcrLine

__all__ = ["OcrLine", "PageText", "read_document"]


@dataclass(frozen=True)
class PageText:
    """The text of one page of a submission, in reading order, one printed line per line.

    ``source`` says where it came from: a PDF text layer (``text``, every line at
    confidence 1.0) or OCR (``ocr``, lines with word confidences). ``image`` is the page
    image the OCR engine read, which its word boxes refer to (for re-reading a field).
    """

    index: int
    text: str
    source: Literal["text", "ocr"]
    lines: list[OcrLine] = field(default_factory=list)
    image: Image.Image | None = field(default=None, repr=False, compare=False)


def read_document(parts: Sequence[bytes], *, ocr: OcrEngine, limits: Limits) -> list[PageText]:
    """Read every page of one submission (several parts are its pages, in order).

    All parts pass intake, and the total page count is checked against
    ``limits.max_pages``, before any page is decoded or recognised. Raises the
    ``DocumentError`` family and ``OcrUnavailable``.
    """
    if len(parts) > limits.max_parts:
        raise TooManyPages(f"At most {limits.max_parts} document parts per submission.")
    media_types = [check_part(data, limits) for data in parts]
    total = sum(_count_pages(data, media, limits) for data, media in zip(parts, media_types, strict=True))
    if total > limits.max_pages:
        raise TooManyPages(f"A submission may have at most {limits.max_pages} pages.")
    pages: list[PageText] = []
    for data, media in zip(parts, media_types, strict=True):
        if media is MediaType.PDF:
            for page in pdf.iter_pages(data, limits):
                if page.text is not None:
                    pages.append(_text_page(len(pages), page.text))
                else:
                    assert page.image is not None
                    pages.append(_ocr_page(len(pages), page.image, ocr, limits))
        else:
            for image in images.decode_image(data, media, limits):
                pages.append(_ocr_page(len(pages), image, ocr, limits))
    return pages


def _count_pages(data: bytes, media: MediaType, limits: Limits) -> int:
    if media is MediaType.PDF:
        return pdf.count_pages(data, limits)
    if media is MediaType.TIFF:
        return images.count_frames(data, limits)
    return 1


def _text_page(index: int, text: str) -> PageText:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return PageText(index, "\n".join(lines), "text", [OcrLine(line) for line in lines])


def _ocr_page(index: int, image: Image.Image, ocr: OcrEngine, limits: Limits) -> PageText:
    page = ocr.read(image, timeout=limits.ocr_seconds_per_page)
    return PageText(index, page.text, "ocr", list(page.lines), page.image)
