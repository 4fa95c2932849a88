"""Issuing a label when a verification is approved (automatically or by a reviewer), and superseding.

A label expires after ``label_lifetime_days``. A new label supersedes the older live labels of the
same account on the same platform *in the same domain* (a renewed 医师执业证书 replaces the old
medical label; a teacher label does not touch a legal one): they are revoked with reason
``superseded``. Each label gets a random, never reused global ``status_index`` (the unique column
makes a double allocation fail; a savepoint retries it) and carries ``status.status_list {idx, uri}``.
The issue and each superseding are audited in the caller's transaction.
"""

from __future__ import annotations

import random
import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from verify import audit
from verify.domain import CredentialKind
from verify.labels.status_list import locate, status_list_uri
from verify.labels.table import UnknownLabel, label_text, with_workplace
from verify.labels.tokens import issue_label
from verify.services import reuse, webhooks
from verify.services.context import Services
from verify.services.labels.caches import after_commit
from verify.services.labels.state import SUBJECT, state
from verify.store.models import Label, Platform, Verification
from verify.stored import fields_from_stored

SUPERSEDED = "superseded"
_INDEX_PICKS = 8  # random picks in one status list before trying the next list
_INSERT_TRIES = 3
_random = secrets.SystemRandom()


def issue_for_verification(services: Services, session: Session, verification: Verification, now: datetime,
                           *, actor: str = "system") -> Label | None:
    """Sign and store the label of an approved verification; None if the label table has no row for it.

    Runs in the caller's write transaction: allocates a status index, supersedes the older
    live labels of the account on the platform in the same domain, and audits both as
    ``actor`` (an API key id, or ``system`` for automatic approval).
    """
    kind = CredentialKind(verification.kind)
    values = {name: field.value for name, field in fields_from_stored(verification.fields).items()}
    try:
        text = with_workplace(label_text(kind, values), values)
    except UnknownLabel:
        return None
    platform = session.get(Platform, verification.platform_id)
    assert platform is not None
    settings = services.settings
    issued_at = now.replace(microsecond=0)  # the token's iat is whole seconds; keep the row equal to it
    expires_at = issued_at + timedelta(days=settings.label_lifetime_days)
    label_id = uuid.uuid4().hex
    older = _live_in_domain(session, verification, text.domain, issued_at)
    for attempt in range(_INSERT_TRIES):
        index = allocate_status_index(session, settings.status_list_size)
        number, idx = locate(index, settings.status_list_size)
        token = issue_label(
            services.keyring, issuer=settings.issuer, platform=platform.name, account_id=verification.account_id,
            label_id=label_id, kind=kind, text=text, issued_at=issued_at, expires_at=expires_at,
            status={"status_list": {"idx": idx, "uri": status_list_uri(settings.issuer, number)}},
        )
        label = Label(
            id=label_id, verification_id=verification.id, platform_id=verification.platform_id,
            account_id=verification.account_id, kind=kind.value, domain=text.domain, title=text.title,
            display=text.display, token=token, kid=services.keyring.current.kid, issued_at=issued_at,
            expires_at=expires_at, status_index=index,
        )
        try:
            with session.begin_nested():
                session.add(label)
        except IntegrityError:  # another transaction took the index first (PostgreSQL); pick again
            if attempt == _INSERT_TRIES - 1:
                raise
            continue
        break
    audit.record(session, actor=actor, action="label.issue", subject_type=SUBJECT, subject_id=label.id,
                 now=issued_at, platform_id=label.platform_id, before=None, after={
                     "state": "active", "verification_id": verification.id, "kind": label.kind,
                     "display": label.display, "kid": label.kid, "status_index": index,
                     "expires_at": expires_at.isoformat(),
                 })
    _supersede(services, session, label, older, actor)
    reuse.remember(session, label, verification)
    return label


def allocate_status_index(session: Session, size: int, rng: random.Random = _random) -> int:
    """A random status index no label has: in list 1 while it has room, then in list 2, ...

    Random indices hide how many labels exist and their order (draft §12.5). A list is left
    once ``_INDEX_PICKS`` random picks in a row are taken (it is then about 3/4 full).
    """
    number = 0
    while True:
        low = number * size
        for _ in range(_INDEX_PICKS):
            candidate = low + rng.randrange(size)
            if session.scalar(select(Label.id).where(Label.status_index == candidate)) is None:
                return candidate
        number += 1


def _live_in_domain(session: Session, verification: Verification, domain: str, now: datetime) -> list[Label]:
    """The live labels a new label of ``verification`` in ``domain`` supersedes, locked as in :func:`_change`.

    Read before the new label's audit entry: rows first, then the audit log's lock, in every
    transaction, so a concurrent change of one of them waits instead of deadlocking.
    """
    return list(session.scalars(
        select(Label).where(
            Label.account_id == verification.account_id, Label.platform_id == verification.platform_id,
            Label.domain == domain, Label.revoked_at.is_(None), Label.expires_at > now,
        ).with_for_update()
    ))


def _supersede(services: Services, session: Session, new: Label, older: list[Label], actor: str) -> None:
    for label in older:
        before = state(label, new.issued_at)
        label.revoked_at, label.revoke_reason = new.issued_at, SUPERSEDED
        audit.record(session, actor=actor, action="label.revoke", subject_type=SUBJECT, subject_id=label.id,
                     now=new.issued_at, platform_id=label.platform_id, before={"state": before},
                     after={"state": "revoked", "reason": SUPERSEDED, "superseded_by": new.id})
        webhooks.label_changed(services, session, label, "revoke", now=new.issued_at, reason_code=SUPERSEDED)
        after_commit(session, services.label_caches, label)
