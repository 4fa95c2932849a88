"""How a label change made on one node reaches the checks of every node before its call has answered.

Every revoke, suspend, resume, supersede and withdrawn signing key adds one to the ``label_changes``
counter *in its own transaction* (:func:`announce_label_changes`), and, after its commit, to the
machine's mapped counter (verify.labels.changes). A check's status board reads again when either
moved since its last read.

On SQLite (one machine) the mapped counter is all a check reads: one load from shared memory. On
PostgreSQL, where other nodes may write, a check also reads the database counter, through
:class:`SharedCount`: one query at a time per process, its answer shared by every check that arrived
before the query began, so the promise holds (a check started after a change committed anywhere
sees a count read after that commit) while a busy process sends one query per round trip, not one
per check.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy.orm import Session

from verify.labels.changes import ChangeCounter
from verify.store import counters
from verify.store.db import Store

log = logging.getLogger(__name__)
_RETRY_SECONDS = 1.0  # after a failed read, the last count answers this long (the board's own retry is the same)


def announce_label_changes(session: Session) -> None:
    """Tell every node, in ``session``'s transaction, that labels or signing keys change when it commits."""
    counters.bump(session, counters.LABEL_CHANGES)


class SharedCount:
    """A count read by a query that began after :meth:`value` was called; concurrent callers share one query.

    >>> reads = iter([1, 2])
    >>> count = SharedCount(lambda: next(reads))
    >>> count.value(), count.value()
    (1, 2)
    """

    def __init__(self, read: Callable[[], int], clock: Callable[[], float] = time.monotonic) -> None:
        self._read = read
        self._clock = clock
        self._lock = threading.Condition()
        self._started = self._finished = 0
        self._reading = False
        self._value = 0
        self._quiet_until = float("-inf")

    def value(self) -> int:
        """The count now; while the database fails, the last one read (logged; tried again a second later)."""
        with self._lock:
            if self._clock() < self._quiet_until:
                return self._value
            wanted = self._started + 1  # a read that begins after this call
            while self._finished < wanted:
                if self._reading:
                    self._lock.wait()
                else:
                    self._read_once()
            return self._value

    def _read_once(self) -> None:
        """Run one read with the lock released (called holding it)."""
        self._reading = True
        self._started += 1
        ticket = self._started
        self._lock.release()
        value: int | None = None
        try:
            value = self._read()
        except Exception:
            log.warning("the label change count could not be read; answering from the last one", exc_info=True)
        finally:
            self._lock.acquire()
            self._reading, self._finished = False, ticket
            if value is None:
                self._quiet_until = self._clock() + _RETRY_SECONDS
            else:
                self._value = value
            self._lock.notify_all()


class CounterReader:
    """Reads the ``label_changes`` counter over a PostgreSQL connection of its own, kept open: autocommit and a
    prepared statement, one round trip (about 25 µs here, where a pooled connection's checkout, ping and
    rollback cost 20 times that). A failed read drops the connection; the next read opens another.
    Called by one thread at a time (:class:`SharedCount`).
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._connection: Any = None

    def __call__(self) -> int:
        if self._connection is None:
            self._connection = self._store.dedicated_connection()
        try:
            with self._connection.cursor() as cursor:
                cursor.execute(_READ, (counters.LABEL_CHANGES,), prepare=True)
                row = cursor.fetchone()
        except Exception:
            connection, self._connection = self._connection, None
            with contextlib.suppress(Exception):
                connection.close()
            raise
        return int(row[0]) if row else 0


_READ = "SELECT value FROM counters WHERE name = %s"


def change_signal(store: Store, machine: ChangeCounter) -> Callable[[], Hashable]:
    """What a status board compares to know it must read again: the machine's counter, and on PostgreSQL the
    database's too."""
    if store.is_sqlite:
        return machine.value
    shared = SharedCount(CounterReader(store))
    return lambda: (machine.value(), shared.value())
