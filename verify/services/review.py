"""The manual verification queue: open items, leased claims, decisions.

A claim is a lease: one reviewer holds an item until the lease lapses. Each claim
increments the item's ``fencing`` number, so a decision sent under an older claim is
refused. Approval issues the label through the same code path as automatic approval.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from verify.domain import VerificationStatus
from verify.errors import Conflict, InvalidRequest, NotFound
from verify.services.context import Services
from verify.services.keys import Principal
from verify.services.labels import issue_for_verification
from verify.store.models import ReviewItem, Verification

#: Reason codes a reviewer picks from (README documents them).
APPROVE_REASONS = ("documents_consistent", "confirmed_by_official_lookup", "name_difference_explained")
REJECT_REASONS = (
    "forged_or_altered", "wrong_document", "unreadable", "name_mismatch", "id_mismatch", "expired_or_revoked",
    "not_a_professional_credential", "other",
)
STATES = ("open", "claimed", "decided")


def open_review_item(session: Session, verification: Verification, now: datetime) -> None:
    """Queue a needs_review verification (once; a re-processed job keeps its item)."""
    existing = session.scalars(select(ReviewItem).where(ReviewItem.verification_id == verification.id)).first()
    if existing is not None:
        existing.state, existing.reasons, existing.decision = "open", list(verification.reasons), None
        return
    session.add(ReviewItem(
        id=uuid.uuid4().hex, verification_id=verification.id, platform_id=verification.platform_id,
        profession=verification.profession, reasons=list(verification.reasons), state="open", fencing=0,
        created_at=now,
    ))


def _scope(principal: Principal) -> object:
    return True if principal.is_admin else ReviewItem.platform_id == principal.platform_id


def _effective_state(item: ReviewItem, now: datetime) -> str:
    if item.state == "claimed" and item.lease_expires_at is not None and item.lease_expires_at <= now:
        return "open"
    return item.state


def list_items(services: Services, principal: Principal, state: str, limit: int = 100) -> list[ReviewItem]:
    """Items in ``state``, oldest first; a lapsed claim counts as open again."""
    now = services.clock()
    query = select(ReviewItem).where(_scope(principal)).order_by(ReviewItem.created_at).limit(limit)
    lapsed = and_(ReviewItem.state == "claimed", ReviewItem.lease_expires_at <= now)
    if state == "open":
        query = query.where(or_(ReviewItem.state == "open", lapsed))
    elif state == "claimed":
        query = query.where(ReviewItem.state == "claimed", ReviewItem.lease_expires_at > now)
    else:
        query = query.where(ReviewItem.state == state)
    with services.store.read() as session:
        return list(session.scalars(query))


def claim(services: Services, principal: Principal, item_id: str, lease_seconds: float = 900) -> ReviewItem:
    """Lease the item to the caller; Conflict if someone else holds a live lease."""
    now = services.clock()
    with services.store.write() as session:
        item = session.scalars(select(ReviewItem).where(ReviewItem.id == item_id, _scope(principal))).first()
        if item is None:
            raise NotFound("No such review item.")
        held_by_other = _effective_state(item, now) == "claimed" and item.claimed_by != principal.key_id
        if item.state == "decided" or held_by_other:
            raise Conflict("The item is already claimed or decided.")
        session.execute(
            update(ReviewItem).where(ReviewItem.id == item.id, ReviewItem.fencing == item.fencing)
            .values(state="claimed", claimed_by=principal.key_id, fencing=item.fencing + 1,
                    lease_expires_at=now + timedelta(seconds=lease_seconds)),
            execution_options={"synchronize_session": False},
        )
        session.refresh(item)
        return item


def decide(
    services: Services, principal: Principal, item_id: str, *, decision: str, reason_code: str,
    note: str | None,
) -> ReviewItem:
    """Approve (issuing the label) or reject a claimed item; only under a live lease of the caller."""
    allowed = APPROVE_REASONS if decision == "approve" else REJECT_REASONS
    if reason_code not in allowed:
        raise InvalidRequest("reason_code is not in the documented list for this decision.",
                             errors={"reason_code": [f"one of: {', '.join(allowed)}"]})
    now = services.clock()
    with services.store.write() as session:
        item = session.scalars(select(ReviewItem).where(ReviewItem.id == item_id, _scope(principal))).first()
        if item is None:
            raise NotFound("No such review item.")
        if _effective_state(item, now) != "claimed" or item.claimed_by != principal.key_id:
            raise Conflict("Claim the item first; your lease may have lapsed.")
        verification = session.get(Verification, item.verification_id)
        assert verification is not None
        status = VerificationStatus.REJECTED
        if decision == "approve":
            if verification.kind is None or issue_for_verification(services, session, verification, now) is None:
                raise Conflict("No label can be issued for this document; reject it or fix its kind.")
            status = VerificationStatus.APPROVED
        verification.status, verification.updated_at = status.value, now
        verification.reasons = [f"review.{reason_code}"]
        item.state, item.decision, item.reason_code, item.note = "decided", decision, reason_code, note
        item.decided_by, item.decided_at = principal.key_id, now
        return item
