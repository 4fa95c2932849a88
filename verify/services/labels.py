"""Issuing, checking, revoking and listing labels.

Checking is the hot path: the signature, expiry, account and platform are checked
in-process from the token; the only database read is the revocation lookup by the
token's ``jti`` (a primary-key read).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from verify.domain import CredentialKind
from verify.errors import Forbidden, NotFound
from verify.labels.tokens import check_label, issue_label
from verify.labels.vocabulary import UnknownLabel, label_text
from verify.services.context import Services
from verify.services.keys import Principal
from verify.store.models import Label, Platform, Verification


@dataclass(frozen=True)
class LabelCheck:
    valid: bool
    reason: str | None
    label: Label | None


def issue_for_verification(services: Services, session: Session, verification: Verification,
                           now: datetime) -> Label | None:
    """Sign and store the label of an approved verification; None if the vocabulary has no label."""
    kind = CredentialKind(verification.kind)
    values = {name: field["value"] for name, field in verification.fields.items()}
    try:
        text = label_text(kind, values)
    except UnknownLabel:
        return None
    platform = session.get(Platform, verification.platform_id)
    assert platform is not None
    label_id = uuid.uuid4().hex
    expires_at = now + timedelta(days=services.settings.label_lifetime_days)
    token = issue_label(
        services.keyring, issuer=services.settings.issuer, platform=platform.name,
        account_id=verification.account_id, label_id=label_id, kind=kind, text=text,
        issued_at=now, expires_at=expires_at,
    )
    label = Label(
        id=label_id, verification_id=verification.id, platform_id=verification.platform_id,
        account_id=verification.account_id, kind=kind.value, domain=text.domain, title=text.title,
        display=text.display, token=token, kid=services.keyring.current.kid, issued_at=now,
        expires_at=expires_at,
    )
    session.add(label)
    return label


def check(services: Services, principal: Principal, token: str, account_id: str | None) -> LabelCheck:
    """Is this label valid for the calling platform (and the account, if given)?"""
    result = check_label(
        services.keyring, token, issuer=services.settings.issuer, now=services.clock(),
        account_id=account_id, platform=principal.platform_name,
    )
    jti = (result.claims or {}).get("jti")
    label = None
    if isinstance(jti, str):
        with services.store.read() as session:
            label = session.get(Label, jti)
    if not result.valid:
        return LabelCheck(False, result.reason, label)
    if label is None or label.revoked_at is not None:
        return LabelCheck(False, "revoked", label)
    return LabelCheck(True, None, label)


def revoke(services: Services, principal: Principal, label_id: str, reason: str) -> Label:
    """Revoke a label of the caller's platform (any platform for an admin)."""
    with services.store.write() as session:
        label = session.get(Label, label_id)
        if label is None or (not principal.is_admin and label.platform_id != principal.platform_id):
            raise NotFound("No such label.")
        if principal.role == "reviewer":
            raise Forbidden("Reviewers cannot revoke labels.")
        if label.revoked_at is None:
            label.revoked_at, label.revoke_reason = services.clock(), reason
        return label


def for_account(services: Services, principal: Principal, account_id: str) -> list[Label]:
    query = select(Label).where(Label.account_id == account_id).order_by(Label.issued_at.desc())
    if not principal.is_admin:
        query = query.where(Label.platform_id == principal.platform_id)
    with services.store.read() as session:
        return list(session.scalars(query))


def state(label: Label, now: datetime) -> str:
    """``active``, ``expired`` or ``revoked``."""
    if label.revoked_at is not None:
        return "revoked"
    return "expired" if label.expires_at <= now else "active"


def describe(label: Label | None, now: datetime) -> dict[str, Any] | None:
    if label is None:
        return None
    return {
        "id": label.id, "token": label.token, "display": label.display, "domain": label.domain,
        "title": label.title, "kind": label.kind, "account_id": label.account_id,
        "issued_at": label.issued_at, "expires_at": label.expires_at, "state": state(label, now),
        "revoked_at": label.revoked_at,
    }
