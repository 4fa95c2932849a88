"""Submitting verifications and reading them back, scoped to the caller's platform.

A submission and its document parts are committed in one transaction before the
caller gets its 202, so an acknowledged submission is never lost.

``Idempotency-Key`` (scoped per platform: another platform's identical key is another
key) replays the first answer for the same request and refuses a different one (409).
The key is recorded in the transaction that stores the submission, and a request looks
for it again inside its own write transaction, so of concurrent requests with one key
exactly one stores a verification and the others replay its answer: on SQLite the
writers queue (``BEGIN IMMEDIATE``), on PostgreSQL the second insert of the key waits
for the first and fails, and is then answered with the replay. A key is forgotten
``idempotency_key_hours`` after its first request; then it is a new key.

While the OCR engine (Tesseract with ``chi_sim``) is unavailable, submissions are
refused with ``OcrUnavailable`` (503) rather than acknowledged as work that cannot be
done; a replay of an answer already given still answers. A service configured with
``VERIFY_OCR_ENGINE=none`` reads text-layer PDFs only and takes every upload.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from verify.config import Limits
from verify.crypto.cursor import Cursors
from verify.domain import Holder, Profession, VerificationStatus
from verify.errors import (
    BadRequest,
    FileTooLarge,
    IdempotencyKeyReused,
    InvalidCursor,
    InvalidRequest,
    NotFound,
    OcrUnavailable,
    ResubmissionLimit,
    ResubmissionRefused,
)
from verify.reading.intake import check_part
from verify.services import reuse
from verify.services.context import Services
from verify.services.keys import Principal
from verify.services.quota import check_account_quota
from verify.store.db import hold_lock
from verify.store.models import Document, IdempotencyRecord, Label, ReviewItem, Verification


@dataclass(frozen=True)
class UploadPart:
    data: bytes
    filename: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Submission:
    account_id: str
    profession: Profession
    holder: Holder
    parts: Sequence[UploadPart]
    resubmission_of: str | None = None  # a rejected verification this one resubmits

    def fingerprint(self) -> str:
        """A digest of everything that makes two requests 'the same request'."""
        digest = hashlib.sha256()
        head = [self.account_id, self.profession.value, self.holder.name, self.holder.id_number]
        if self.resubmission_of:
            head.append(self.resubmission_of)
        digest.update(json.dumps(head).encode())
        for part in self.parts:
            digest.update(hashlib.sha256(part.data).digest())
        return digest.hexdigest()


@dataclass(frozen=True)
class Record:
    """A verification with its label and its review item (if any), as the API shows it."""

    verification: Verification
    label: Label | None
    review: ReviewItem | None = None


@dataclass(frozen=True)
class Accepted:
    """The answer to a submission: a new record, or the replay of the first answer."""

    record: Record | None
    replay: dict[str, Any] | None = None


def _checked_part(part: UploadPart, limits: Limits) -> str:
    """The part's media type by its bytes; its declared content type and its file name's extension must agree.

    The file name is used for nothing else: it is neither stored nor ever part of a path.
    """
    media_type = check_part(part.data, limits, part.content_type)
    if part.filename:
        check_part(part.data, limits, part.filename)
    return str(media_type)


def _scoped(principal: Principal) -> Any:
    return True if principal.sees_every_platform else Verification.platform_id == principal.platform_id


def _replay(session: Session, principal: Principal, key: str, fingerprint: str,
            forget_before: datetime, *, drop_expired: bool = False) -> dict[str, Any] | None:
    """The stored first answer for ``key``; None for a new key or one older than ``forget_before``.

    ``drop_expired`` (in a write session) deletes an expired record, so the key can be recorded afresh.
    """
    stored = session.get(IdempotencyRecord, (principal.platform_id, key))
    if stored is None:
        return None
    if stored.created_at <= forget_before:
        if drop_expired:
            session.delete(stored)
            session.flush()
        return None
    if stored.request_hash != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was used with a different request.")
    return stored.response


def forget_idempotency_keys(session: Session, before: datetime) -> int:
    """Drop the answers kept for Idempotency-Key replays that are older than ``before``; returns how many."""
    return session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at <= before),
        execution_options={"synchronize_session": False},
    ).rowcount


def _resubmits(session: Session, principal: Principal, submission: Submission, max_resubmissions: int) -> str:
    """The id of the rejected verification ``submission`` may resubmit; refuses past the cap.

    Only a rejected case of the same platform, account and profession, not resubmitted
    already, with fewer than ``max_resubmissions`` resubmissions before it.
    """
    field = "resubmission_of"
    previous = session.get(Verification, submission.resubmission_of)
    if previous is None or previous.platform_id != principal.platform_id:
        raise InvalidRequest(errors={field: ["No such verification."]})
    if previous.account_id != submission.account_id or previous.profession != submission.profession.value:
        raise InvalidRequest(errors={field: ["That verification is for another account or profession."]})
    if previous.status != VerificationStatus.REJECTED.value:
        raise ResubmissionRefused("Only a rejected verification can be resubmitted.")
    later = session.scalars(select(Verification.id).where(Verification.previous_id == previous.id)).first()
    if later is not None:
        raise ResubmissionRefused(f"This verification was already resubmitted as {later}; resubmit that one.")
    earlier, cursor = 0, previous.previous_id
    while cursor is not None and earlier < max_resubmissions:
        earlier += 1
        cursor = session.scalars(select(Verification.previous_id).where(Verification.id == cursor)).first()
    if earlier >= max_resubmissions:
        raise ResubmissionLimit(f"A rejected case may be resubmitted at most {max_resubmissions} times.")
    return previous.id


def submit(
    services: Services,
    principal: Principal,
    submission: Submission,
    *,
    idempotency_key: str | None = None,
    render: Callable[[Record], dict[str, Any]],
) -> Accepted:
    """Check the parts (type allowlist, size), then store the submission for processing.

    ``submission.resubmission_of`` links a new attempt to a rejected case (``previous_id``).
    ``render`` is the answer an ``Idempotency-Key`` replays (the API's view of the record as stored).
    Raises the intake's ``DocumentError`` family, ``IdempotencyKeyReused``, ``OcrUnavailable``
    (503, nothing stored), ``QuotaExceeded``, and from the store ``DatabaseUnavailable`` or ``StorageFull``.
    The holder's ID number is stored with its keyed digest (verify.services.reuse).
    """
    settings, store, now = services.settings, services.store, services.clock()
    limits = settings.limits
    if not submission.parts:
        raise BadRequest("Attach the document as a multipart part named 'document'.")
    if len(submission.parts) > limits.max_parts:
        raise FileTooLarge(f"At most {limits.max_parts} document parts per submission.")
    media_types = [_checked_part(p, limits) for p in submission.parts]
    fingerprint = submission.fingerprint()
    forget_before = now - timedelta(hours=settings.idempotency_key_hours)
    if idempotency_key:
        with store.read() as session:
            replay = _replay(session, principal, idempotency_key, fingerprint, forget_before)
        if replay is not None:
            return Accepted(None, replay)
    if not services.ocr.check_available():
        raise OcrUnavailable("Text recognition is not available right now; nothing was stored, try again later.")
    verification = Verification(
        id=uuid.uuid4().hex, platform_id=principal.platform_id, account_id=submission.account_id,
        profession=submission.profession.value, status=VerificationStatus.PENDING.value,
        holder_name=submission.holder.name, holder_id_number=submission.holder.id_number,
        fields={}, checks=[], reasons=[], attempts=0, created_at=now, updated_at=now,
        holder_digest=reuse.holder_digest(services.lookup_key(), submission.holder, now.date()),
    )
    record = Record(verification, None)
    try:
        with store.write() as session:
            # Concurrent submissions for one account (quota, resubmission chain) or with one key go one at a time.
            hold_lock(session, f"account:{principal.platform_id}:{submission.account_id}")
            if idempotency_key:  # again, in the write transaction: a concurrent first request may have committed
                hold_lock(session, f"idempotency:{principal.platform_id}:{idempotency_key}")
                replay = _replay(session, principal, idempotency_key, fingerprint, forget_before, drop_expired=True)
                if replay is not None:
                    return Accepted(None, replay)
            check_account_quota(session, principal.platform_id, submission.account_id,
                                sum(len(p.data) for p in submission.parts), limits, now)
            if submission.resubmission_of:
                verification.previous_id = _resubmits(session, principal, submission, settings.max_resubmissions)
            session.add(verification)
            session.flush()  # the parent row first: documents reference it
            for position, (part, media_type) in enumerate(zip(submission.parts, media_types, strict=True)):
                session.add(Document(
                    id=uuid.uuid4().hex, verification_id=verification.id, position=position,
                    media_type=str(media_type), size=len(part.data),
                    sha256=hashlib.sha256(part.data).hexdigest(), content=part.data,
                ))
            if idempotency_key:
                session.add(IdempotencyRecord(
                    platform_id=principal.platform_id, key=idempotency_key, request_hash=fingerprint,
                    verification_id=verification.id, status_code=202, response=render(record),
                    created_at=now,
                ))
    except IntegrityError:
        if not idempotency_key:
            raise
        with store.read() as session:  # a concurrent request with the same key won the race
            replay = _replay(session, principal, idempotency_key, fingerprint, forget_before)
        if replay is None:
            raise
        return Accepted(None, replay)
    return Accepted(record)


def get(services: Services, principal: Principal, verification_id: str) -> Record:
    """One verification; another platform's id answers NotFound like a missing one."""
    with services.store.read() as session:
        row = session.execute(
            select(Verification, Label, ReviewItem)
            .outerjoin(Label, Label.verification_id == Verification.id)
            .outerjoin(ReviewItem, ReviewItem.verification_id == Verification.id)
            .where(Verification.id == verification_id, _scoped(principal))
        ).first()
    if row is None:
        raise NotFound("No such verification.")
    return Record(*row)


def _encode_cursor(cursors: Cursors, principal: Principal, row: Verification) -> str:
    return cursors.seal(f"{row.created_at.isoformat()}|{row.id}", principal.platform_id)


def _decode_cursor(cursors: Cursors, principal: Principal, cursor: str) -> tuple[datetime, str]:
    created, _, verification_id = cursors.open(cursor, principal.platform_id).partition("|")
    try:
        return datetime.fromisoformat(created), verification_id
    except ValueError as exc:
        raise InvalidCursor("The cursor is not valid for this key.") from exc


def list_records(
    services: Services, principal: Principal, *, account_id: str | None, status: str | None, limit: int,
    cursor: str | None, cursors: Cursors,
) -> tuple[list[Record], str | None]:
    """Newest first, ``limit`` at a time; returns the page and the cursor of the next one.

    Cursors are opaque and bound to the caller's platform (``verify.crypto.cursor``): another
    platform's cursor, or an edited one, is ``InvalidCursor``.
    """
    query = (
        select(Verification, Label, ReviewItem)
        .outerjoin(Label, Label.verification_id == Verification.id)
        .outerjoin(ReviewItem, ReviewItem.verification_id == Verification.id)
        .where(_scoped(principal))
        .order_by(Verification.created_at.desc(), Verification.id.desc())
        .limit(limit + 1)
    )
    if account_id is not None:
        query = query.where(Verification.account_id == account_id)
    if status is not None:
        query = query.where(Verification.status == status)
    if cursor:
        created, last_id = _decode_cursor(cursors, principal, cursor)
        query = query.where(or_(
            Verification.created_at < created,
            and_(Verification.created_at == created, Verification.id < last_id),
        ))
    with services.store.read() as session:
        rows = session.execute(query).all()
    records = [Record(*row) for row in rows[:limit]]
    next_cursor = _encode_cursor(cursors, principal, records[-1].verification) if len(rows) > limit else None
    return records, next_cursor
