"""The hot path's caches: bounded verified tokens; the status board's refresh, notes and failures."""

from __future__ import annotations

import threading

import pytest

from verify.labels.cache import Entries, StatusBoard, Verified, VerifiedTokens
from verify.labels.status_list import Status


def test_verified_tokens_are_bounded_oldest_out() -> None:
    cache = VerifiedTokens(limit=3)
    for n in range(5):
        cache.put(cache.lookup(f"t.{n}.s")[0], Verified({"n": n}, "kid", {}))
    assert len(cache) == 3
    assert cache.lookup("t.0.s")[1] is None and cache.lookup("t.1.s")[1] is None
    found = cache.lookup("t.4.s")[1]
    assert found is not None and found.claims == {"n": 4}
    assert cache.lookup("飞.x.y") == (None, None)  # not ASCII: never a label, never cached
    cache.put(None, Verified({}, "kid", {}))
    assert len(cache) == 3
    off = VerifiedTokens(limit=0)
    off.put(off.lookup("a.b.c")[0], Verified({}, "kid", {}))
    assert off.lookup("a.b.c")[1] is None


class Feed:
    """A fake change feed: the 'database' is ``states``; every change bumps the watermark."""

    def __init__(self) -> None:
        self.states: Entries = {}
        self.changed: dict[str, int] = {}
        self.mark = 0
        self.reads = 0
        self.failing = False

    def set(self, label_id: str, status: Status, index: int = 0) -> None:
        self.mark += 1
        self.changed[label_id] = self.mark
        self.states[label_id] = (status, index)

    def load_all(self) -> tuple[Entries, int]:
        self.reads += 1
        return {k: v for k, v in self.states.items() if v[0] is not Status.VALID}, self.mark

    def load_changes(self, mark: int) -> tuple[Entries, int]:
        self.reads += 1
        if self.failing:
            raise ConnectionError("database gone")
        return {k: self.states[k] for k, at in self.changed.items() if at > mark}, self.mark


@pytest.fixture
def feed() -> Feed:
    return Feed()


@pytest.fixture
def board(feed: Feed) -> StatusBoard:
    return StatusBoard(feed.load_all, feed.load_changes, interval=5)


def test_another_process_change_arrives_within_the_interval(feed: Feed, board: StatusBoard) -> None:
    feed.set("a", Status.INVALID, 3)
    assert board.status("a", now=100.0) is Status.INVALID
    feed.set("b", Status.SUSPENDED, 4)
    feed.set("a", Status.INVALID, 3)
    assert board.status("b", now=104.9) is Status.VALID  # within the interval: no read
    assert feed.reads == 1
    assert board.status("b", now=105.0) is Status.SUSPENDED
    feed.set("b", Status.VALID, 4)  # resumed elsewhere
    assert board.status("b", now=110.0) is Status.VALID
    assert sorted(board.entries()) == [(3, Status.INVALID)]


def test_a_clock_that_goes_back_refreshes(feed: Feed, board: StatusBoard) -> None:
    board.status("a", now=100.0)
    feed.set("a", Status.INVALID)
    assert board.status("a", now=50.0) is Status.INVALID


def test_a_note_is_seen_at_once_and_not_undone_by_an_older_read(feed: Feed) -> None:
    reading, release = threading.Event(), threading.Event()

    def slow_changes(mark: int) -> tuple[Entries, int]:
        snapshot = feed.load_changes(mark)  # read before the local change committed ...
        reading.set()
        release.wait(5)
        return snapshot  # ... and applied after it

    board = StatusBoard(feed.load_all, slow_changes, interval=5)
    feed.set("a", Status.SUSPENDED)
    board.status("a", now=0.0)
    feed.set("a", Status.VALID)  # resumed, seen by the slow read below
    refresher = threading.Thread(target=board.refresh, args=(10.0,))
    refresher.start()
    reading.wait(5)
    feed.set("a", Status.INVALID)  # revoked here and committed while the read is in flight
    noted = threading.Thread(target=board.note, args=("a", Status.INVALID, 0))
    noted.start()
    noted.join(0.2)
    assert noted.is_alive()  # the note waits for the read in flight instead of being overwritten by it
    release.set()
    refresher.join(5)
    noted.join(5)
    assert board.status("a", now=10.0) is Status.INVALID


def test_a_failed_refresh_keeps_the_last_states_and_retries_soon(feed: Feed, board: StatusBoard) -> None:
    feed.set("a", Status.INVALID)
    board.status("a", now=0.0)
    feed.failing = True
    assert board.status("a", now=5.0) is Status.INVALID
    reads = feed.reads
    assert board.status("a", now=5.5) is Status.INVALID and feed.reads == reads  # no retry storm
    feed.failing = False
    feed.set("b", Status.INVALID)
    assert board.status("b", now=6.0) is Status.INVALID


def test_the_first_load_failing_is_an_error(feed: Feed) -> None:
    def broken() -> tuple[Entries, int]:
        raise ConnectionError("database gone")

    with pytest.raises(ConnectionError):
        StatusBoard(broken, feed.load_changes, interval=5).status("a", now=0.0)
