"""Revoking, suspending and resuming a label (the owning platform, or an admin).

Suspension is reversible (resume); revocation is final. Every change is audited and sent as a webhook
event in its transaction, and reaches this process's checks when it commits
(verify.services.labels.caches).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from verify import audit
from verify.errors import Conflict, NotFound
from verify.services import webhooks
from verify.services.context import Services
from verify.services.keys import Principal
from verify.services.labels.caches import after_commit
from verify.services.labels.state import SUBJECT, state
from verify.store.models import Label


def revoke(services: Services, principal: Principal, label_id: str, reason: str) -> Label:
    """Revoke a label of the caller's platform (any for an admin key of every platform); final. Repeating it
    changes nothing."""
    return _change(services, principal, label_id, "revoke", reason)


def suspend(services: Services, principal: Principal, label_id: str, reason: str | None) -> Label:
    """Suspend a label until :func:`resume`; checks answer ``revoked`` meanwhile. 409 if it is revoked."""
    return _change(services, principal, label_id, "suspend", reason)


def resume(services: Services, principal: Principal, label_id: str, reason: str | None) -> Label:
    """Lift a suspension. 409 if the label is revoked (revocation is final)."""
    return _change(services, principal, label_id, "resume", reason)


def _apply_revoke(label: Label, now: datetime, reason: str | None) -> bool:
    if label.revoked_at is not None:
        return False
    label.revoked_at, label.revoke_reason = now, reason
    return True


def _apply_suspend(label: Label, now: datetime, reason: str | None) -> bool:
    if label.revoked_at is not None:
        raise Conflict("A revoked label cannot be suspended.")
    if label.suspended_at is not None:
        return False
    label.suspended_at = now
    return True


def _apply_resume(label: Label, now: datetime, reason: str | None) -> bool:
    if label.revoked_at is not None:
        raise Conflict("A revoked label cannot be resumed: revocation is final.")
    if label.suspended_at is None:
        return False
    label.suspended_at = None
    return True


_CHANGES: dict[str, Callable[[Label, datetime, str | None], bool]] = {
    "revoke": _apply_revoke, "suspend": _apply_suspend, "resume": _apply_resume,
}


def _change(services: Services, principal: Principal, label_id: str, action: str, reason: str | None) -> Label:
    """Apply ``action`` to the label and audit it, with the row locked from the read that decides to the commit.

    On PostgreSQL ``SELECT ... FOR UPDATE`` makes a concurrent change of the same label wait and
    then decide on the committed state (a resume after a revoke is a 409, not a resumed revoked
    label); SQLite's writers are serialised by ``BEGIN IMMEDIATE`` already.
    """
    now = services.clock()
    with services.store.write() as session:
        label = session.scalars(select(Label).where(Label.id == label_id).with_for_update()).first()
        if label is None or (not principal.sees_every_platform and label.platform_id != principal.platform_id):
            raise NotFound("No such label.")
        before = state(label, now)
        if _CHANGES[action](label, now, reason):
            after: dict[str, Any] = {"state": state(label, now)}
            if reason:
                after["reason_sha256"] = audit.digest(reason)  # free text: only its digest is logged
            audit.record(session, actor=principal.key_id, action=f"label.{action}", subject_type=SUBJECT,
                         subject_id=label.id, now=now, platform_id=label.platform_id, before={"state": before},
                         after=after)
            webhooks.label_changed(services, session, label, action, now=now)
            after_commit(session, services.label_caches, label)
        return label
