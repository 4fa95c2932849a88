"""When to try a failed delivery again: a schedule, jitter, and the receiver's Retry-After within bounds.

The schedule (``VERIFY_WEBHOOK_RETRY_SECONDS``) lists the delay before each attempt; its
length is how many attempts a delivery gets. The default is the Standard Webhooks one:
immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h later (about 27.6 h in all).
Each delay is spread by ±20 % so that the deliveries of an endpoint that was down do not all
come back at the same instant. A ``Retry-After`` from the receiver may push the next attempt
later, up to twice the scheduled delay, never earlier (Svix's bounds).

>>> parse_schedule("0, 5, 300")
(0.0, 5.0, 300.0)
>>> next_delay((0.0, 5.0), attempts_made=1, retry_after=None, jitter=0.0)
5.0
>>> next_delay((0.0, 5.0), attempts_made=1, retry_after=60.0, jitter=0.0)
10.0
>>> next_delay((0.0, 5.0), attempts_made=2, retry_after=None) is None
True
"""

from __future__ import annotations

import random

JITTER = 0.2
_random = random.SystemRandom()


def parse_schedule(text: str) -> tuple[float, ...]:
    """Comma-separated seconds, at least one, none negative; ValueError otherwise."""
    try:
        delays = tuple(float(part) for part in text.split(","))
    except ValueError as exc:
        raise ValueError(f"VERIFY_WEBHOOK_RETRY_SECONDS must be comma-separated seconds, not {text!r}") from exc
    if not delays or any(delay < 0 or delay != delay for delay in delays):
        raise ValueError(f"VERIFY_WEBHOOK_RETRY_SECONDS must list seconds >= 0, not {text!r}")
    return delays


def next_delay(schedule: tuple[float, ...], *, attempts_made: int, retry_after: float | None,
               jitter: float = JITTER) -> float | None:
    """Seconds from now to the next attempt after ``attempts_made`` attempts; None once the schedule is spent."""
    if attempts_made >= len(schedule):
        return None
    base = schedule[attempts_made]
    delay = base * _random.uniform(1 - jitter, 1 + jitter) if jitter else base
    if retry_after is not None:
        delay = max(delay, min(retry_after, 2 * base))
    return delay
