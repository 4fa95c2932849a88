"""Bytes in, page texts out: intake checks, PDF text layers, image decoding and OCR.

``read_document`` is the one entry point; it knows nothing of HTTP or storage. The OCR
pages of a submission are read up to ``limits.page_workers`` at once, in processes forked
from this one (verify.reading.parallel).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Literal

from PIL import Image

from verify.config import Limits
from verify.errors import TooManyPages
from verify.reading import images, pdf
from verify.reading.intake import MediaType, check_part
from verify.reading.ocr import NullEngine, OcrEngine, OcrLine
from verify.reading.orientation import upright
from verify.reading.outline import flatten
from verify.reading.parallel import map_in_order
from verify.reading.prints import ImagePrint, page_print

__all__ = ["OcrLine", "PageText", "ocr_page", "read_document"]


@dataclass(frozen=True)
class PageText:
    """The text of one page of a submission, in reading order, one printed line per line.

    ``source`` says where it came from: a PDF text layer (``text``, every line at
    confidence 1.0) or OCR (``ocr``, lines with word confidences). ``image`` is the page
    image the OCR engine read, which its word boxes refer to (for re-reading a field).
    ``part`` is the upload part the page came from and ``part_page`` its index in that part
    (a text page can be rendered again from them, to see what it shows). ``image_print`` is
    the perceptual print of the page image as decoded (verify.reading.prints).
    """

    index: int
    text: str
    source: Literal["text", "ocr"]
    lines: list[OcrLine] = field(default_factory=list)
    image: Image.Image | None = field(default=None, repr=False, compare=False)
    part: int = 0
    part_page: int = 0
    image_print: ImagePrint | None = None


@dataclass(frozen=True)
class _Source:
    """A page to read: its text layer or its image, and where it came from."""

    part: int
    part_page: int
    content: str | Image.Image


def read_document(parts: Sequence[bytes], *, ocr: OcrEngine, limits: Limits) -> list[PageText]:
    """Read every page of one submission (several parts are its pages, in order).

    All parts pass intake, and the total page count is checked against
    ``limits.max_pages``, before any page is decoded or recognised. Two or more OCR pages
    are read up to ``limits.page_workers`` at once, each in a forked process (none for the
    null engine); the pages and errors are those of reading them one after another.
    Raises the ``DocumentError`` family and ``OcrUnavailable``.
    """
    if len(parts) > limits.max_parts:
        raise TooManyPages(f"At most {limits.max_parts} document parts per submission.")
    media_types = [check_part(data, limits) for data in parts]
    total = sum(_count_pages(data, media, limits) for data, media in zip(parts, media_types, strict=True))
    if total > limits.max_pages:
        raise TooManyPages(f"A submission may have at most {limits.max_pages} pages.")
    sources = enumerate(_page_sources(parts, media_types, limits))
    return map_in_order(partial(_read_page, ocr=ocr, limits=limits), sources, heavy=_needs_ocr,
                        workers=1 if isinstance(ocr, NullEngine) else limits.page_workers)


def _page_sources(parts: Sequence[bytes], media_types: Sequence[MediaType], limits: Limits) -> Iterator[_Source]:
    """Each page's text layer, or its image to OCR, in order; PDF pages are rendered as they are taken."""
    for number, (data, media) in enumerate(zip(parts, media_types, strict=True)):
        if media is MediaType.PDF:
            for page in pdf.iter_pages(data, limits):
                content = page.text if page.text is not None else page.image
                assert content is not None
                yield _Source(number, page.index, content)
        else:
            for index, image in enumerate(images.decode_image(data, media, limits)):
                yield _Source(number, index, image)


def _count_pages(data: bytes, media: MediaType, limits: Limits) -> int:
    if media is MediaType.PDF:
        return pdf.count_pages(data, limits)
    if media is MediaType.TIFF:
        return images.count_frames(data, limits)
    return 1


def _needs_ocr(page: tuple[int, _Source]) -> bool:
    return isinstance(page[1].content, Image.Image)


def _read_page(page: tuple[int, _Source], *, ocr: OcrEngine, limits: Limits) -> PageText:
    index, source = page
    content = source.content
    if isinstance(content, str):
        lines = [line.strip() for line in content.splitlines() if line.strip()]
        return PageText(index, "\n".join(lines), "text", [OcrLine(line) for line in lines],
                        part=source.part, part_page=source.part_page)
    return replace(ocr_page(content, ocr, limits), index=index, part=source.part, part_page=source.part_page,
                   image_print=page_print(content))


def ocr_page(image: Image.Image, ocr: OcrEngine, limits: Limits) -> PageText:
    """One page image, cut out of a bigger picture and flattened (verify.reading.outline), turned
    upright (verify.reading.orientation), read by ``ocr`` within the per-page time limit (``index``
    0). A null engine reads nothing, so the page is not judged for it."""
    if not isinstance(ocr, NullEngine):
        image = upright(flatten(image))
    page = ocr.read(image, timeout=limits.ocr_seconds_per_page)
    return PageText(0, page.text, "ocr", list(page.lines), page.image)
