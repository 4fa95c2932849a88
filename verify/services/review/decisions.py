"""Deciding a claimed review item: approve (issuing the label through the same code path as automatic
approval) or reject, with a documented reason; audited and sent as a webhook event in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from verify import audit
from verify.domain import ReviewState, VerificationStatus
from verify.errors import Conflict
from verify.services import webhooks
from verify.services.context import Services
from verify.services.keys import Principal
from verify.services.labels.issuing import issue_for_verification
from verify.services.review.leases import audit_item, require_lease, snapshot
from verify.services.review.queue import QueueRow, find_row
from verify.services.review.reasons import check_reason
from verify.store.models import Label, ReviewItem


@dataclass(frozen=True)
class Decided:
    row: QueueRow
    label: Label | None


def _retried(item: ReviewItem, principal: Principal, decision: str, reason_code: str,
             fencing: int | None) -> bool:
    """Whether a decision request repeats the one already taken (a double click, a network retry)."""
    return (item.state == ReviewState.DECIDED.value and item.decided_by == principal.key_id
            and item.decision == decision and item.reason_code == reason_code and fencing in (None, item.fencing))


def decide(
    services: Services, principal: Principal, item_id: str, *, decision: str, reason_code: str,
    note: str | None = None, message: str | None = None, fencing: int | None = None,
) -> Decided:
    """Approve (issuing the label) or reject a claimed item; only under the caller's live lease.

    ``fencing``, when given, must be the current claim's number. Repeating the decision
    just taken answers it again without a second label.
    """
    reason = check_reason(decision, reason_code, note)
    message = (message or "").strip() or reason.message
    now = services.clock()
    with services.store.write() as session:
        item, verification, name = find_row(session, principal, item_id, lock=True)
        label = session.scalars(select(Label).where(Label.verification_id == verification.id)).first()
        if _retried(item, principal, decision, reason_code, fencing):
            return Decided(QueueRow(item, verification, name, ReviewState.DECIDED), label)
        require_lease(item, principal, now, fencing)
        before = {**snapshot(item), "verification_status": verification.status}
        status = VerificationStatus.REJECTED
        if decision == "approve":
            label = label or (issue_for_verification(services, session, verification, now, actor=principal.key_id)
                              if verification.kind is not None else None)
            if label is None:
                raise Conflict("No label exists for this credential; reject the case or correct its kind.")
            status = VerificationStatus.APPROVED
        verification.status, verification.updated_at = status.value, now
        verification.reasons = [f"review.{reason_code}"]
        item.state, item.decision, item.reason_code = ReviewState.DECIDED.value, decision, reason_code
        item.note, item.message = note, message
        item.decided_by, item.decided_at, item.lease_expires_at = principal.key_id, now, None
        session.flush()
        audit_item(session, principal, "review.decide", item, now, before, {
            **snapshot(item), "decision": decision, "reason_code": reason_code,
            "verification_status": status.value, "label_id": label.id if label else None,
            "note_sha256": audit.digest(note), "message_sha256": audit.digest(message),
        })
        webhooks.verification_decided(services, session, verification, decided_by="reviewer", now=now)
        return Decided(QueueRow(item, verification, name, ReviewState.DECIDED), label)
