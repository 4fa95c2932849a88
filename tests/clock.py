"""The services' clock in tests: the real time until a test sets it, then that time until it moves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class TestClock:
    """``create_app(clock=...)`` for tests: ``set`` pins it, ``advance`` moves it, ``release`` returns it to real time.

    >>> clock = TestClock()
    >>> clock.set(datetime(2026, 1, 1, tzinfo=UTC)); clock.advance(seconds=90); clock()
    datetime.datetime(2026, 1, 1, 0, 1, 30, tzinfo=datetime.timezone.utc)
    """

    __test__ = False  # not a test class, whatever its name

    def __init__(self, at: datetime | None = None) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return datetime.now(UTC) if self.at is None else self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, seconds: float = 0.0, **delta: float) -> None:
        """Move the clock on (from now, if it was not set yet)."""
        self.at = self() + timedelta(seconds=seconds, **delta)

    def release(self) -> None:
        self.at = None
