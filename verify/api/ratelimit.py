"""Rate limits per API key: a token bucket per (key, route), in this process's memory.

``POST /v1/verifications`` and ``POST /v1/labels/check`` each have a bucket per API key
(``Limits.uploads_per_minute``/``upload_burst``, ``checks_per_second``/``check_burst``), and the
two claim-scan routes share one (``claim_scans_per_second``/``claim_scan_burst``) that a batch
draws one token per account from;
an empty bucket answers ``429 rate_limited`` with ``Retry-After``. The buckets live in
the serving process, so N gunicorn workers allow up to N times the configured rate in
total; the per-account upload quota (``services.quota``) is counted in the database and
holds across processes. Charging costs a dict lookup and a few float operations under a
lock, so the label-check hot path does not notice it.

Failed authentications (a bad API key, a bad console sign-in) draw on a bucket per source
address (``Limits.auth_failures_per_minute``/``auth_failure_burst``): once it is empty, a key
that is not already known is not checked at all (``429 rate_limited``, Retry-After, no database
query). The source is ``request.remote_addr`` (X-Forwarded-For only through ``VERIFY_PROXY_HOPS``),
an IPv6 address counted by its /64.

>>> buckets = TokenBuckets(clock=lambda: 100.0)
>>> [buckets.take("key-1", rate=1.0, burst=2) for _ in range(3)]
[0.0, 0.0, 1.0]
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Callable

from flask import request

from verify.config import Limits
from verify.errors import RateLimited
from verify.services.keys import Principal

_MAX_BUCKETS = 100_000  # keys are authenticated, so this is only a backstop


class TokenBuckets:
    """Token buckets by name: ``take`` returns 0 when a token was taken, else seconds until one is free."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, list[float]] = {}  # name -> [tokens, last refill time, rate, burst]
        self._lock = threading.Lock()

    def take(self, name: str, *, rate: float, burst: int, cost: float = 1.0) -> float:
        """Take ``cost`` tokens: 0 if they were there, else the seconds until they will be (nothing is taken)."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(name)
            if bucket is None:
                if len(self._buckets) >= _MAX_BUCKETS:
                    self._forget_full(now)
                bucket = self._buckets[name] = [float(burst), now, rate, burst]
            tokens = min(float(burst), bucket[0] + (now - bucket[1]) * rate)
            bucket[1] = now
            if tokens >= cost:
                bucket[0] = tokens - cost
                return 0.0
            bucket[0] = tokens
            return (cost - tokens) / rate

    def wait(self, name: str, *, rate: float, burst: int, cost: float = 1.0) -> float:
        """The seconds until ``cost`` tokens will be there (0: they are); nothing is taken."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(name)
            tokens = float(burst) if bucket is None else min(float(burst), bucket[0] + (now - bucket[1]) * rate)
        return 0.0 if tokens >= cost else (cost - tokens) / rate

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have filled up again (they remember nothing); all of them if none has."""
        full = [name for name, (tokens, last, rate, burst) in self._buckets.items()
                if tokens + (now - last) * rate >= burst]
        for name in full:
            del self._buckets[name]
        if not full:
            self._buckets.clear()


def _rules(limits: Limits) -> dict[str, tuple[str, float, int]]:
    """Endpoint -> (bucket, tokens per second, burst); a zero rate switches that limit off.

    Both claim-scan routes draw on one ``claims`` bucket, a token per account scanned.
    """
    claims = ("claims", limits.claim_scans_per_second, limits.claim_scan_burst)
    rules = {"verifications.submit": ("verifications.submit", limits.uploads_per_minute / 60.0, limits.upload_burst),
             "labels.check": ("labels.check", limits.checks_per_second, limits.check_burst),
             "claims.scan": claims, "claims.scan_batch": claims}
    return {endpoint: rule for endpoint, rule in rules.items() if rule[1] > 0}


class RateLimits:
    """This process's limits (built once by ``create_app``): per API key and route, and failed authentications
    per source address.

    >>> limits = RateLimits(Limits(checks_per_second=1, check_burst=1), clock=lambda: 0.0)
    >>> limits.charge(Principal("k1", "p1", "acme", "platform"), "labels.check")
    >>> limits.charge(Principal("k1", "p1", "acme", "platform"), "labels.check")
    Traceback (most recent call last):
    ...
    verify.errors.RateLimited: This API key sent too many requests; see Retry-After.
    """

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._buckets = TokenBuckets(clock)
        self._rules = _rules(limits)

    def charge(self, principal: Principal, endpoint: str, cost: float = 1.0) -> None:
        """Take ``cost`` tokens for ``endpoint`` and the key; ``RateLimited`` (429) when they are not there.

        Every authorised request is charged one token on its way in (``verify.api.auth``); a claim-scan
        batch is charged the rest of its accounts once its body is read.
        """
        rule = self._rules.get(endpoint)
        if rule is None or cost <= 0:
            return
        wait = self._buckets.take(f"{principal.key_id}|{rule[0]}", rate=rule[1], burst=rule[2], cost=cost)
        if wait:
            raise RateLimited("This API key sent too many requests; see Retry-After.", retry_after=math.ceil(wait))

    def refuse_failing_source(self, source: str) -> None:
        """``RateLimited`` (429) when ``source`` has no failed authentication left: check no key for it."""
        limits = self.limits
        if limits.auth_failures_per_minute <= 0:
            return
        wait = self._buckets.wait(f"{source}|auth-failures", rate=limits.auth_failures_per_minute / 60.0,
                                  burst=limits.auth_failure_burst)
        if wait:
            raise RateLimited("Too many failed authentications from this address; see Retry-After.",
                              retry_after=math.ceil(wait))

    def count_failed_authentication(self, source: str) -> None:
        """Take a token from ``source``'s bucket of failed authentications."""
        limits = self.limits
        if limits.auth_failures_per_minute > 0:
            self._buckets.take(f"{source}|auth-failures", rate=limits.auth_failures_per_minute / 60.0,
                               burst=limits.auth_failure_burst)


def source() -> str:
    """Where this request came from, for limits per source: its address, an IPv6 one as its /64.

    >>> from flask import Flask
    >>> with Flask(__name__).test_request_context(environ_base={"REMOTE_ADDR": "2001:db8::7"}):
    ...     source()
    '2001:db8::/64'
    """
    address = request.remote_addr or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(getattr(parsed, "ipv4_mapped", None) or parsed)
