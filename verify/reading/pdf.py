"""Read a PDF page by page: its text layer, or a rendering of the page for OCR.

pdfplumber (pdfminer.six) reads the text layer; a page whose layer holds too little
text (no CJK, or fewer than ``MIN_TEXT_CHARS`` characters) or that is mostly an image
(a scan with a typed caption) is rendered with pypdfium2 instead. The page count is
checked before any page is processed, pages are released after use, and every
library failure becomes ``EncryptedPdf``, ``ParseError`` or ``ResourceLimit``.

pdfminer has no time or memory limits of its own: run this in a killable worker. It has
no cap on what a stream inflates to either (nested ``/FlateDecode`` bombs, as in
pypdf #3429), so its ``zlib`` is replaced by ``_CappedZlib``: the same calls, but no
stream inflates past ``limits.max_stream_bytes`` (``ResourceLimit``); streams under
other filters are measured once decoded (their expansion is bounded by the filter).
"""

from __future__ import annotations

import io
import math
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

import pdfminer.pdftypes
import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfplumber.utils.exceptions import PdfminerException
from PIL import Image

from verify.config import Limits
from verify.errors import EncryptedPdf, ParseError, ResourceLimit, TooManyPages, VerifyError

T = TypeVar("T")

#: A text layer with fewer visible characters than this (or no CJK) is OCRed instead.
MIN_TEXT_CHARS = 10
#: A page whose images cover this share of it is OCRed whatever its text layer says.
IMAGE_SHARE = 0.3
RENDER_DPI = 300

_CID = re.compile(r"\(cid:\d+\)")  # glyphs pdfminer could not map to Unicode
_CJK = re.compile(r"[\u3400-\u9fff]")
_stream_cap: ContextVar[int] = ContextVar("verify_pdf_stream_cap", default=Limits().max_stream_bytes)


@dataclass
class PdfPage:
    """One page: ``text`` from its text layer, or ``image`` (RGB) to OCR."""

    index: int
    text: str | None = None
    image: Image.Image | None = None


def has_usable_text(text: str) -> bool:
    """Whether a text layer is worth trusting over OCR.

    >>> has_usable_text("医师执业证书 姓名：张三")
    True
    >>> has_usable_text("Scanned by CamScanner")
    False
    """
    visible = re.sub(r"\s+", "", _CID.sub("", text))
    return len(visible) >= MIN_TEXT_CHARS and bool(_CJK.search(visible))


def count_pages(data: bytes, limits: Limits) -> int:
    """The number of pages, touching at most ``limits.max_pages + 1`` of them.

    Raises ``TooManyPages`` above ``limits.max_pages``, ``EncryptedPdf``, ``ParseError``.
    """
    document = _guard(lambda: PDFDocument(PDFParser(io.BytesIO(data)), password=""), limits)
    pages = _guard(lambda: sum(1 for _ in islice(PDFPage.create_pages(document), limits.max_pages + 1)), limits)
    if pages > limits.max_pages:
        raise TooManyPages(f"A PDF may have at most {limits.max_pages} pages.")
    if pages == 0:
        raise ParseError("The PDF has no pages.")
    return pages


def iter_pages(data: bytes, limits: Limits, *, dpi: int = RENDER_DPI) -> Iterator[PdfPage]:
    """Each page's text layer, or its rendering when the layer is too thin.

    The page count is checked first (pdfplumber would otherwise load every page).
    """
    count_pages(data, limits)
    with _opened(data, limits) as pdf:
        renderer: pdfium.PdfDocument | None = None
        try:
            for index, page in enumerate(_guard(lambda: pdf.pages, limits)):
                text = _guard(lambda page=page: _CID.sub("", page.extract_text() or ""), limits)
                scanned = _guard(lambda page=page: _image_share(page) >= IMAGE_SHARE, limits)
                page.close()
                if has_usable_text(text) and not scanned:
                    yield PdfPage(index, text=text)
                    continue
                if renderer is None:
                    renderer = _guard(lambda: pdfium.PdfDocument(data))
                yield PdfPage(index, image=render_page(renderer, index, limits, dpi))
        finally:
            if renderer is not None:
                renderer.close()


def _image_share(page: pdfplumber.page.Page) -> float:
    """The share of the page covered by images (overlaps counted twice)."""
    width, height = float(page.width), float(page.height)
    covered = sum(
        max(0.0, min(float(i["x1"]), width) - max(float(i["x0"]), 0.0))
        * max(0.0, min(float(i["bottom"]), height) - max(float(i["top"]), 0.0))
        for i in page.images
    )
    return covered / (width * height) if width > 0 and height > 0 else 0.0


def render(data: bytes, index: int, limits: Limits, dpi: int = RENDER_DPI) -> Image.Image:
    """Page ``index`` of a PDF as it is drawn: what a person sees (invisible text is not drawn)."""
    document = _guard(lambda: pdfium.PdfDocument(data))
    try:
        return render_page(document, index, limits, dpi)
    finally:
        document.close()


def render_page(document: pdfium.PdfDocument, index: int, limits: Limits, dpi: int = RENDER_DPI) -> Image.Image:
    """Render one page as RGB at ``dpi``, scaled down to fit the pixel limits."""

    def render() -> Image.Image:
        page = document[index]
        try:
            width, height = page.get_size()
            scale = _render_scale(width, height, dpi, limits)
            return page.render(scale=scale).to_pil().convert("RGB")
        finally:
            page.close()

    return _guard(render)


def _render_scale(width: float, height: float, dpi: int, limits: Limits) -> float:
    """Pixels per PDF point: ``dpi / 72``, reduced to keep within max_pixels and max_side."""
    if width <= 0 or height <= 0:
        raise ParseError("The PDF page has no area.")
    scale = dpi / 72
    scale = min(scale, math.sqrt(limits.max_pixels / (width * height)), limits.max_side / max(width, height))
    return scale * 0.999


@contextmanager
def _opened(data: bytes, limits: Limits) -> Iterator[pdfplumber.PDF]:
    pdf = _guard(lambda: pdfplumber.open(io.BytesIO(data)), limits)
    try:
        yield pdf
    finally:
        pdf.close()


def _guard(call: Callable[[], T], limits: Limits | None = None) -> T:
    """Run a library call, turning whatever it raises into our errors.

    With ``limits``, no PDF stream inflates past ``limits.max_stream_bytes`` during the call.
    Running out of memory (the worker's address-space limit) is ``ResourceLimit``, not a parse error.
    """
    token = _stream_cap.set(limits.max_stream_bytes) if limits is not None else None
    try:
        return call()
    except VerifyError:
        raise
    except MemoryError as exc:
        raise ResourceLimit("Reading the PDF needed more memory than allowed.") from exc
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, VerifyError):
            raise cause from exc
        if isinstance(cause, MemoryError):
            raise ResourceLimit("Reading the PDF needed more memory than allowed.") from exc
        if isinstance(cause, PDFEncryptionError):
            raise EncryptedPdf() from exc
        raise ParseError("The PDF could not be parsed.") from exc
    except PDFEncryptionError as exc:
        raise EncryptedPdf() from exc
    except pdfium.PdfiumError as exc:
        raise ParseError("The PDF page could not be rendered.") from exc
    except Exception as exc:  # pdfminer raises anything on malformed files (pdfminer.six #547)
        raise ParseError("The PDF could not be parsed.") from exc
    finally:
        if token is not None:
            _stream_cap.reset(token)


def _stream_too_large() -> ResourceLimit:
    return ResourceLimit(f"A PDF stream inflates past {_stream_cap.get() // (1024 * 1024)} MiB.")


class _CappedInflater:
    """``zlib.decompressobj()`` that refuses to produce more than the current stream cap."""

    def __init__(self) -> None:
        self._inflater = zlib.decompressobj()
        self._cap = _stream_cap.get()
        self._size = 0

    @property
    def eof(self) -> bool:
        return self._inflater.eof

    def decompress(self, data: bytes) -> bytes:
        out = self._inflater.decompress(data, self._cap + 1 - self._size)
        self._size += len(out)
        if self._size > self._cap:
            raise _stream_too_large()
        return out


class _CappedZlib:
    """What ``pdfminer.pdftypes`` sees as ``zlib``: ``decompress`` and ``decompressobj``, capped."""

    error = zlib.error
    decompressobj = _CappedInflater

    @staticmethod
    def decompress(data: bytes) -> bytes:
        inflater = _CappedInflater()
        out = inflater.decompress(data)
        if not inflater.eof:
            raise zlib.error("incomplete or truncated stream")
        return out


_decode = pdfminer.pdftypes.PDFStream.decode


def _capped_decode(stream: pdfminer.pdftypes.PDFStream) -> None:
    """``PDFStream.decode``, refusing a stream that decodes (by any filter) past the cap."""
    _decode(stream)
    if stream.data is not None and len(stream.data) > _stream_cap.get():
        stream.data = None
        raise _stream_too_large()


pdfminer.pdftypes.zlib = _CappedZlib  # type: ignore[assignment]
pdfminer.pdftypes.PDFStream.decode = _capped_decode  # type: ignore[method-assign]
