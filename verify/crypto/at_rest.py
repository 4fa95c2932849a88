"""Personal data sealed at the store boundary: plaintext in memory, ciphertext in the database.

Sealed, each under its own data key (``verify.crypto.envelope``):

- ``documents.content`` — the uploaded bytes; the wrapped data key in ``documents.wrapped_key``;
  associated data ``platform | verification | document``.
- ``verifications.holder_name``, ``holder_id_number`` and ``number`` and, in ``verifications.fields``,
  the ``value`` and ``raw`` (the text as read) of *every* field read from the document (birth date,
  gender, ethnicity, institution, qualification number, issuer ... : all of it describes a person's
  credential) — as self-contained sealed text; associated data ``platform | verification |
  attribute`` (``fields.birth_date.raw``), so a value moved to another row or another attribute
  does not open. A field's ``confidence`` and ``source`` stay plain; no query filters on a field.

ORM events do it: values are sealed just before an INSERT or UPDATE writes them and the
object gets its plaintext back right after; loading an object opens them. So every reader
(the job, the API, the review console) sees plaintext and nothing else changes, but a
query for bare columns (``select(Document.content)``) sees ciphertext. A value that does
not open — tampered, swapped, or stored in plaintext behind our back — raises
``IntegrityFailure`` (a problem type, never a 500) and is logged without content. The
envelope comes from the session (``session.info[ENVELOPE]``, set by ``Store``); without
one, personal data is refused rather than stored in the clear.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, event, inspect, select
from sqlalchemy.orm import Mapper, Session, object_session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from verify.crypto.envelope import Envelope, SealBroken, Sealed, is_sealed_text
from verify.errors import IntegrityFailure
from verify.store.models import Document, Verification

log = logging.getLogger(__name__)

ENVELOPE = "verify.envelope"  # session.info key
SEALED_COLUMNS = ("holder_name", "holder_id_number", "number")
FIELD_PARTS = ("value", "raw")  # sealed in every entry of verifications.fields
_PLAIN = "verify.at_rest.plain"  # InstanceState.info: plaintext to put back after a write


def document_aad(platform_id: str, verification_id: str, document_id: str) -> bytes:
    return f"verify:document:v1|{platform_id}|{verification_id}|{document_id}".encode()


def value_aad(platform_id: str, verification_id: str, attribute: str) -> bytes:
    return f"verify:verification:v1|{platform_id}|{verification_id}|{attribute}".encode()


def _envelope(session: Session | None) -> Envelope:
    envelope = session.info.get(ENVELOPE) if session is not None else None
    if envelope is None:
        raise RuntimeError("personal data needs a Store with an envelope; it is never stored in the clear")
    return envelope


def _broken(what: str, row_id: str, exc: Exception | None = None) -> IntegrityFailure:
    log.error("integrity check failed: %s of %s does not open (tampered, swapped or unsealed)", what, row_id)
    error = IntegrityFailure()
    if exc is not None:
        error.__cause__ = exc
    return error


def _changed(target: Any, name: str) -> bool:
    return inspect(target).attrs[name].history.has_changes()


def _remember(target: Any, name: str, value: Any) -> None:
    inspect(target).info.setdefault(_PLAIN, {})[name] = value


def _restore(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    for name, value in inspect(target).info.pop(_PLAIN, {}).items():
        set_committed_value(target, name, value)


# --- documents ---------------------------------------------------------------------------
def _platform_of(session: Session, connection: Connection, verification_id: str) -> str:
    parent = session.identity_map.get(identity_key(Verification, verification_id))
    if parent is not None and parent.platform_id:
        return parent.platform_id
    platform_id = connection.execute(
        select(Verification.platform_id).where(Verification.id == verification_id)
    ).scalar_one_or_none()
    if platform_id is None:
        raise _broken("document", verification_id)
    return platform_id


def _seal_document(_mapper: Mapper[Any], connection: Connection, target: Document) -> None:
    if inspect(target).persistent and not _changed(target, "content"):
        return
    if target.content is None:
        target.wrapped_key = None
        return
    session = object_session(target)
    envelope = _envelope(session)
    assert session is not None
    aad = document_aad(_platform_of(session, connection, target.verification_id), target.verification_id,
                       target.id)
    _remember(target, "content", target.content)
    sealed = envelope.seal(target.content, aad)
    target.content, target.wrapped_key = sealed.blob, sealed.wrapped_key


def _open_document(target: Document, session: Session, attrs: set[str] | None) -> None:
    content = inspect(target).dict.get("content")
    if content is None or (attrs is not None and "content" not in attrs):
        return
    if target.wrapped_key is None:
        raise _broken("document content", target.id)
    aad = document_aad(_platform_of(session, session.connection(), target.verification_id),
                       target.verification_id, target.id)
    try:
        plain = _envelope(session).open(Sealed(target.wrapped_key, content), aad)
    except SealBroken as exc:
        raise _broken("document content", target.id, exc) from exc
    set_committed_value(target, "content", plain)


# --- verifications -----------------------------------------------------------------------
def field_attribute(name: str, part: str) -> str:
    """The attribute a field's part is sealed under (its associated data): ``fields.birth_date.value``."""
    return f"fields.{name}.{part}"


def _seal_fields(envelope: Envelope, target: Verification) -> dict[str, Any]:
    sealed: dict[str, Any] = {}
    for name, entry in (target.fields or {}).items():
        if isinstance(entry, dict):
            entry = {**entry}
            for part in FIELD_PARTS:
                if isinstance(entry.get(part), str):
                    aad = value_aad(target.platform_id, target.id, field_attribute(name, part))
                    entry[part] = envelope.seal_text(entry[part], aad)
        sealed[name] = entry
    return sealed


def _seal_verification(_mapper: Mapper[Any], _connection: Connection, target: Verification) -> None:
    persistent = inspect(target).persistent
    changed = [n for n in (*SEALED_COLUMNS, "fields") if not persistent or _changed(target, n)]
    if not changed:
        return
    envelope = _envelope(object_session(target))
    for name in changed:
        value = getattr(target, name)
        if value is None or (name == "fields" and not value):
            continue
        _remember(target, name, value)
        if name == "fields":
            target.fields = _seal_fields(envelope, target)
        else:
            setattr(target, name, envelope.seal_text(value, value_aad(target.platform_id, target.id, name)))


def _open_text(envelope: Envelope, value: Any, target: Verification, attribute: str) -> Any:
    if value is None:
        return None
    if not is_sealed_text(value):
        raise _broken(attribute, target.id)
    try:
        return envelope.open_text(value, value_aad(target.platform_id, target.id, attribute))
    except SealBroken as exc:
        raise _broken(attribute, target.id, exc) from exc


def _open_verification(target: Verification, session: Session, attrs: set[str] | None) -> None:
    loaded = inspect(target).dict
    envelope: Envelope | None = None
    for name in SEALED_COLUMNS:
        if loaded.get(name) is not None and (attrs is None or name in attrs):
            envelope = envelope or _envelope(session)
            set_committed_value(target, name, _open_text(envelope, loaded[name], target, name))
    fields = loaded.get("fields")
    if not fields or (attrs is not None and "fields" not in attrs):
        return
    envelope = envelope or _envelope(session)
    opened: dict[str, Any] = {}
    for name, entry in fields.items():
        if isinstance(entry, dict):
            entry = {**entry}
            for part in FIELD_PARTS:
                if entry.get(part) is not None:
                    entry[part] = _open_text(envelope, entry[part], target, field_attribute(name, part))
        opened[name] = entry
    set_committed_value(target, "fields", opened)


# --- wiring ------------------------------------------------------------------------------
def _on_load(opener: Any) -> Any:
    def load(target: Any, context: Any) -> None:
        opener(target, context.session, None)

    def refresh(target: Any, context: Any, attrs: Any) -> None:
        opener(target, context.session, None if attrs is None else set(attrs))

    return load, refresh


def _install() -> None:
    for model, seal, opener in ((Document, _seal_document, _open_document),
                                (Verification, _seal_verification, _open_verification)):
        load, refresh = _on_load(opener)
        event.listen(model, "before_insert", seal)
        event.listen(model, "before_update", seal)
        event.listen(model, "after_insert", _restore)
        event.listen(model, "after_update", _restore)
        event.listen(model, "load", load)
        event.listen(model, "refresh", refresh)


_install()
