"""The review queue: items opened for needs_review verifications, listed oldest first with filters.

A claim whose lease lapsed counts as open again (``effective_state``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, cast, or_, select
from sqlalchemy.orm import Session, defer

from verify.crypto.at_rest import SEALED_COLUMNS
from verify.domain import ReviewState
from verify.errors import NotFound
from verify.services.context import Services
from verify.services.keys import Principal
from verify.store.models import Platform, ReviewItem, Verification


@dataclass(frozen=True)
class QueueRow:
    """An item with what the queue shows beside it; ``state`` counts a lapsed claim as open."""

    item: ReviewItem
    verification: Verification
    platform_name: str
    state: ReviewState


def open_review_item(session: Session, verification: Verification, now: datetime) -> None:
    """Queue a needs_review verification (once; a re-processed job keeps its item)."""
    existing = session.scalars(select(ReviewItem).where(ReviewItem.verification_id == verification.id)).first()
    if existing is not None:
        existing.state, existing.reasons, existing.decision = ReviewState.OPEN.value, list(verification.reasons), None
        return
    session.add(ReviewItem(
        id=uuid.uuid4().hex, verification_id=verification.id, platform_id=verification.platform_id,
        profession=verification.profession, reasons=list(verification.reasons), state=ReviewState.OPEN.value,
        fencing=0,
        created_at=now,
    ))


def _scope(principal: Principal) -> Any:
    return True if principal.sees_every_platform else ReviewItem.platform_id == principal.platform_id


def lapsed(now: datetime) -> Any:
    return and_(ReviewItem.state == ReviewState.CLAIMED.value, ReviewItem.lease_expires_at <= now)


def _in_state(state: ReviewState | str, now: datetime) -> Any:
    state = ReviewState(state)
    if state is ReviewState.OPEN:
        return or_(ReviewItem.state == ReviewState.OPEN.value, lapsed(now))
    if state is ReviewState.CLAIMED:
        return and_(ReviewItem.state == ReviewState.CLAIMED.value, ReviewItem.lease_expires_at > now)
    return ReviewItem.state == state.value


def effective_state(item: ReviewItem, now: datetime) -> ReviewState:
    """The item's state, a claim whose lease lapsed counted as open again."""
    state = ReviewState(item.state)
    if state is ReviewState.CLAIMED and item.lease_expires_at is not None and item.lease_expires_at <= now:
        return ReviewState.OPEN
    return state


def _like_literal(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def queue_query(principal: Principal, state: ReviewState | str, now: datetime, *, profession: str | None = None,
                 reason: str | None = None, platform: str | None = None) -> Any:
    query = (
        select(ReviewItem, Verification, Platform.name)
        .join(Verification, Verification.id == ReviewItem.verification_id)
        .join(Platform, Platform.id == ReviewItem.platform_id)
        .where(_scope(principal), _in_state(state, now))
        .order_by(ReviewItem.created_at, ReviewItem.id)
    )
    if profession:
        query = query.where(ReviewItem.profession == profession)
    if reason:  # the reasons are a JSON list of codes: match one whole quoted code
        query = query.where(cast(ReviewItem.reasons, String).like(f'%"{_like_literal(reason)}"%', escape="\\"))
    if platform:
        query = query.where(Platform.name == platform)
    return query


def list_items(
    services: Services, principal: Principal, state: ReviewState | str = ReviewState.OPEN, *,
    profession: str | None = None, reason: str | None = None, platform: str | None = None, limit: int = 100,
) -> list[QueueRow]:
    """Items in ``state``, oldest first, filtered by profession, reason code and platform name.

    A queue shows no personal data: the sealed columns are not loaded (nor opened, ~20 values a row).
    """
    now = services.clock()
    query = queue_query(principal, state, now, profession=profession, reason=reason, platform=platform)
    unopened = [defer(getattr(Verification, name), raiseload=True) for name in (*SEALED_COLUMNS, "fields")]
    with services.store.read() as session:
        rows = session.execute(query.options(*unopened).limit(limit)).all()
    return [QueueRow(item, verification, name, effective_state(item, now)) for item, verification, name in rows]


def find_row(session: Session, principal: Principal, item_id: str, *,
             lock: bool = False) -> tuple[ReviewItem, Verification, str]:
    """The item, its verification and platform name, in the caller's scope (``NotFound`` otherwise); ``lock``
    holds the item's row to the end of the transaction."""
    query = (
        select(ReviewItem, Verification, Platform.name)
        .join(Verification, Verification.id == ReviewItem.verification_id)
        .join(Platform, Platform.id == ReviewItem.platform_id)
        .where(ReviewItem.id == item_id, _scope(principal))
    )
    if lock:
        query = query.with_for_update(of=ReviewItem)
    row = session.execute(query).first()
    if row is None:
        raise NotFound("No such review item.")
    return row[0], row[1], row[2]
