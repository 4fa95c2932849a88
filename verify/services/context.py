"""The collaborators every service function needs, built once by ``create_app`` and never changed.

Every service function takes the one :class:`Services` first and uses what it needs of it; nothing
assigns to it after it is built (it is frozen), so what a function can touch is what ``create_app``
chose: the store, the keyring, the OCR engine, the clock, this process's label caches and doorbells.
A test that needs another collaborator builds another ``Services`` with ``dataclasses.replace``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from verify.config import Settings
from verify.crypto.lookup import LookupKey, load_lookup_key
from verify.labels.keyring import Keyring
from verify.node_metrics import NodeMetrics
from verify.reading.ocr import OcrEngine
from verify.services.labels.caches import LabelCaches
from verify.store.db import Store
from verify.store.selfcheck import check_database


def utcnow() -> datetime:
    return datetime.now(UTC)


class Doorbell:
    """Wakes one waiting thread per ring (not all of them, as an Event would); rings nobody waited for are
    kept, up to ``limit``, so none is lost between two waits.

    >>> bell = Doorbell()
    >>> bell.ring(); bell.wait(0), bell.wait(0)
    (True, False)
    """

    def __init__(self, limit: int = 64) -> None:
        self._rung = threading.Condition()
        self._rings, self._limit = 0, limit

    def ring(self, times: int = 1) -> None:
        with self._rung:
            self._rings = min(self._rings + times, self._limit)
            self._rung.notify(times)

    def wait(self, timeout: float) -> bool:
        """True when rung (now, or within ``timeout`` seconds), False when the time ran out."""
        with self._rung:
            if self._rings == 0:
                self._rung.wait(timeout)
            if self._rings == 0:
                return False
            self._rings -= 1
            return True


class LookupKeys:
    """The key of the keyed digests (verify.crypto.lookup), read from the database on first use: building the
    services reads no database (``flask check`` has none)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._key: LookupKey | None = None
        self._lock = threading.Lock()

    def get(self, now: datetime) -> LookupKey:
        if self._key is None:
            with self._lock:
                if self._key is None:
                    assert self._store.envelope is not None, "a Store with an envelope holds the lookup key"
                    self._key = load_lookup_key(self._store, self._store.envelope, now)
        return self._key


@dataclass(frozen=True)
class Services:
    """What the service functions work with; see the module docstring."""

    settings: Settings
    store: Store
    keyring: Keyring
    ocr: OcrEngine  # VERIFY_OCR_ENGINE, for the health check and the upload's availability check
    label_caches: LabelCaches
    lookup_keys: LookupKeys
    clock: Callable[[], datetime] = utcnow
    trust_roots: tuple[bytes, ...] = ()  # PEM of the trusted PDF signers (VERIFY_TRUSTED_SIGNERS), read at start
    notify: Callable[[str], None] | None = None  # hands a submitted job to outside workers (VERIFY_QUEUE=celery)
    metrics: NodeMetrics | None = None  # this node's counters (label checks, job durations), summed by /metrics
    work_waiting: threading.Event = field(default_factory=threading.Event)
    deliveries_waiting: Doorbell = field(default_factory=lambda: Doorbell())  # rung after an event commits

    def prepare(self) -> None:
        """What a process does before it serves or works, once the database is there: refuse a database that
        could lose a commit (``DurabilityError``) and load the signing keys, making the first one if there is
        none (never later, inside a transaction that issues a label)."""
        check_database(self.store.engine)
        self.keyring.load()

    def lookup_key(self) -> LookupKey:
        """The key of the keyed digests (verify.crypto.lookup)."""
        return self.lookup_keys.get(self.clock())

    def wake_workers(self, verification_id: str | None = None) -> None:
        """Tell the workers that new work arrived: this process's job runner, and outside workers if any."""
        self.work_waiting.set()
        if self.notify is not None and verification_id is not None:
            self.notify(verification_id)
