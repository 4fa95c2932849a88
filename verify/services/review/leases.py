"""Claims on review items: a lease per reviewer, fenced so that of two claims at once exactly one wins.

A claim is a lease: one reviewer holds an item until the lease lapses (``review_lease_seconds``,
15 minutes by default). Each claim increments the item's ``fencing`` number with a compare-and-set
UPDATE, so of two reviewers claiming at once exactly one wins, and a decision sent under an older
claim (its ``fencing`` no longer current) or a lapsed one is refused. Every claim and release is
audited in its transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.orm import Session

from verify import audit
from verify.domain import ReviewState
from verify.errors import AlreadyClaimed, AlreadyDecided, LeaseLost, StaleFencingToken
from verify.services.context import Services
from verify.services.keys import Principal
from verify.services.review.queue import QueueRow, effective_state, find_row, lapsed, queue_query
from verify.store.models import ReviewItem


def snapshot(item: ReviewItem) -> dict[str, Any]:
    """The item's claim as the audit log records it before and after a change."""
    return {"state": item.state, "claimed_by": item.claimed_by, "fencing": item.fencing,
            "lease_expires_at": item.lease_expires_at.isoformat() if item.lease_expires_at else None}


def audit_item(session: Session, principal: Principal, action: str, item: ReviewItem, now: datetime,
           before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    audit.record(session, actor=principal.key_id, action=action, subject_type="review_item", subject_id=item.id,
                 now=now, platform_id=item.platform_id, before=before, after=after)


def _take_lease(session: Session, services: Services, principal: Principal, item: ReviewItem,
                now: datetime) -> bool:
    """Compare-and-set the claim on ``item``; False when another claim got there first."""
    expires = now + timedelta(seconds=services.settings.review_lease_seconds)
    still_claimable = or_(ReviewItem.state == ReviewState.OPEN.value, lapsed(now), and_(
        ReviewItem.state == ReviewState.CLAIMED.value, ReviewItem.claimed_by == principal.key_id))
    result = session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item.id, ReviewItem.fencing == item.fencing, still_claimable)
        .values(state=ReviewState.CLAIMED.value, claimed_by=principal.key_id, fencing=item.fencing + 1,
                lease_expires_at=expires),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        return False
    before = snapshot(item)
    session.refresh(item)
    audit_item(session, principal, "review.claim", item, now, before, snapshot(item))
    return True


def claim(services: Services, principal: Principal, item_id: str) -> QueueRow:
    """Lease the item to the caller (renewing the caller's own live lease); 409 if someone else holds it."""
    now = services.clock()
    with services.store.write() as session:
        item, verification, name = find_row(session, principal, item_id, lock=True)
        state = effective_state(item, now)
        if state is ReviewState.DECIDED:
            raise AlreadyDecided()
        if state is ReviewState.CLAIMED and item.claimed_by != principal.key_id:
            raise AlreadyClaimed()
        if not _take_lease(session, services, principal, item, now):
            raise AlreadyClaimed()
        return QueueRow(item, verification, name, ReviewState.CLAIMED)


def claim_next(services: Services, principal: Principal, *, profession: str | None = None,
               reason: str | None = None, platform: str | None = None) -> QueueRow | None:
    """Lease the oldest open item matching the filters; None when the queue is empty.

    Reviewers racing for the same item each end up with a different one: a lost
    compare-and-set moves on to the next candidate (PostgreSQL skips locked rows, so it
    locks one candidate only: locking 20 would hide them all from the other reviewers).
    """
    now = services.clock()
    query = queue_query(principal, ReviewState.OPEN, now, profession=profession, reason=reason, platform=platform)
    with services.store.write() as session:
        if services.store.is_sqlite:
            query = query.limit(20)
        else:
            query = query.limit(1).with_for_update(of=ReviewItem, skip_locked=True)
        for item, verification, name in session.execute(query).all():
            if _take_lease(session, services, principal, item, now):
                return QueueRow(item, verification, name, ReviewState.CLAIMED)
    return None


def require_lease(item: ReviewItem, principal: Principal, now: datetime, fencing: int | None) -> None:
    """Refuse unless ``principal`` holds a live claim on ``item`` (under ``fencing``, if given)."""
    if item.state == ReviewState.DECIDED.value:
        raise AlreadyDecided()
    if effective_state(item, now) is not ReviewState.CLAIMED or item.claimed_by != principal.key_id:
        raise LeaseLost("Claim the case first; your lease may have lapsed or another reviewer holds it.")
    if fencing is not None and fencing != item.fencing:
        raise StaleFencingToken(f"The fencing token {fencing} is stale; the current claim is {item.fencing}.")


def release(services: Services, principal: Principal, item_id: str, fencing: int | None = None) -> QueueRow:
    """Give a claimed item back to the queue (only its holder, under a live lease)."""
    now = services.clock()
    with services.store.write() as session:
        item, verification, name = find_row(session, principal, item_id, lock=True)
        require_lease(item, principal, now, fencing)
        before = snapshot(item)
        item.state, item.claimed_by, item.lease_expires_at = ReviewState.OPEN.value, None, None
        audit_item(session, principal, "review.release", item, now, before, snapshot(item))
        return QueueRow(item, verification, name, ReviewState.OPEN)
