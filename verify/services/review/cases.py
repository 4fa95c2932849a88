"""One review case as the reviewer sees it: the item, its documents, earlier submissions and history.

Viewing a case is audited (``review.view``); showing its personal data in full needs a reason and is
audited too (``review.reveal``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from verify import audit
from verify.errors import InvalidRequest
from verify.services.context import Services
from verify.services.keys import Principal
from verify.services.review.leases import audit_item
from verify.services.review.queue import QueueRow, effective_state, find_row
from verify.store.models import AuditEvent, Document, Label, ReviewItem, Verification

REVEAL_REASON_MAX = 500


@dataclass(frozen=True)
class DocumentPart:
    position: int
    media_type: str
    sha256: str
    content: bytes | None  # None once purged


@dataclass(frozen=True)
class PreviousCase:
    """An earlier, rejected submission of the same case (the ``previous_id`` chain)."""

    verification: Verification
    item: ReviewItem | None


@dataclass(frozen=True)
class Case:
    row: QueueRow
    label: Label | None
    parts: list[DocumentPart]
    previous: list[PreviousCase]
    history: list[AuditEvent]
    revealed: bool = False  # personal data shown in full: only after an audited reveal with a reason


def _previous_cases(session: Session, verification: Verification, limit: int) -> list[PreviousCase]:
    chain: list[PreviousCase] = []
    previous_id = verification.previous_id
    while previous_id and len(chain) < limit:
        earlier = session.get(Verification, previous_id)
        if earlier is None or earlier.platform_id != verification.platform_id:
            break
        item = session.scalars(select(ReviewItem).where(ReviewItem.verification_id == earlier.id)).first()
        chain.append(PreviousCase(earlier, item))
        previous_id = earlier.previous_id
    return chain


def _parts(session: Session, verification_id: str) -> list[DocumentPart]:
    query = select(Document).where(Document.verification_id == verification_id).order_by(Document.position)
    return [DocumentPart(d.position, d.media_type, d.sha256, d.content) for d in session.scalars(query)]


def get_case(services: Services, principal: Principal, item_id: str, *, reveal_reason: str | None = None) -> Case:
    """Everything a reviewer needs to decide one item; the view itself is audited (``review.view``).

    Personal data stays masked in what the case is shown as unless ``reveal_reason`` is given:
    then the case is ``revealed`` and a ``review.reveal`` audit entry records who, when and why.
    """
    now = services.clock()
    if reveal_reason is not None:
        reveal_reason = reveal_reason.strip()
        if not reveal_reason or len(reveal_reason) > REVEAL_REASON_MAX:
            raise InvalidRequest(f"A reveal needs a reason of 1 to {REVEAL_REASON_MAX} characters.")
    with services.store.write() as session:
        item, verification, name = find_row(session, principal, item_id)
        if reveal_reason is not None:
            audit_item(session, principal, "review.reveal", item, now, None,  # free text: only its digest
                   {"verification_id": verification.id, "reason_sha256": audit.digest(reveal_reason)})
        label = session.scalars(select(Label).where(Label.verification_id == verification.id)).first()
        parts = _parts(session, verification.id)
        previous = _previous_cases(session, verification, services.settings.max_resubmissions + 1)
        audit_item(session, principal, "review.view", item, now, None, {"verification_id": verification.id})
        subjects = [item.id, verification.id, *([label.id] if label else [])]
        history = list(session.scalars(
            select(AuditEvent).where(AuditEvent.subject_id.in_(subjects),
                                     AuditEvent.action != "review.view")
            .order_by(AuditEvent.id)
        ))
        return Case(QueueRow(item, verification, name, effective_state(item, now)), label, parts, previous,
                    history, revealed=reveal_reason is not None)


def case_parts(services: Services, principal: Principal, item_id: str) -> list[DocumentPart]:
    """The uploaded parts of an item's submission, in order (scoped like the item)."""
    with services.store.read() as session:
        _item, verification, _name = find_row(session, principal, item_id)
        return _parts(session, verification.id)
