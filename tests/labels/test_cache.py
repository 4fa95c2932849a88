"""The hot path's caches: bounded verified tokens; the status board's reads (on a moved counter, on time),
notes and failures."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.test_labels import issue as issue_label
from tests.conftest import bearer
from verify.labels.cache import Entries, StatusBoard, Verified, VerifiedTokens
from verify.labels.status_list import Status
from verify.services.context import Services


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
    """A fake change feed: the 'database' is ``states``; every change bumps the watermark.

    ``counter`` is the machine's change counter; :meth:`set` leaves it alone (a change made on another
    machine), :meth:`announce` bumps it as a change made on this one does after its commit.
    """

    def __init__(self) -> None:
        self.states: Entries = {}
        self.changed: dict[str, int] = {}
        self.mark = 0
        self.reads = 0
        self.counter = 0
        self.failing = False

    def set(self, label_id: str, status: Status, index: int = 0) -> None:
        self.mark += 1
        self.changed[label_id] = self.mark
        self.states[label_id] = (status, index)

    def announce(self, label_id: str, status: Status, index: int = 0) -> None:
        self.set(label_id, status, index)
        self.counter += 1

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
    return StatusBoard(feed.load_all, feed.load_changes, interval=5, changes=lambda: feed.counter)


def status(board: StatusBoard, label_id: str, now: float) -> Status:
    """What a check does: catch up, then look the label up."""
    board.catch_up(now)
    return board.status(label_id)


def test_an_announced_change_is_read_by_the_next_check_and_nothing_is_read_otherwise(
    feed: Feed, board: StatusBoard
) -> None:
    assert status(board, "a", now=100.0) is Status.VALID
    assert status(board, "a", now=100.1) is Status.VALID and feed.reads == 1
    feed.announce("a", Status.SUSPENDED, 3)
    assert status(board, "a", now=100.2) is Status.SUSPENDED  # at once: no clock had to move
    feed.announce("a", Status.VALID, 3)
    assert status(board, "a", now=100.3) is Status.VALID
    feed.announce("a", Status.INVALID, 3)
    assert status(board, "a", now=100.4) is Status.INVALID and feed.reads == 4
    for _ in range(100):
        status(board, "a", now=100.5)
    assert feed.reads == 4 and board.entries() == [(3, Status.INVALID)]


def test_another_machines_change_arrives_within_the_interval(feed: Feed, board: StatusBoard) -> None:
    feed.set("a", Status.INVALID, 3)
    assert status(board, "a", now=100.0) is Status.INVALID
    feed.set("b", Status.SUSPENDED, 4)
    feed.set("a", Status.INVALID, 3)
    assert status(board, "b", now=104.9) is Status.VALID  # not announced here, within the interval: no read
    assert feed.reads == 1
    assert status(board, "b", now=105.0) is Status.SUSPENDED
    feed.set("b", Status.VALID, 4)  # resumed elsewhere
    assert status(board, "b", now=110.0) is Status.VALID
    assert sorted(board.entries()) == [(3, Status.INVALID)]


def test_a_change_announced_during_a_read_is_read_again_by_the_next_check(feed: Feed) -> None:
    reading, release = threading.Event(), threading.Event()

    def slow_changes(mark: int) -> tuple[Entries, int]:
        snapshot = feed.load_changes(mark)  # read before the change below committed ...
        reading.set()
        release.wait(5)
        return snapshot

    board = StatusBoard(feed.load_all, slow_changes, interval=5, changes=lambda: feed.counter)
    status(board, "a", now=0.0)
    feed.announce("b", Status.INVALID)
    refresher = threading.Thread(target=board.catch_up, args=(1.0,))
    refresher.start()
    reading.wait(5)
    feed.announce("a", Status.INVALID)  # committed and announced while that read is in flight
    checked: list[Status] = []
    checker = threading.Thread(target=lambda: checked.append(status(board, "a", now=1.0)))
    checker.start()
    checker.join(0.2)
    assert checker.is_alive()  # a check that saw the counter move waits for the read in flight ...
    release.set()
    refresher.join(5)
    checker.join(5)
    assert checked == [Status.INVALID]  # ... and then reads again: the counter moved past what that read saw


def test_a_clock_that_goes_back_refreshes(feed: Feed, board: StatusBoard) -> None:
    status(board, "a", now=100.0)
    feed.set("a", Status.INVALID)
    assert status(board, "a", now=50.0) is Status.INVALID


def test_a_note_is_seen_at_once_and_not_undone_by_an_older_read(feed: Feed) -> None:
    reading, release = threading.Event(), threading.Event()

    def slow_changes(mark: int) -> tuple[Entries, int]:
        snapshot = feed.load_changes(mark)  # read before the local change committed ...
        reading.set()
        release.wait(5)
        return snapshot  # ... and applied after it

    board = StatusBoard(feed.load_all, slow_changes, interval=5, changes=lambda: feed.counter)
    feed.set("a", Status.SUSPENDED)
    status(board, "a", now=0.0)
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
    assert status(board, "a", now=10.0) is Status.INVALID


def test_a_failed_refresh_keeps_the_last_states_and_retries_soon(feed: Feed, board: StatusBoard) -> None:
    feed.set("a", Status.INVALID)
    status(board, "a", now=0.0)
    feed.failing = True
    assert status(board, "a", now=5.0) is Status.INVALID
    reads = feed.reads
    assert status(board, "a", now=5.5) is Status.INVALID and feed.reads == reads  # no retry storm
    feed.failing = False
    feed.set("b", Status.INVALID)
    assert status(board, "b", now=6.0) is Status.INVALID


def test_an_announced_change_that_cannot_be_read_is_tried_again_each_second_not_on_every_check(
    feed: Feed, board: StatusBoard
) -> None:
    status(board, "a", now=0.0)
    feed.failing = True
    feed.announce("a", Status.INVALID)
    assert status(board, "a", now=1.0) is Status.VALID  # the last known state: the database did not answer
    reads = feed.reads
    for _ in range(50):
        status(board, "a", now=1.5)
    assert feed.reads == reads
    feed.failing = False
    assert status(board, "a", now=2.0) is Status.INVALID


def test_the_first_load_failing_is_an_error(feed: Feed) -> None:
    def broken() -> tuple[Entries, int]:
        raise ConnectionError("database gone")

    with pytest.raises(ConnectionError):
        StatusBoard(broken, feed.load_changes, interval=5, changes=lambda: 0).catch_up(now=0.0)


# --- 21: the label-check cache across tenants ------------------------------------------------------
def test_21_a_label_cached_for_one_platform_answers_another_exactly_as_a_cold_cache_does(
    client: FlaskClient, services: Services, platform_key: str, other_platform_key: str
) -> None:
    """The verified-token cache is keyed by the token's hash; the tenant is judged on every hit.

    A's check fills the cache; B's check of the same token must then be the answer B gets
    from a cold cache (``wrong_platform``, no label), never A's cached answer.
    """
    mine = issue_label(services, "shared-account")  # acme-video's label
    theirs = issue_label(services, "shared-account", platform="rival-live")

    def check(key: str, token: str, account: str | None = "shared-account") -> Any:
        body = {"token": token} | ({"account_id": account} if account else {})
        answer = client.post("/v1/labels/check", json=body, headers=bearer(key))
        assert answer.status_code == 200
        return answer.get_data(as_text=True), answer.json

    caches = services.label_caches
    caches.tokens._entries.clear()
    cold_b = [check(other_platform_key, mine["token"], account) for account in ("shared-account", None)]
    assert all(json["valid"] is False and json["reason"] == "wrong_platform" and json["label"] is None
               for _, json in cold_b)

    caches.tokens._entries.clear()
    warm_a = check(platform_key, mine["token"])
    assert warm_a[1]["valid"] is True and warm_a[1]["label"]["id"] == mine["id"]
    assert caches.tokens.lookup(mine["token"])[1] is not None  # A's answer is in the cache now
    warm_b = [check(other_platform_key, mine["token"], account) for account in ("shared-account", None)]
    assert warm_b == cold_b  # byte for byte: the cache gave B nothing of A's
    assert mine["id"] not in warm_b[0][0] and mine["id"] not in warm_b[1][0]

    # and the other way round: B's own label, cached for B, is no good to A
    assert check(other_platform_key, theirs["token"])[1]["valid"] is True
    assert check(platform_key, theirs["token"])[1] == {"valid": False, "reason": "wrong_platform", "label": None}
