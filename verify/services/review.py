"""The manual verification queue: open items, leased claims, decisions.

A claim is a lease: one reviewer holds an item until the lease lapses
(``review_lease_seconds``, 15 minutes by default). Each claim increments the item's
``fencing`` number with a compare-and-set UPDATE, so of two reviewers claiming at once
exactly one wins, and a decision sent under an older claim (its ``fencing`` no longer
current) or a lapsed one is refused. Approval issues the label through the same code
path as automatic approval (``issue_for_verification``). Every claim, release, decision
and case view is written to the audit log in the same transaction.

>>> REASONS["name_mismatch"].decision
'reject'
>>> APPROVE_REASONS
('documents_consistent', 'confirmed_by_official_lookup', 'name_difference_explained')
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, cast, or_, select, update
from sqlalchemy.orm import Session, defer

from verify import audit
from verify.crypto.at_rest import SEALED_COLUMNS
from verify.domain import VerificationStatus
from verify.errors import (
    AlreadyClaimed,
    AlreadyDecided,
    Conflict,
    InvalidRequest,
    LeaseLost,
    NotFound,
    StaleFencingToken,
)
from verify.services import webhooks
from verify.services.context import Services
from verify.services.keys import Principal
from verify.services.labels import issue_for_verification
from verify.store.models import AuditEvent, Document, Label, Platform, ReviewItem, Verification


@dataclass(frozen=True)
class ReasonCode:
    """A documented reason for a decision: its code, what it means, the applicant's default message."""

    code: str
    decision: str  # approve | reject
    title: str  # for reviewers
    message: str  # shown to the applicant unless the reviewer writes another
    note_required: bool = False


_APPROVED = "您的资质材料已通过人工审核。"
#: The reason codes a reviewer picks from (README documents them).
REASON_CODES: tuple[ReasonCode, ...] = (
    ReasonCode("documents_consistent", "approve", "材料与识别信息一致，核对无误", _APPROVED),
    ReasonCode("confirmed_by_official_lookup", "approve", "已在官方平台查询核实", _APPROVED),
    ReasonCode("name_difference_explained", "approve", "姓名差异已核实（曾用名、繁简体、少数民族译名等）",
               _APPROVED),
    ReasonCode("forged_or_altered", "reject", "疑似伪造或篡改",
               "您提交的材料未通过审核。请上传证书原件的清晰照片或扫描件。"),
    ReasonCode("wrong_document", "reject", "不是所需证书（证书类型或职业不符）",
               "您提交的材料不是所选职业需要的证书，请上传执业证书或资格证书。"),
    ReasonCode("unreadable", "reject", "无法辨认（模糊、遮挡或不完整）",
               "证书图片不够清晰或不完整，请拍摄完整、清晰的证书页面后重新提交。"),
    ReasonCode("name_mismatch", "reject", "证书姓名与账号实名信息不符",
               "证书上的姓名与账号实名信息不一致。如曾改名，请一并提供改名证明。"),
    ReasonCode("id_mismatch", "reject", "证件号码与账号实名信息不符",
               "证书上的身份证号与账号实名信息不一致。"),
    ReasonCode("expired_or_revoked", "reject", "证书已过期、注销或吊销",
               "该证书已不在有效期内或已失效，请提交有效的证书。"),
    ReasonCode("not_found_in_registry", "reject", "官方平台查无此证",
               "未能在官方平台查询到该证书信息，请核对后重新提交。"),
    ReasonCode("not_a_professional_credential", "reject", "非执业或资格证书（如工作证、毕业证）",
               "您提交的材料不是执业证书或资格证书，请上传相应证书。"),
    ReasonCode("other", "reject", "其他（须在内部备注中说明）", "您提交的材料未通过审核，请检查后重新提交。",
               note_required=True),
)
REASONS: dict[str, ReasonCode] = {reason.code: reason for reason in REASON_CODES}
APPROVE_REASONS = tuple(r.code for r in REASON_CODES if r.decision == "approve")
REJECT_REASONS = tuple(r.code for r in REASON_CODES if r.decision == "reject")
DECISIONS = ("approve", "reject")
STATES = ("open", "claimed", "decided")
NOTE_MAX, MESSAGE_MAX, REVEAL_REASON_MAX = 2000, 500, 500


@dataclass(frozen=True)
class QueueRow:
    """An item with what the queue shows beside it; ``state`` counts a lapsed claim as open."""

    item: ReviewItem
    verification: Verification
    platform_name: str
    state: str


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


@dataclass(frozen=True)
class Decided:
    row: QueueRow
    label: Label | None


def internal_note(item: ReviewItem) -> str | None:
    """The reviewer's internal note (never shown to platforms)."""
    return item.note


def applicant_message(item: ReviewItem) -> str | None:
    """The user-safe message for the applicant: the reviewer's, else (none written, or removed with the
    personal data) the reason code's own."""
    reason = REASONS.get(item.reason_code or "")
    return item.message or (reason.message if reason else None)


def applicant_review(item: ReviewItem | None) -> dict[str, Any] | None:
    """What a platform sees of a decided review: decision, reason code, message, when."""
    if item is None or item.state != "decided":
        return None
    return {"decision": item.decision, "reason_code": item.reason_code, "message": applicant_message(item),
            "decided_at": item.decided_at}


# --- queue ----------------------------------------------------------------------------
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


def _scope(principal: Principal) -> Any:
    return True if principal.sees_every_platform else ReviewItem.platform_id == principal.platform_id


def _lapsed(now: datetime) -> Any:
    return and_(ReviewItem.state == "claimed", ReviewItem.lease_expires_at <= now)


def _in_state(state: str, now: datetime) -> Any:
    if state == "open":
        return or_(ReviewItem.state == "open", _lapsed(now))
    if state == "claimed":
        return and_(ReviewItem.state == "claimed", ReviewItem.lease_expires_at > now)
    return ReviewItem.state == state


def effective_state(item: ReviewItem, now: datetime) -> str:
    """``open``, ``claimed`` or ``decided``; a claim whose lease lapsed is open again."""
    if item.state == "claimed" and item.lease_expires_at is not None and item.lease_expires_at <= now:
        return "open"
    return item.state


def _like_literal(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _queue_query(principal: Principal, state: str, now: datetime, *, profession: str | None = None,
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
    services: Services, principal: Principal, state: str = "open", *, profession: str | None = None,
    reason: str | None = None, platform: str | None = None, limit: int = 100,
) -> list[QueueRow]:
    """Items in ``state``, oldest first, filtered by profession, reason code and platform name.

    A queue shows no personal data: the sealed columns are not loaded (nor opened, ~20 values a row).
    """
    now = services.clock()
    query = _queue_query(principal, state, now, profession=profession, reason=reason, platform=platform)
    unopened = [defer(getattr(Verification, name), raiseload=True) for name in (*SEALED_COLUMNS, "fields")]
    with services.store.read() as session:
        rows = session.execute(query.options(*unopened).limit(limit)).all()
    return [QueueRow(item, verification, name, effective_state(item, now)) for item, verification, name in rows]


def _row(session: Session, principal: Principal, item_id: str, *, lock: bool = False) -> tuple[ReviewItem,
                                                                                                  Verification, str]:
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


def _snapshot(item: ReviewItem) -> dict[str, Any]:
    return {"state": item.state, "claimed_by": item.claimed_by, "fencing": item.fencing,
            "lease_expires_at": item.lease_expires_at.isoformat() if item.lease_expires_at else None}


def _audit(session: Session, principal: Principal, action: str, item: ReviewItem, now: datetime,
           before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    audit.record(session, actor=principal.key_id, action=action, subject_type="review_item", subject_id=item.id,
                 now=now, platform_id=item.platform_id, before=before, after=after)


def _take_lease(session: Session, services: Services, principal: Principal, item: ReviewItem,
                now: datetime) -> bool:
    """Compare-and-set the claim on ``item``; False when another claim got there first."""
    expires = now + timedelta(seconds=services.settings.review_lease_seconds)
    still_claimable = or_(ReviewItem.state == "open", _lapsed(now),
                          and_(ReviewItem.state == "claimed", ReviewItem.claimed_by == principal.key_id))
    result = session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item.id, ReviewItem.fencing == item.fencing, still_claimable)
        .values(state="claimed", claimed_by=principal.key_id, fencing=item.fencing + 1, lease_expires_at=expires),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        return False
    before = _snapshot(item)
    session.refresh(item)
    _audit(session, principal, "review.claim", item, now, before, _snapshot(item))
    return True


def claim(services: Services, principal: Principal, item_id: str) -> QueueRow:
    """Lease the item to the caller (renewing the caller's own live lease); 409 if someone else holds it."""
    now = services.clock()
    with services.store.write() as session:
        item, verification, name = _row(session, principal, item_id, lock=True)
        state = effective_state(item, now)
        if state == "decided":
            raise AlreadyDecided()
        if state == "claimed" and item.claimed_by != principal.key_id:
            raise AlreadyClaimed()
        if not _take_lease(session, services, principal, item, now):
            raise AlreadyClaimed()
        return QueueRow(item, verification, name, "claimed")


def claim_next(services: Services, principal: Principal, *, profession: str | None = None,
               reason: str | None = None, platform: str | None = None) -> QueueRow | None:
    """Lease the oldest open item matching the filters; None when the queue is empty.

    Reviewers racing for the same item each end up with a different one: a lost
    compare-and-set moves on to the next candidate (PostgreSQL skips locked rows, so it
    locks one candidate only: locking 20 would hide them all from the other reviewers).
    """
    now = services.clock()
    query = _queue_query(principal, "open", now, profession=profession, reason=reason, platform=platform)
    with services.store.write() as session:
        if services.store.is_sqlite:
            query = query.limit(20)
        else:
            query = query.limit(1).with_for_update(of=ReviewItem, skip_locked=True)
        for item, verification, name in session.execute(query).all():
            if _take_lease(session, services, principal, item, now):
                return QueueRow(item, verification, name, "claimed")
    return None


def _require_lease(item: ReviewItem, principal: Principal, now: datetime, fencing: int | None) -> None:
    if item.state == "decided":
        raise AlreadyDecided()
    if effective_state(item, now) != "claimed" or item.claimed_by != principal.key_id:
        raise LeaseLost("Claim the case first; your lease may have lapsed or another reviewer holds it.")
    if fencing is not None and fencing != item.fencing:
        raise StaleFencingToken(f"The fencing token {fencing} is stale; the current claim is {item.fencing}.")


def release(services: Services, principal: Principal, item_id: str, fencing: int | None = None) -> QueueRow:
    """Give a claimed item back to the queue (only its holder, under a live lease)."""
    now = services.clock()
    with services.store.write() as session:
        item, verification, name = _row(session, principal, item_id, lock=True)
        _require_lease(item, principal, now, fencing)
        before = _snapshot(item)
        item.state, item.claimed_by, item.lease_expires_at = "open", None, None
        _audit(session, principal, "review.release", item, now, before, _snapshot(item))
        return QueueRow(item, verification, name, "open")


def _retried(item: ReviewItem, principal: Principal, decision: str, reason_code: str,
             fencing: int | None) -> bool:
    """Whether a decision request repeats the one already taken (a double click, a network retry)."""
    return (item.state == "decided" and item.decided_by == principal.key_id and item.decision == decision
            and item.reason_code == reason_code and fencing in (None, item.fencing))


def _check_reason(decision: str, reason_code: str, note: str | None) -> ReasonCode:
    reason = REASONS.get(reason_code)
    if reason is None or reason.decision != decision:
        allowed = APPROVE_REASONS if decision == "approve" else REJECT_REASONS
        raise InvalidRequest("reason_code is not in the documented list for this decision.",
                             errors={"reason_code": [f"one of: {', '.join(allowed)}"]})
    if reason.note_required and not (note or "").strip():
        raise InvalidRequest("This reason code needs an internal note.", errors={"note": ["required"]})
    return reason


def decide(
    services: Services, principal: Principal, item_id: str, *, decision: str, reason_code: str,
    note: str | None = None, message: str | None = None, fencing: int | None = None,
) -> Decided:
    """Approve (issuing the label) or reject a claimed item; only under the caller's live lease.

    ``fencing``, when given, must be the current claim's number. Repeating the decision
    just taken answers it again without a second label.
    """
    reason = _check_reason(decision, reason_code, note)
    message = (message or "").strip() or reason.message
    now = services.clock()
    with services.store.write() as session:
        item, verification, name = _row(session, principal, item_id, lock=True)
        label = session.scalars(select(Label).where(Label.verification_id == verification.id)).first()
        if _retried(item, principal, decision, reason_code, fencing):
            return Decided(QueueRow(item, verification, name, "decided"), label)
        _require_lease(item, principal, now, fencing)
        before = {**_snapshot(item), "verification_status": verification.status}
        status = VerificationStatus.REJECTED
        if decision == "approve":
            label = label or (issue_for_verification(services, session, verification, now, actor=principal.key_id)
                              if verification.kind is not None else None)
            if label is None:
                raise Conflict("No label exists for this credential; reject the case or correct its kind.")
            status = VerificationStatus.APPROVED
        verification.status, verification.updated_at = status.value, now
        verification.reasons = [f"review.{reason_code}"]
        item.state, item.decision, item.reason_code = "decided", decision, reason_code
        item.note, item.message = note, message
        item.decided_by, item.decided_at, item.lease_expires_at = principal.key_id, now, None
        session.flush()
        _audit(session, principal, "review.decide", item, now, before, {
            **_snapshot(item), "decision": decision, "reason_code": reason_code,
            "verification_status": status.value, "label_id": label.id if label else None,
            "note_sha256": audit.digest(note), "message_sha256": audit.digest(message),
        })
        webhooks.verification_decided(services, session, verification, decided_by="reviewer", now=now)
        return Decided(QueueRow(item, verification, name, "decided"), label)


# --- one case -------------------------------------------------------------------------
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
        item, verification, name = _row(session, principal, item_id)
        if reveal_reason is not None:
            _audit(session, principal, "review.reveal", item, now, None,  # free text: only its digest
                   {"verification_id": verification.id, "reason_sha256": audit.digest(reveal_reason)})
        label = session.scalars(select(Label).where(Label.verification_id == verification.id)).first()
        parts = _parts(session, verification.id)
        previous = _previous_cases(session, verification, services.settings.max_resubmissions + 1)
        _audit(session, principal, "review.view", item, now, None, {"verification_id": verification.id})
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
        _item, verification, _name = _row(session, principal, item_id)
        return _parts(session, verification.id)
