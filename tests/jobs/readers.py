"""Watching this process's reading processes (the forkserver's children) from a test."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from types import TracebackType

import psutil


def reading_processes() -> list[psutil.Process]:
    """The isolated reading processes alive now (children of this process's forkserver)."""
    found = []
    for child in psutil.Process().children():
        with contextlib.suppress(psutil.Error):
            if "forkserver" in " ".join(child.cmdline()):
                found += child.children()
    return found


class Watch:
    """Samples ``look(reading_processes())`` every ``interval`` seconds while in its ``with`` block."""

    def __init__(self, look: Callable[[list[psutil.Process]], None], interval: float = 0.05) -> None:
        self._look, self._interval = look, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="watch-readers")

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            with contextlib.suppress(psutil.Error):
                self._look(reading_processes())

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
