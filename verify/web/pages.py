"""The pages of an uploaded document as PNG images, for the reviewer's eyes.

Uploads are untrusted, so they are never served as they came: every page is decoded
(only by the decoder its magic bytes allow), rendered or re-encoded as a PNG at most
``MAX_SIDE`` pixels on its longer side, in an isolated child process with the same
memory limit as the reading pipeline and a deadline of ``RENDER_SECONDS``.

Renders run off the request threads: each serving process has ``RENDERS_AT_ONCE`` render
threads of its own (each waiting on its child), fed by the views. A view waits at most
``RENDER_WAIT_SECONDS`` for the pages it needs, and only ``RENDERS_AT_ONCE`` views wait at
once; otherwise it answers ``PagesNotReady`` (503, Retry-After) and the render goes on, so
the threads that answer label checks are never held by a slow or hostile document. Rendered
pages, and the fact that a document cannot be shown, are kept in a per-process cache keyed
by the document's SHA-256 (documents never change): a document is rendered once, not on every
view. The cache holds ``2 × VERIFY_LIMITS_MAX_PARTS`` documents (two whole cases) and at most
``CACHE_BYTES`` of pages, least recently used dropped first.
"""

from __future__ import annotations

import io
import logging
import math
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future

import pypdfium2 as pdfium
from PIL import Image

from verify.config import Limits
from verify.errors import PagesNotReady, ParseError, TooManyPages, VerifyError
from verify.jobs.isolate import run_isolated
from verify.reading.images import decode_image
from verify.reading.intake import MediaType
from verify.reading.pdf import render_page

log = logging.getLogger(__name__)

# Fixed, not settings: they shape what a reviewer's screen shows and how much of one serving process the
# console may hold, not how the service decides or what a platform sees; the values fit a certificate page.
DISPLAY_DPI = 150  # a PDF page rendered at this: its smallest print is legible at 100 % zoom
MAX_SIDE = 2400  # pixels: a whole A4 page at DISPLAY_DPI with room to spare; larger scans are shrunk
RENDER_SECONDS = 60.0  # far above a normal page (well under a second) yet bounded for a hostile one
RENDERS_AT_ONCE = 2  # render threads (and views waiting) per process: the console is for a few reviewers
RENDER_WAIT_SECONDS = 5.0  # a view waits this long for its pages, then answers 503 with Retry-After
CACHE_BYTES = 256 * 1024 * 1024  # rendered PNGs kept per process: a few dozen cases

#: A document's rendered pages; ``None``: it cannot be shown (unreadable, too large, too slow).
Rendered = list[bytes] | None


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
    """Rendered documents, by SHA-256, with the render threads that fill it (started on first use)."""

    def __init__(self, limits: Limits, *, renders_at_once: int = RENDERS_AT_ONCE) -> None:
        self._limits = limits
        self._documents = 2 * limits.max_parts
        self._done: OrderedDict[str, Rendered] = OrderedDict()
        self._rendering: dict[str, Future[Rendered]] = {}
        self._lock = threading.Lock()
        self._waiters = threading.BoundedSemaphore(renders_at_once)
        self._work: queue.SimpleQueue[tuple[str, bytes, str]] = queue.SimpleQueue()
        self._renders_at_once = renders_at_once
        self._threads: list[threading.Thread] = []

    def document_pages(self, parts: Sequence[tuple[str, str, bytes | None]]) -> list[bytes | None]:
        """The pages of every part in order; a part that cannot be shown counts as one ``None`` page.

        ``parts`` are (sha256, media type, content) triples; purged content is ``None``. Raises
        ``PagesNotReady`` when they are not all rendered within ``RENDER_WAIT_SECONDS``.
        """
        pending = {sha256: self._request(sha256, media_type, content)
                   for sha256, media_type, content in parts if content is not None}
        waiting = {sha256: future for sha256, future in pending.items() if isinstance(future, Future)}
        if waiting:
            self._wait(waiting)
        pages: list[bytes | None] = []
        for sha256, _, content in parts:
            found = None if content is None else pending[sha256]
            rendered = found.result() if isinstance(found, Future) else found
            pages.extend(rendered or [None])
        return pages

    def _request(self, sha256: str, media_type: str, content: bytes) -> Rendered | Future[Rendered]:
        """The document's pages if known, else the future of its render (queued if it is not yet)."""
        with self._lock:
            if sha256 in self._done:
                self._done.move_to_end(sha256)
                return self._done[sha256]
            future = self._rendering.get(sha256)
            if future is None:
                future = self._rendering[sha256] = Future()
                self._start_threads()
                self._work.put((sha256, media_type, content))
            return future

    def _wait(self, futures: dict[str, Future[Rendered]]) -> None:
        """Wait for ``futures`` as one of the few views allowed to wait; ``PagesNotReady`` otherwise."""
        if not self._waiters.acquire(blocking=False):
            raise PagesNotReady("Other document pages are being prepared; try again shortly.",
                                retry_after=math.ceil(RENDER_WAIT_SECONDS))
        try:
            deadline = time.monotonic() + RENDER_WAIT_SECONDS
            for future in futures.values():
                try:
                    future.result(timeout=max(0.0, deadline - time.monotonic()))
                except TimeoutError:
                    raise PagesNotReady("The document's pages are being prepared; try again shortly.",
                                        retry_after=math.ceil(RENDER_WAIT_SECONDS)) from None
        finally:
            self._waiters.release()

    def _start_threads(self) -> None:
        """The render threads, started in the process that serves (never before a fork); under the lock."""
        if not self._threads:
            self._threads = [threading.Thread(target=self._render_forever, name=f"verify-pages-{n}", daemon=True)
                             for n in range(self._renders_at_once)]
            for thread in self._threads:
                thread.start()

    def _render_forever(self) -> None:
        while True:
            sha256, media_type, content = self._work.get()
            future = self._rendering[sha256]
            try:
                rendered: Rendered = run_isolated(render_document, content, media_type, self._limits,
                                                  timeout=RENDER_SECONDS, memory_bytes=self._limits.job_memory_bytes)
            except VerifyError as exc:  # remembered: a document that cannot be shown is not rendered again
                log.info("a document cannot be shown in the console: %s", exc.type_slug)
                rendered = None
            except Exception:  # not remembered (no child could start ...): not shown now, tried again next view
                log.exception("rendering a document for the console failed")
                with self._lock:
                    del self._rendering[sha256]
                future.set_result(None)
                continue
            with self._lock:
                self._done[sha256] = rendered
                self._trim()
                del self._rendering[sha256]
            future.set_result(rendered)

    def _trim(self) -> None:
        """Drop the least recently used documents past the size and byte budgets (the newest always stays)."""
        size = sum(len(page) for pages in self._done.values() for page in pages or ())
        while len(self._done) > 1 and (len(self._done) > self._documents or size > CACHE_BYTES):
            _, dropped = self._done.popitem(last=False)
            size -= sum(len(page) for page in dropped or ())
