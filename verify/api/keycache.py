"""API keys that authenticated, remembered for ``auth_cache_seconds`` so the label-check hot path reads no database.

One per serving process, built by ``create_app``. Keyed by the key's SHA-256, never the key; only keys
that authenticated are kept (bad ones are counted against their source instead, verify.api.ratelimit), so a
flood of bad keys evicts nothing. When full, the expired entries go, then the oldest.

>>> cache = KeyCache(seconds=5, clock=lambda: 100.0)
>>> cache.remember("secret-key", "principal")
>>> cache.get("secret-key"), cache.get("another")
('principal', None)
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
_LIMIT = 10_000  # keys that authenticated: as many as there are keys in use


class KeyCache(Generic[T]):
    """What each API key that authenticated is (a principal), for ``seconds`` after it did."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic, limit: int = _LIMIT) -> None:
        self.seconds, self._clock, self._limit = seconds, clock, limit
        self._entries: dict[bytes, tuple[T, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> T | None:
        """What ``key`` authenticated as, if it did within the last ``seconds``."""
        found = self._entries.get(_digest(key))
        return found[0] if found is not None and found[1] > self._clock() else None

    def remember(self, key: str, value: T) -> None:
        with self._lock:
            now = self._clock()
            if len(self._entries) >= self._limit:
                for stale in [k for k, (_, until) in self._entries.items() if until <= now]:
                    del self._entries[stale]
                while len(self._entries) >= self._limit:
                    del self._entries[next(iter(self._entries))]
            self._entries[_digest(key)] = (value, now + self.seconds)


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()
