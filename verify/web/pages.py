"""The pages of an uploaded document as PNG images, for the reviewer's eyes.

Uploads are untrusted, so they are never served as they came: every page is decoded
(only by the decoder its magic bytes allow), rendered or re-encoded as a PNG at most
``MAX_SIDE`` pixels on its longer side, in an isolated child process with the same
memory limit and a deadline as the reading pipeline. Rendered pages are kept in a
small per-process cache keyed by the document's SHA-256 (documents never change).
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Sequence

import pypdfium2 as pdfium
from PIL import Image

from verify.config import Limits
from verify.errors import ParseError, TooManyPages, VerifyError
from verify.jobs.isolate import run_isolated
from verify.reading.images import decode_image
from verify.reading.intake import MediaType
from verify.reading.pdf import render_page

DISPLAY_DPI = 150
MAX_SIDE = 2400
RENDER_SECONDS = 60.0
_CACHE_DOCUMENTS = 16


def _png(image: Image.Image) -> bytes:
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def render_document(data: bytes, media_type: str, limits: Limits) -> list[bytes]:
    """Every page of one uploaded part as PNG bytes; raises our DocumentError family.

    Runs in the isolated child: the arguments and result are plain data.
    """
    kind = MediaType(media_type)
    if kind is not MediaType.PDF:
        return [_png(image) for image in decode_image(data, kind, limits)]
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ParseError("The PDF could not be opened.") from exc
    try:
        if len(document) > limits.max_pages:
            raise TooManyPages(f"A PDF may have at most {limits.max_pages} pages.")
        return [_png(render_page(document, index, limits, DISPLAY_DPI)) for index in range(len(document))]
    finally:
        document.close()


class PageCache:
    """Rendered pages of recently viewed documents, least recently used dropped first."""

    def __init__(self, size: int = _CACHE_DOCUMENTS) -> None:
        self._size = size
        self._pages: OrderedDict[str, list[bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def pages(self, sha256: str, data: bytes, media_type: str, limits: Limits) -> list[bytes]:
        with self._lock:
            if sha256 in self._pages:
                self._pages.move_to_end(sha256)
                return self._pages[sha256]
        rendered = run_isolated(render_document, data, media_type, limits, timeout=RENDER_SECONDS,
                                memory_bytes=limits.job_memory_bytes)
        with self._lock:
            self._pages[sha256] = rendered
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)
        return rendered


_cache = PageCache()


def document_pages(parts: Sequence[tuple[str, str, bytes | None]], limits: Limits) -> list[bytes | None]:
    """The pages of every part in order; a part that cannot be shown counts as one ``None`` page.

    ``parts`` are (sha256, media type, content) triples; purged content is ``None``.
    """
    pages: list[bytes | None] = []
    for sha256, media_type, content in parts:
        if content is None:
            pages.append(None)
            continue
        try:
            pages.extend(_cache.pages(sha256, content, media_type, limits))
        except VerifyError:
            pages.append(None)
    return pages
