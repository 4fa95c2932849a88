"""Run a function over pages in forked processes, a bounded number at once, results in page order.

``read_document`` uses it inside the isolated job process (verify.jobs.isolate) to OCR
several pages at once. A page process is a ``fork`` of the job process: it starts with
Tesseract's and PP-OCR's models loaded and its page image already in memory, and only its
answer comes back, pickled through a pipe. It stays in the job's process group (the
job's wall-clock kill ends it too), inherits the job's limits (its own address space and
CPU time under the same caps) and is reaped whatever happens; the first error ends the rest.
Nothing here times a page: Tesseract's per-page timeout and the job's deadline do.

Only ``heavy`` items go to page processes, and only when two or more are read at once: a
single OCR page (or the last one, when no page process is running) and text-layer pages
are read here. Errors are those of a plain loop: the first failing item in order raises
its own exception (type, message and attributes pickled back); a page process that ends
without an answer (a signal, the out-of-memory killer, its CPU limit) raises
``ResourceLimit``, as the job process dying would. Items are taken from ``items`` only as
a process is free for them.

Fork only where no other thread holds a lock a page needs. The job process forks with no
other thread alive (the forkserver's onnxruntime thread is not copied into it; OpenCV
starts its idle pool thread only when the process itself prepares a page). Elsewhere
(``flask check``, tests) that idle OpenCV thread may exist, which is safe: a forked
OpenCV runs its loops on the calling thread.

>>> map_in_order(abs, [-1, 2, -3], workers=2)
[1, 2, 3]
"""

from __future__ import annotations

import os
import pickle
import selectors
import signal
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Generic, NoReturn, TypeVar

from verify.errors import ResourceLimit

T = TypeVar("T")
R = TypeVar("R")

_READ_BYTES = 1 << 20


def map_in_order(fn: Callable[[T], R], items: Iterable[T], *, workers: int,
                 heavy: Callable[[T], bool] = lambda item: True) -> list[R]:
    """``[fn(item) for item in items]``, heavy items in up to ``workers`` page processes at once.

    ``workers`` below 2 is the plain loop. Raises what ``fn`` or ``items`` raised for the first
    failing item, or ``ResourceLimit`` for a page process that died without answering.
    """
    if workers < 2:
        return [fn(item) for item in items]
    run = _Run(fn, iter(items), workers, heavy)
    try:
        return run.results()
    finally:
        run.stop()


@dataclass
class _Slot:
    """One item's place among the results: waiting, in a page process (``pid``), or settled."""

    pid: int = 0
    chunks: list[bytes] = field(default_factory=list)
    settled: bool = False
    value: Any = None
    error: BaseException | None = None

    def settle(self, value: Any = None, error: BaseException | None = None) -> None:
        self.chunks, self.value, self.error, self.settled = [], value, error, True


class _Run(Generic[T, R]):
    def __init__(self, fn: Callable[[T], R], items: Iterator[T], workers: int, heavy: Callable[[T], bool]) -> None:
        self.fn, self.items, self.workers, self.heavy = fn, items, workers, heavy
        self.slots: list[_Slot] = []
        self.waiting: deque[tuple[_Slot, T]] = deque()
        self.running: dict[int, _Slot] = {}  # by the read end of its pipe
        self.exhausted = False
        self.selector = selectors.PollSelector()

    def results(self) -> list[R]:
        out: list[R] = []
        while True:
            while len(out) == len(self.slots) or not self.slots[len(out)].settled:
                if len(out) == len(self.slots) and self.exhausted:
                    return out
                self._step()
            slot = self.slots[len(out)]
            if slot.error is not None:
                raise slot.error
            out.append(slot.value)

    def _step(self) -> None:
        if not self.exhausted and len(self.running) + len(self.waiting) < self.workers:
            self._take()
        elif self.exhausted and not self.running and len(self.waiting) == 1:
            self._read_here(*self.waiting.popleft())
        elif self.waiting and len(self.running) < self.workers:
            self._fork(*self.waiting.popleft())
        else:
            self._receive()

    def _take(self) -> None:
        try:
            item = next(self.items)
        except StopIteration:
            self.exhausted = True
            return
        except Exception as exc:  # raised in its turn, after the items before it
            self.exhausted = True
            self.slots.append(_Slot(settled=True, error=exc))
            return
        slot = _Slot()
        self.slots.append(slot)
        if self.heavy(item):
            self.waiting.append((slot, item))
        else:
            self._read_here(slot, item)

    def _read_here(self, slot: _Slot, item: T) -> None:
        try:
            slot.settle(self.fn(item))
        except Exception as exc:
            slot.settle(error=exc)

    def _fork(self, slot: _Slot, item: T) -> None:
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError as exc:
            os.close(read_end)
            os.close(write_end)
            raise ResourceLimit("No process could be started to read a page.") from exc
        if pid == 0:
            os.close(read_end)
            _answer(self.fn, item, write_end)
        os.close(write_end)
        slot.pid = pid
        self.running[read_end] = slot
        self.selector.register(read_end, selectors.EVENT_READ)

    def _receive(self) -> None:
        """Read what the page processes sent; settle those that finished."""
        for key, _ in self.selector.select():
            slot = self.running[key.fd]
            chunk = os.read(key.fd, _READ_BYTES)
            if chunk:
                slot.chunks.append(chunk)
                continue
            del self.running[key.fd]
            self.selector.unregister(key.fd)
            os.close(key.fd)
            _, status = os.waitpid(slot.pid, 0)
            code = os.waitstatus_to_exitcode(status)
            if code != 0 or not slot.chunks:
                slot.settle(error=ResourceLimit(f"A page's reading process ended without an answer ({_how(code)})."))
                continue
            succeeded, answer = pickle.loads(b"".join(slot.chunks))
            if succeeded:
                slot.settle(answer)
            else:
                slot.settle(error=answer)

    def stop(self) -> None:
        """End and reap the page processes still running (the run ended early); close the pipes."""
        for fd, slot in self.running.items():
            with suppress(ProcessLookupError):
                os.kill(slot.pid, signal.SIGKILL)
            os.waitpid(slot.pid, 0)
            os.close(fd)
        self.running.clear()
        self.selector.close()


def _answer(fn: Callable[[T], Any], item: T, pipe: int) -> NoReturn:
    """In the page process: ``fn(item)``, or the exception it raised, pickled into ``pipe``; then exit."""
    status = 1
    try:
        try:
            outcome = (True, fn(item))
        except Exception as exc:
            exc.add_note("In a page process:\n" + "".join(traceback.format_tb(exc.__traceback__)))
            outcome = (False, exc)
        try:
            data = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
            if not outcome[0]:
                pickle.loads(data)  # an exception whose class cannot be rebuilt from its args fails here
        except Exception as exc:
            what = f"{type(outcome[1]).__name__} {'result' if outcome[0] else 'exception'}"
            data = pickle.dumps((False, TypeError(f"A page process could not send back its {what}: {exc}")))
        with open(pipe, "wb") as out:
            out.write(data)
        status = 0
    finally:
        os._exit(status)


def _how(code: int) -> str:
    """How a process ended, from its exit code.

    >>> _how(-9), _how(1)
    ('killed by signal 9', 'exit status 1')
    """
    return f"killed by signal {-code}" if code < 0 else f"exit status {code}"
