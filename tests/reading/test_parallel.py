"""Pages read at once in forked processes: the pages and errors of reading them one after another.

Real Tesseract on real rendered pages; small fakes where a page must fail, hang or die.
Every page process a test forks is reaped by the time it ends (the ``forks`` fixture).
"""

from __future__ import annotations

import io
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from PIL import Image

from tests.certificates import make_certificate, render_pdf
from tests.reading.test_ocr import line_image
from verify.config import Limits, load_settings
from verify.errors import OcrTimeout, OcrUnavailable, ParseError, ResourceLimit, TooManyPages
from verify.jobs.isolate import Cancelled, run_isolated
from verify.pipeline import make_ocr_engine
from verify.reading import read_document
from verify.reading.ocr import NullEngine, OcrPage, TesseractEngine
from verify.reading.parallel import map_in_order

NUMBERS = ("11102200810000003", "23501200910000042", "34401201110000815")
ENGINE = TesseractEngine()


def numbered_pages(numbers: tuple[str, ...] = NUMBERS) -> list[Image.Image]:
    """One printed line per page, each a different width (the fakes below tell pages apart by it)."""
    return [line_image("执业证号：" + "号" * index + number) for index, number in enumerate(numbers)]


def image_pdf(pages: list[Image.Image]) -> bytes:
    """An image-only PDF at 300 dpi: rendered for OCR at the size the pages were drawn."""
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=300)
    return out.getvalue()


def tiff(pages: list[Image.Image]) -> bytes:
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:])
    return out.getvalue()


def png(page: Image.Image) -> bytes:
    out = io.BytesIO()
    page.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The pids of the page processes forked during the test; each must be reaped when it ends."""
    pids: list[int] = []
    fork = os.fork

    def counting_fork() -> int:
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting_fork)
    yield pids
    assert [pid for pid in pids if not _reaped(pid)] == []


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


class PageFaults:
    """A fake engine: each page (known by its width) raises its error, sleeps, or dies; else reads its width."""

    name = "page-faults"
    rereaders = ()

    def __init__(self, errors: dict[int, BaseException] | None = None, delays: dict[int, float] | None = None,
                 killed: int | None = None) -> None:
        self.errors, self.delays, self.killed = errors or {}, delays or {}, killed

    def read(self, image: Image.Image, *, timeout: float) -> OcrPage:
        time.sleep(self.delays.get(image.width, 0.0))
        if image.width == self.killed:
            os.kill(os.getpid(), signal.SIGKILL)
        if image.width in self.errors:
            raise self.errors[image.width]
        return OcrPage(str(image.width), [], image)

    def check_available(self) -> bool:
        return True

    def load(self) -> None:
        pass


def test_pages_read_at_once_are_the_pages_read_one_after_another(forks: list[int]) -> None:
    document = [image_pdf(numbered_pages())]
    one_by_one = read_document(document, ocr=ENGINE, limits=Limits(page_workers=1))
    assert forks == []
    at_once = read_document(document, ocr=ENGINE, limits=Limits(page_workers=3))
    assert len(forks) == 3
    assert at_once == one_by_one  # index, text, source and every line with its words, confidences and boxes
    assert [number in page.text for page, number in zip(at_once, NUMBERS, strict=True)] == [True] * 3
    for parallel, sequential in zip(at_once, one_by_one, strict=True):
        assert parallel.image is not None and sequential.image is not None
        assert (parallel.image.mode, parallel.image.size) == (sequential.image.mode, sequential.image.size)
        assert parallel.image.tobytes() == sequential.image.tobytes()


def test_pages_keep_the_documents_order_whichever_finishes_first(forks: list[int]) -> None:
    pages = numbered_pages()
    widths = [page.width for page in pages]
    slow_first = PageFaults(delays={widths[0]: 0.6, widths[1]: 0.3})
    parts = [render_pdf(make_certificate("lawyer_practice", seed=2)), tiff(pages), png(pages[2])]
    read = read_document(parts, ocr=slow_first, limits=Limits(page_workers=3))
    assert [(page.index, page.source) for page in read] == [(0, "text"), (1, "ocr"), (2, "ocr"), (3, "ocr"), (4, "ocr")]
    assert [page.text for page in read[1:]] == [str(width) for width in (*widths, widths[2])]
    assert len(forks) >= 3


def test_map_in_order_returns_results_in_item_order() -> None:
    assert map_in_order(_sleep_then_return, [0.6, 0.3, 0.0, 0.1], workers=3) == [0.6, 0.3, 0.0, 0.1]


def _sleep_then_return(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@pytest.mark.parametrize("error", [ParseError("Page two is torn."), OcrTimeout(), OcrUnavailable(),
                                   ValueError("a bug on page two")], ids=lambda e: type(e).__name__)
def test_a_pages_error_surfaces_with_its_type_and_message(error: Exception, forks: list[int]) -> None:
    pages = numbered_pages()
    engine = PageFaults(errors={pages[1].width: error})
    with pytest.raises(type(error)) as one_by_one:
        read_document([tiff(pages)], ocr=engine, limits=Limits(page_workers=1))
    with pytest.raises(type(error)) as at_once:
        read_document([tiff(pages)], ocr=engine, limits=Limits(page_workers=3))
    assert type(at_once.value) is type(error)
    assert str(at_once.value) == str(one_by_one.value) == str(error)
    assert getattr(at_once.value, "detail", None) == getattr(error, "detail", None)
    assert forks


def test_the_first_failing_page_in_order_wins_not_the_first_to_fail(forks: list[int]) -> None:
    pages = numbered_pages()
    engine = PageFaults(errors={pages[1].width: OcrTimeout(), pages[2].width: ParseError("Page three.")},
                        delays={pages[1].width: 0.4})
    with pytest.raises(OcrTimeout):
        read_document([tiff(pages)], ocr=engine, limits=Limits(page_workers=3))


def test_an_error_of_the_document_comes_after_the_errors_of_the_pages_before_it() -> None:
    def pages() -> Iterator[int]:
        yield from (1, 2)
        raise TooManyPages("The third page is one too many.")

    with pytest.raises(TooManyPages, match="one too many"):
        map_in_order(abs, pages(), workers=2)
    with pytest.raises(ParseError, match="page 2"):
        map_in_order(_fail_on_two, pages(), workers=2)


def _fail_on_two(item: int) -> int:
    if item == 2:
        raise ParseError("page 2")
    return item


def test_a_real_ocr_timeout_in_a_page_process_is_an_ocr_timeout(forks: list[int]) -> None:
    document = [image_pdf(numbered_pages())]
    with pytest.raises(OcrTimeout):
        read_document(document, ocr=ENGINE, limits=Limits(page_workers=2, ocr_seconds_per_page=0.001))
    assert forks


def test_a_page_process_killed_by_a_signal_ends_the_reading_with_resource_limit(forks: list[int]) -> None:
    pages = numbered_pages()
    engine = PageFaults(killed=pages[1].width, delays={pages[2].width: 30})  # page three would take 30 s
    started = time.monotonic()
    with pytest.raises(ResourceLimit, match=r"ended without an answer \(killed by signal 9\)"):
        read_document([tiff(pages)], ocr=engine, limits=Limits(page_workers=3))
    assert time.monotonic() - started < 10  # page three's process was ended, not waited for
    assert len(forks) == 3


def test_bound_one_never_forks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fork", _no_fork)
    pages = read_document([tiff(numbered_pages())], ocr=ENGINE, limits=Limits(page_workers=1))
    assert [page.index for page in pages] == [0, 1, 2]


def test_one_ocr_page_or_the_null_engine_never_forks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fork", _no_fork)
    (page,) = read_document([png(numbered_pages()[0])], ocr=ENGINE, limits=Limits(page_workers=4))
    assert NUMBERS[0] in page.text
    pages = read_document([tiff(numbered_pages())], ocr=NullEngine(), limits=Limits(page_workers=4))
    assert [(page.index, page.source, page.text) for page in pages] == [(0, "ocr", ""), (1, "ocr", ""), (2, "ocr", "")]


def _no_fork() -> int:
    raise AssertionError("no page process may be forked")


def test_page_workers_default_to_the_usable_cores_and_are_configurable() -> None:
    assert Limits().page_workers == len(os.sched_getaffinity(0))
    assert load_settings({"VERIFY_LIMITS_PAGE_WORKERS": "1"}).limits.page_workers == 1


# --- inside the isolated job process, as the job runner runs it ---------------------------------------


def _read_both_ways(document: bytes) -> tuple[bool, list[str], list[int]]:
    """In the job process: the real engine one page after another, then at once; the threads at each fork."""
    threads_at_fork: list[int] = []
    fork = os.fork

    def counting_fork() -> int:
        threads_at_fork.append(len(os.listdir("/proc/self/task")))
        return fork()

    os.fork = counting_fork
    engine = make_ocr_engine("tesseract")
    at_once = read_document([document], ocr=engine, limits=Limits(page_workers=3))  # first: nothing read here yet
    one_by_one = read_document([document], ocr=engine, limits=Limits(page_workers=1))
    return at_once == one_by_one, [page.text for page in at_once], threads_at_fork


def test_the_job_process_reads_its_pages_at_once_with_the_real_engine() -> None:
    same, texts, threads_at_fork = run_isolated(_read_both_ways, image_pdf(numbered_pages()), timeout=120)
    assert same
    assert all(number in text for number, text in zip(NUMBERS, texts, strict=True))
    assert threads_at_fork == [1, 1, 1]  # it forks with no other thread alive (see verify.reading.parallel)


class _Hang(PageFaults):
    """Says where it runs (a file named by its pid, holding its process group and parent), then hangs."""

    def __init__(self, marks: str) -> None:
        super().__init__()
        self.marks = marks

    def read(self, image: Image.Image, *, timeout: float) -> OcrPage:
        Path(self.marks, str(os.getpid())).write_text(f"{os.getpgrp()} {os.getppid()}")
        time.sleep(120)
        raise AssertionError("the page process should have been killed")


def _hang_in_pages(document: bytes, marks: str) -> None:
    read_document([document], ocr=_Hang(marks), limits=Limits(page_workers=2))


def test_ending_the_job_process_ends_its_page_processes(tmp_path: Path) -> None:
    cancel = threading.Event()
    watcher = threading.Thread(target=_cancel_when_marked, args=(tmp_path, 2, cancel), daemon=True)
    watcher.start()
    with pytest.raises(Cancelled):
        run_isolated(_hang_in_pages, tiff(numbered_pages()[:2]), str(tmp_path), timeout=120, cancel=cancel)
    watcher.join()
    marks = {int(path.name): path.read_text().split() for path in tmp_path.iterdir()}
    assert len(marks) == 2
    assert all(group == parent for group, parent in marks.values())  # the job process leads their group
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in marks) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in marks)


def _cancel_when_marked(marks: Path, count: int, cancel: threading.Event) -> None:
    deadline = time.monotonic() + 100
    while len(list(marks.iterdir())) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    cancel.set()


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
