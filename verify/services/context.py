"""The collaborators every service function needs, chosen once by ``create_app``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from verify.config import Settings
from verify.crypto.lookup import LookupKey, load_lookup_key
from verify.labels.keyring import Keyring
from verify.store.db import Store

if TYPE_CHECKING:
    from verify.services.labels import LabelCaches


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


@dataclass
class Services:
    settings: Settings
    store: Store
    keyring: Keyring
    clock: Callable[[], datetime] = field(default=utcnow)
    work_waiting: threading.Event = field(default_factory=threading.Event)
    deliveries_waiting: Doorbell = field(default_factory=lambda: Doorbell())  # rung after an event commits
    label_caches: LabelCaches | None = None  # made on first use by verify.services.labels
    notify: Callable[[str], None] | None = None  # hands a submitted job to outside workers (VERIFY_QUEUE=celery)
    trust_roots: tuple[bytes, ...] = ()  # PEM of the trusted PDF signers (VERIFY_TRUSTED_SIGNERS), read at start
    _lookup: LookupKey | None = field(default=None, repr=False)

    def lookup_key(self) -> LookupKey:
        """The key of the keyed digests (verify.crypto.lookup), read from the database on first use."""
        if self._lookup is None:
            assert self.store.envelope is not None, "a Store with an envelope holds the lookup key"
            self._lookup = load_lookup_key(self.store, self.store.envelope, self.clock())
        return self._lookup

    def wake_workers(self, verification_id: str | None = None) -> None:
        """Tell the workers that new work arrived: this process's job runner, and outside workers if any."""
        self.work_waiting.set()
        if self.notify is not None and verification_id is not None:
            self.notify(verification_id)
