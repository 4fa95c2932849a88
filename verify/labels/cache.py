"""The label-check hot path's two in-process caches; no Flask and no database here.

:class:`VerifiedTokens` remembers tokens whose signature and shape verified, keyed by the
SHA-256 of the token: a repeated check skips base64, JSON and Ed25519 and only judges
issuer, time, account and platform. Only verified tokens enter (forgeries cannot fill it);
it is bounded, dropping the oldest entry first.

:class:`StatusBoard` knows which labels are revoked or suspended. It loads them once, then
asks its change feed for what changed since its watermark (the service reads the audit log,
written in the same transaction as every label change) whenever the change counters it is given
(the machine's :class:`~verify.labels.changes.ChangeCounter`, and on PostgreSQL the database's, see
verify.services.labels.freshness) have moved since its last read, and every ``interval`` seconds in
any case. A change made in this process is applied at once
with :meth:`StatusBoard.note`.

>>> board = StatusBoard(lambda: ({"l1": (Status.INVALID, 4)}, 1), lambda mark: ({}, mark), interval=5,
...                     changes=lambda: 0)
>>> board.catch_up(now=0.0)
>>> board.status("l1"), board.status("l2")
(<Status.INVALID: 1>, <Status.VALID: 0>)
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from verify.labels.status_list import Status

log = logging.getLogger(__name__)

#: label id -> (status, global status index or None); only revoked or suspended labels are kept.
Entries = dict[str, tuple[Status, int | None]]
LoadAll = Callable[[], tuple[Entries, int]]
LoadChanges = Callable[[int], tuple[dict[str, tuple[Status, int | None]], int]]
_RETRY_SECONDS = 1.0  # after a failed read, the last known states answer this long before the next try


@dataclass(frozen=True, slots=True)
class Verified:
    """A token that verified: its claims, its key and what a valid check answers about it."""

    claims: dict[str, Any]
    kid: str
    label: dict[str, Any]


class VerifiedTokens:
    """Verified tokens keyed by the SHA-256 of their text, at most ``limit`` of them.

    >>> cache = VerifiedTokens(limit=1)
    >>> key, found = cache.lookup("a.b.c")
    >>> found is None
    True
    >>> cache.put(key, Verified({}, "k", {}))
    >>> cache.lookup("a.b.c")[1].kid
    'k'
    >>> cache.put(cache.lookup("x.y.z")[0], Verified({}, "k2", {})); cache.lookup("a.b.c")[1] is None
    True
    """

    def __init__(self, limit: int) -> None:
        self.limit = max(0, limit)
        self._entries: dict[bytes, Verified] = {}

    def lookup(self, token: str) -> tuple[bytes | None, Verified | None]:
        """``(key, entry)``: the key to :meth:`put` the token under (None: never cached, not ASCII)."""
        if not token.isascii():
            return None, None
        key = hashlib.sha256(token.encode("ascii")).digest()
        return key, self._entries.get(key)

    def put(self, key: bytes | None, verified: Verified) -> None:
        if key is None or self.limit == 0:
            return
        entries = self._entries
        while len(entries) >= self.limit:
            try:
                del entries[next(iter(entries))]
            except (KeyError, StopIteration, RuntimeError):  # another thread changed it first
                break
        entries[key] = verified

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()


class StatusBoard:
    """Revoked and suspended labels as this process knows them: up to date with every change the counter announced.

    ``load_all()`` returns ``(entries, watermark)``; ``load_changes(watermark)`` returns the
    current state of every label changed after ``watermark`` (valid ones included, so a
    resume clears a suspension) and the new watermark. ``changes()`` reads the change counter;
    the board reads it *before* the feed, so a change committed during a read moves the counter
    past what the board has seen and is read next time. Reads run under the board's lock, so a
    :meth:`note` made after a commit is never overwritten by an older read. A check that finds
    the counter moved waits for the read (its answer must include the change); one that finds
    only the interval over does not wait for another thread's read.
    """

    def __init__(self, load_all: LoadAll, load_changes: LoadChanges, interval: float,
                 changes: Callable[[], Hashable]) -> None:
        self._load_all = load_all
        self._load_changes = load_changes
        self._changes = changes
        self.interval = interval
        self._entries: Entries = {}
        self._watermark: int | None = None
        self._seen: Hashable | None = None  # the counters as they were before the last read
        self._loaded_at = float("-inf")
        self._retry_at = float("-inf")
        self._lock = threading.Lock()

    def status(self, label_id: str) -> Status:
        """The label's status as last read (call :meth:`catch_up` first)."""
        entry = self._entries.get(label_id)
        return Status.VALID if entry is None else entry[0]

    def catch_up(self, now: float) -> None:
        """Read what changed if the counter moved since the last read, or the last read is ``interval`` old.

        Costs one load from shared memory and two comparisons when nothing changed. If a read
        fails once the board has loaded, the last known states keep answering and the read is
        tried again a second later; the first load's failure is raised.
        """
        moved = self._changes() != self._seen
        if not moved and self._loaded_at <= now < self._loaded_at + self.interval:
            return
        if not self._lock.acquire(blocking=moved or self._watermark is None):
            return  # the interval is over and another thread is reading: the current states answer
        try:
            if self._watermark is not None:
                if self._changes() == self._seen and self._loaded_at <= now < self._loaded_at + self.interval:
                    return  # another thread read it while this one waited
                if now < self._retry_at:
                    return
            try:
                self._read(now)
            except Exception:
                if self._watermark is None:
                    raise
                log.warning("label status refresh failed; answering from the last known states", exc_info=True)
                self._retry_at = now + min(_RETRY_SECONDS, self.interval)
        finally:
            self._lock.release()

    def refresh(self, now: float) -> None:
        """Read what changed since the watermark (everything, the first time), now."""
        with self._lock:
            self._read(now)

    def _read(self, now: float) -> None:
        seen = self._changes()
        if self._watermark is None:
            entries, self._watermark = self._load_all()
            self._entries = dict(entries)
        else:
            changes, watermark = self._load_changes(self._watermark)
            self._apply(changes)
            self._watermark = watermark
        self._seen, self._loaded_at, self._retry_at = seen, now, float("-inf")

    def note(self, label_id: str, status: Status, index: int | None) -> None:
        """Apply a change this process has just committed, at once."""
        with self._lock:
            self._apply({label_id: (status, index)})

    def entries(self) -> list[tuple[int, Status]]:
        """``(status index, status)`` of every revoked or suspended label that has an index."""
        return [(index, status) for status, index in list(self._entries.values()) if index is not None]

    def _apply(self, changes: dict[str, tuple[Status, int | None]]) -> None:
        if not changes:
            return
        entries = dict(self._entries)
        for label_id, (status, index) in changes.items():
            if status is Status.VALID:
                entries.pop(label_id, None)
            else:
                entries[label_id] = (status, index)
        self._entries = entries  # readers see the old or the new dict, never a half-applied one
