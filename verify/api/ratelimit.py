"""Rate limits per API key: a token bucket per (key, route), in this process's memory.

``POST /v1/verifications`` and ``POST /v1/labels/check`` each have a bucket per API key
(``Limits.uploads_per_minute``/``upload_burst``, ``checks_per_second``/``check_burst``);
an empty bucket answers ``429 rate_limited`` with ``Retry-After``. The buckets live in
the serving process, so N gunicorn workers allow up to N times the configured rate in
total; the per-account upload quota (``services.quota``) is counted in the database and
holds across processes. Charging costs a dict lookup and a few float operations under a
lock, so the label-check hot path does not notice it.

>>> buckets = TokenBuckets(clock=lambda: 100.0)
>>> [buckets.take("key-1", rate=1.0, burst=2) for _ in range(3)]
[0.0, 0.0, 1.0]
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from flask import current_app, request

from verify.config import Limits
from verify.errors import RateLimited
from verify.services.keys import Principal

_EXTENSION = "verify.ratelimit"
_MAX_BUCKETS = 100_000  # keys are authenticated, so this is only a backstop


class TokenBuckets:
    """Token buckets by name: ``take`` returns 0 when a token was taken, else seconds until one is free."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, list[float]] = {}  # name -> [tokens, last refill time]
        self._lock = threading.Lock()

    def take(self, name: str, *, rate: float, burst: int) -> float:
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(name)
            if bucket is None:
                if len(self._buckets) >= _MAX_BUCKETS:
                    self._buckets.clear()
                bucket = self._buckets[name] = [float(burst), now]
            tokens = min(float(burst), bucket[0] + (now - bucket[1]) * rate)
            bucket[1] = now
            if tokens >= 1.0:
                bucket[0] = tokens - 1.0
                return 0.0
            bucket[0] = tokens
            return (1.0 - tokens) / rate


def _rules(limits: Limits) -> dict[str, tuple[float, int]]:
    """Endpoint -> (tokens per second, burst); a zero rate switches that limit off."""
    rules = {"verifications.submit": (limits.uploads_per_minute / 60.0, limits.upload_burst),
             "labels.check": (limits.checks_per_second, limits.check_burst)}
    return {endpoint: rule for endpoint, rule in rules.items() if rule[0] > 0}


def charge(principal: Principal, limits: Limits) -> None:
    """Take a token for this request's route and key; ``RateLimited`` (429) when there is none."""
    state = current_app.extensions.get(_EXTENSION)
    if state is None:
        state = current_app.extensions.setdefault(_EXTENSION, [TokenBuckets(), limits, _rules(limits)])
    if state[1] is not limits:  # settings were replaced (tests, reload): same buckets, new rules
        state[1:] = [limits, _rules(limits)]
    buckets, rules = state[0], state[2]
    rule = rules.get(request.endpoint or "")
    if rule is None:
        return
    wait = buckets.take(f"{principal.key_id}|{request.endpoint}", rate=rule[0], burst=rule[1])
    if wait:
        raise RateLimited("This API key sent too many requests; see Retry-After.", retry_after=math.ceil(wait))
