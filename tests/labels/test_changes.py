"""The label change counter: one file mapped by every process, bumps never lost, reads see them at once."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from verify.labels.changes import ChangeCounter

PROCESSES, THREADS, BUMPS = 3, 3, 3000


def _bump_from_threads(path: Path) -> None:
    counter = ChangeCounter(path)
    threads = [threading.Thread(target=lambda: [counter.bump() for _ in range(BUMPS)]) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_bumps_from_many_processes_and_threads_are_all_counted_and_seen_at_once(tmp_path: Path) -> None:
    path = tmp_path / "label-changes"
    reader = ChangeCounter(path)
    assert reader.value() == 0 and path.stat().st_size == 8
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_bump_from_threads, args=(path,)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert reader.value() == PROCESSES * THREADS * BUMPS  # no read-modify-write lost another's bump
    assert ChangeCounter(path).value() == reader.value()  # a process that starts later maps the same value


def test_a_short_file_is_extended_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "label-changes"
    path.write_bytes(b"\x01")
    counter = ChangeCounter(path)
    assert path.stat().st_size == 8
    before = counter.value()
    assert counter.bump() == before + 1
