"""Rotating the service secret: re-wrap everything it protects under a new one (``flask keys rotate-secret``).

The service secret (``VERIFY_SECRET_KEY`` or ``secret.key``) is the root of every key
at rest: the key-encryption key (KEK) that wraps each document's and each personal
value's data key, the password of the signing key's PKCS8 file, and the MAC key of the
audit log's head anchor. Rotation, with the service stopped:

1. re-wraps every data key still wrapped by the old KEK (the ciphertext is not touched:
   only the 64-byte wrapped keys change; ``Envelope.rewrap``), a batch per transaction, and
   the service's own keys (``service_keys``: the lookup key of the keyed digests, which so
   stay comparable across the rotation) and the webhook endpoints' secrets (which so sign as
   before: the platforms keep the secrets they were shown);
2. re-encrypts the current signing key's private part (retired keys have none), in the database;
3. re-seals the audit head (a row in the database);
4. checks that every wrapped key now opens with the new KEK *alone* and reports any that
   does not (catalogue 75: found by the rotation, not at read time).

Each step skips what is already under the new secret, so a rotation cut short (crash,
power loss) is finished by running it again with the same two secrets. Afterwards the
old secret can be destroyed; a database backup taken before the rotation then opens no
more (its wrapped keys need the old KEK), which is what makes deletion stick in backups.
Derived secrets that protect nothing stored change too: reviewers sign in again and list
cursors handed out before are refused.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from verify.audit import HeadAnchor
from verify.crypto.at_rest import FIELD_PARTS, SEALED_COLUMNS, document_aad, field_attribute, value_aad
from verify.crypto.envelope import Envelope, SealBroken, is_sealed_text
from verify.crypto.lookup import service_key_aad
from verify.durable import replace_file
from verify.labels.keyring import Keyring
from verify.store.db import Store
from verify.store.key_table import DatabaseShelf
from verify.store.models import Document, ServiceKey, Verification, WebhookEndpoint
from verify.webhooks.signing import secret_aad

_BATCH = 200


@dataclass
class RotationReport:
    """What a rotation changed, and what it could not open with the new secret alone (``stale``)."""

    documents: int = 0
    values: int = 0
    service_keys: int = 0
    webhook_secrets: int = 0
    signing_keys: int = 0
    anchor: bool = False
    stale: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.stale


def rotate_secret(store: Store, old: bytes, new: bytes) -> RotationReport:
    """Re-wrap everything protected by ``old`` under ``new``; safe to run again after an interruption."""
    if old == new:
        raise ValueError("the new secret is the old one")
    rotating = Envelope.from_secret(new, previous=[old])
    report = RotationReport()
    report.documents = _rewrap_documents(store, rotating)
    report.values = _rewrap_values(store, rotating)
    report.service_keys = _rewrap_service_keys(store, rotating)
    report.webhook_secrets = _rewrap_webhook_secrets(store, rotating)
    report.signing_keys = _reencrypt_signing_key(store, old, new)
    report.anchor = _reseal_anchor(store, old, new)
    report.stale = stale_keys(store, Envelope.from_secret(new))
    return report


# --- data keys -------------------------------------------------------------------------------
def _rewrap_documents(store: Store, envelope: Envelope) -> int:
    query = (
        select(Document.id, Document.verification_id, Document.wrapped_key, Verification.platform_id)
        .join(Verification, Verification.id == Document.verification_id)
        .where(Document.wrapped_key.is_not(None))
        .order_by(Document.id).limit(_BATCH)
    )
    done, after = 0, ""
    while True:
        with store.write() as session:
            rows = session.execute(query.where(Document.id > after)).all()
            for document_id, verification_id, wrapped, platform_id in rows:
                if envelope.is_current(wrapped):
                    continue
                try:
                    rewrapped = envelope.rewrap(wrapped, document_aad(platform_id, verification_id, document_id))
                except SealBroken:
                    continue  # opens with neither secret: left as it is, and reported by stale_keys
                session.execute(update(Document).where(Document.id == document_id).values(wrapped_key=rewrapped),
                                execution_options={"synchronize_session": False})
                done += 1
        if len(rows) < _BATCH:
            return done
        after = rows[-1][0]


def _sealed_values(row: Any) -> Iterator[tuple[str, str]]:
    """(attribute, stored text) of one verification row: its sealed columns and every field's parts.

    A field part left in the clear is yielded too: it does not open, so ``stale_keys`` reports it
    (``flask db upgrade`` seals what older versions stored in the clear).
    """
    for name in SEALED_COLUMNS:
        value = getattr(row, name)
        if is_sealed_text(value):
            yield name, value
    for name, entry in (row.fields or {}).items():
        if isinstance(entry, dict):
            for part in FIELD_PARTS:
                if isinstance(entry.get(part), str):
                    yield field_attribute(name, part), entry[part]


def _rewrap_text(envelope: Envelope, value: str, aad: bytes) -> str:
    try:
        return envelope.rewrap_text(value, aad)
    except SealBroken:
        return value  # opens with neither secret: left as it is, and reported by stale_keys


def _rewrap_verification(envelope: Envelope, row: Any) -> dict[str, Any]:
    """The changed columns of ``row`` with every sealed value re-wrapped; empty if nothing was stale."""
    changes: dict[str, Any] = {}
    for name in SEALED_COLUMNS:
        value = getattr(row, name)
        if is_sealed_text(value):
            rewrapped = _rewrap_text(envelope, value, value_aad(row.platform_id, row.id, name))
            if rewrapped != value:
                changes[name] = rewrapped
    fields = {name: dict(entry) if isinstance(entry, dict) else entry for name, entry in (row.fields or {}).items()}
    touched = False
    for name, entry in fields.items():
        if isinstance(entry, dict):
            for part in FIELD_PARTS:
                if is_sealed_text(entry.get(part)):
                    aad = value_aad(row.platform_id, row.id, field_attribute(name, part))
                    rewrapped = _rewrap_text(envelope, entry[part], aad)
                    touched |= rewrapped != entry[part]
                    entry[part] = rewrapped
    if touched:
        changes["fields"] = fields
    return changes


_VALUE_COLUMNS = (Verification.id, Verification.platform_id, Verification.fields,
                  *(getattr(Verification, name) for name in SEALED_COLUMNS))


def _rewrap_values(store: Store, envelope: Envelope) -> int:
    query = select(*_VALUE_COLUMNS).order_by(Verification.id).limit(_BATCH)
    done, after = 0, ""
    while True:
        with store.write() as session:
            rows = session.execute(query.where(Verification.id > after)).all()
            for row in rows:
                changes = _rewrap_verification(envelope, row)
                if changes:
                    session.execute(update(Verification).where(Verification.id == row.id).values(**changes),
                                    execution_options={"synchronize_session": False})
                    done += 1
        if len(rows) < _BATCH:
            return done
        after = rows[-1].id


def _rewrap_service_keys(store: Store, envelope: Envelope) -> int:
    done = 0
    with store.write() as session:
        for row in session.scalars(select(ServiceKey)):
            if envelope.is_current(row.wrapped):
                continue
            try:
                row.wrapped = envelope.rewrap(row.wrapped, service_key_aad(row.name))
            except SealBroken:
                continue  # opens with neither secret: reported by stale_keys
            done += 1
    return done


def _webhook_secrets(row: WebhookEndpoint) -> Iterator[tuple[str, str]]:
    for attribute in ("secret", "previous_secret"):
        if is_sealed_text(getattr(row, attribute)):
            yield attribute, getattr(row, attribute)


def _rewrap_webhook_secrets(store: Store, envelope: Envelope) -> int:
    done = 0
    with store.write() as session:
        for row in session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.secret.is_not(None))):
            for attribute, sealed in _webhook_secrets(row):
                rewrapped = _rewrap_text(envelope, sealed, secret_aad(row.platform_id, row.id))
                if rewrapped != sealed:
                    setattr(row, attribute, rewrapped)
                    done += 1
    return done


def stale_keys(store: Store, envelope: Envelope) -> list[str]:
    """Every wrapped data key that ``envelope`` (the new KEK alone) cannot unwrap, as ``table:id:attribute``."""
    stale: list[str] = []
    with store.read() as session:
        documents = session.execute(
            select(Document.id, Document.verification_id, Document.wrapped_key, Verification.platform_id)
            .join(Verification, Verification.id == Document.verification_id)
            .where(Document.wrapped_key.is_not(None))
        )
        for document_id, verification_id, wrapped, platform_id in documents:
            try:
                envelope.unwrap(wrapped, document_aad(platform_id, verification_id, document_id))
            except SealBroken:
                stale.append(f"documents:{document_id}:content")
        for row in session.execute(select(*_VALUE_COLUMNS)):
            for attribute, value in _sealed_values(row):
                try:
                    envelope.unwrap_text_key(value, value_aad(row.platform_id, row.id, attribute))
                except SealBroken:
                    stale.append(f"verifications:{row.id}:{attribute}")
        for service_key in session.scalars(select(ServiceKey)):
            try:
                envelope.unwrap(service_key.wrapped, service_key_aad(service_key.name))
            except SealBroken:
                stale.append(f"service_keys:{service_key.name}:wrapped")
        for endpoint in session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.secret.is_not(None))):
            for attribute, sealed in _webhook_secrets(endpoint):
                try:
                    envelope.unwrap_text_key(sealed, secret_aad(endpoint.platform_id, endpoint.id))
                except SealBroken:
                    stale.append(f"webhook_endpoints:{endpoint.id}:{attribute}")
    return stale


# --- signing key and audit anchor ---------------------------------------------------------------
def _reencrypt_signing_key(store: Store, old: bytes, new: bytes) -> int:
    """Re-encrypt the current signing key's private part under ``new``; 0 if it already is."""
    return int(Keyring(DatabaseShelf(store), old).reseal(new))


def _reseal_anchor(store: Store, old: bytes, new: bytes) -> bool:
    """Re-seal the audit head under ``new``; False if there is none or it already is."""
    with store.write() as session:
        with contextlib.suppress(ValueError):
            HeadAnchor(new).read(session)
            return False
        head = HeadAnchor(old).read(session)  # ValueError if it opens with neither: verify_chain reports that
        if head is None:
            return False
        HeadAnchor(new).write(session, head)
    return True


def write_secret(path: Path, secret: bytes) -> None:
    """Put ``secret`` in ``path`` (0600) atomically: tmp file, fsync, rename, fsync the directory."""
    replace_file(path, secret + b"\n")
