"""A label's state in the words the API uses, and as its status list entry.

>>> status_of(None, None).name, status_of(None, datetime(2026, 1, 1, tzinfo=UTC)).name
('VALID', 'SUSPENDED')
"""

from __future__ import annotations

from datetime import UTC, datetime  # noqa: F401 (the doctest)

from verify.labels.status_list import Status
from verify.store.models import Label

SUBJECT = "label"  # audit_events.subject_type of every label change


def state(label: Label, now: datetime) -> str:
    """``revoked``, ``expired``, ``suspended`` or ``active`` (in that order of precedence)."""
    if label.revoked_at is not None:
        return "revoked"
    if label.expires_at <= now:
        return "expired"
    return "suspended" if label.suspended_at is not None else "active"


def status_of(revoked_at: datetime | None, suspended_at: datetime | None) -> Status:
    """The status list entry of a label revoked and/or suspended at these times (None: not)."""
    if revoked_at is not None:
        return Status.INVALID
    return Status.SUSPENDED if suspended_at is not None else Status.VALID
