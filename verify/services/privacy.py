"""Removing personal data: on request (``DELETE /v1/verifications/{id}``) and after retention.

Redaction removes, with plain UPDATEs and DELETEs that open nothing sealed (so a record whose
data failed its integrity check can still be redacted):

- every document's bytes *and its wrapped data key* (crypto-shredding: a copy of the blob in a
  backup can no longer be opened) and its SHA-256 (it identifies the document);
- the holder's name and ID number as the platform sent them, the credential number, and every
  extracted field but those that describe the credential rather than the person (``KEPT_FIELDS``);
- the keyed digests and page prints kept for noticing reuse (a live label keeps its own copy
  until it is revoked or expires: verify.services.reuse);
- what the reviewer wrote: the internal note and the message to the applicant (the platform then
  sees the reason code's own message);
- the answer kept for an ``Idempotency-Key`` replay (its fingerprint hashes the holder's data).

What stays is what the platform and the audit need: the verification's ids, account, profession,
status, kind, confidence, timestamps, the checks (codes, statuses and messages, which name rules,
never values), the reasons, the kept fields, the label, the review item's decision, reason code,
reviewer and times, each document's position, media type and size, and the audit log (which holds
free text only as a SHA-256). Only a decided verification is redacted; one still being read or
reviewed answers ``NotDecided``.

Retention: ``purge_expired`` redacts every verification decided more than
``retention_days`` ago, and drops the answers kept for ``Idempotency-Key`` replays once
their ``idempotency_key_hours`` have passed; the job runner calls it every
``purge_interval_seconds`` and ``flask purge`` on demand.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from verify import audit
from verify.domain import VerificationStatus
from verify.errors import NotDecided, NotFound
from verify.services.context import Services
from verify.services.keys import Principal
from verify.services.verifications import forget_idempotency_keys
from verify.store.models import Document, IdempotencyRecord, ReviewItem, Verification

log = logging.getLogger(__name__)

#: Extracted fields that describe the credential rather than the person; all others are removed.
KEPT_FIELDS = frozenset({"level", "category", "scope", "subject", "issuer"})
DECIDED = (VerificationStatus.APPROVED.value, VerificationStatus.REJECTED.value)
_BATCH = 200


def _redact(session: Session, verification_id: str, platform_id: str, *, actor: str, reason: str,
            now: datetime) -> bool:
    """Redact one verification in ``session``; False when it was already redacted (or vanished)."""
    fields = session.scalars(select(Verification.fields).where(Verification.id == verification_id)).first()
    kept: dict[str, Any] = {k: v for k, v in (fields or {}).items() if k in KEPT_FIELDS}
    changed = session.execute(
        update(Verification)
        .where(Verification.id == verification_id, Verification.redacted_at.is_(None))
        .values(holder_name=None, holder_id_number=None, number=None, fields=kept, credential_digest=None,
                holder_digest=None, image_prints=None, redacted_at=now, updated_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if changed != 1:
        return False
    documents = session.execute(
        update(Document).where(Document.verification_id == verification_id)
        .values(content=None, wrapped_key=None, sha256="", purged_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    session.execute(update(ReviewItem).where(ReviewItem.verification_id == verification_id)
                    .values(note=None, message=None), execution_options={"synchronize_session": False})
    session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.verification_id == verification_id),
                    execution_options={"synchronize_session": False})
    audit.record(session, actor=actor, action="verification.redact", subject_type="verification",
                 subject_id=verification_id, platform_id=platform_id, now=now,
                 after={"reason": reason, "documents": documents})
    return True


def redact(services: Services, principal: Principal, verification_id: str) -> None:
    """Redact a verification of the caller's platform (any for an admin key of every platform); ``NotFound`` for
    another's."""
    now = services.clock()
    with services.store.write() as session:
        scope = True if principal.sees_every_platform else Verification.platform_id == principal.platform_id
        row = session.execute(
            select(Verification.platform_id, Verification.status, Verification.redacted_at)
            .where(Verification.id == verification_id, scope)
        ).first()
        if row is None:
            raise NotFound("No such verification.")
        platform_id, status, redacted_at = row
        if redacted_at is not None:
            return
        if status not in DECIDED:
            raise NotDecided("Personal data can be removed once the verification is decided; try again later.")
        _redact(session, verification_id, platform_id, actor=principal.key_id, reason="request", now=now)
    log.info("verification %s redacted on request", verification_id)


def purge_expired(services: Services) -> int:
    """Redact every verification decided more than ``retention_days`` ago; returns how many."""
    now = services.clock()
    cutoff = now - timedelta(days=services.settings.retention_days)
    decided_at = func.coalesce(ReviewItem.decided_at, Verification.finished_at)
    query = (
        select(Verification.id, Verification.platform_id)
        .outerjoin(ReviewItem, ReviewItem.verification_id == Verification.id)
        .where(Verification.redacted_at.is_(None), Verification.status.in_(DECIDED), decided_at <= cutoff)
        .order_by(Verification.created_at)
        .limit(_BATCH)
    )
    with services.store.write() as session:
        forget_idempotency_keys(session, now - timedelta(hours=services.settings.idempotency_key_hours))
    purged = 0
    while True:
        with services.store.write() as session:
            rows = session.execute(query).all()
            done = sum(_redact(session, vid, pid, actor="retention", reason="retention", now=now) for vid, pid in rows)
        purged += done
        if len(rows) < _BATCH or not done:
            break
    if purged:
        log.info("retention: purged the personal data of %d verification(s)", purged)
    return purged
