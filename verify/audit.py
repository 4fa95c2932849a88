"""The audit log: append-only and hash-chained, with its head sealed by the service secret.

Every entry stores the hash of the one before it and its own hash over its content, so
an edited, inserted or removed row breaks the chain (``verify_chain``). Entries are
written in the same transaction as the change they record. Values must be JSON-safe and
hold no personal data (masked ID numbers at most; free text only as a digest).

A chain alone cannot show that someone with database access rewrote an entry and
recomputed every hash after it, nor that its *last* entries were deleted. So each append
also writes the newest entry's id and hash to the head row (``audit_head``), sealed with
an HMAC under a key derived from the service secret, in the same transaction: every node
of a cluster keeps it current and none needs a disk of its own for it. ``verify_chain``
then reports an anchored entry that is gone or whose hash changed, and a head whose seal
does not match. What the head cannot catch, being in the database too: someone who deletes
the newest entries *and* puts back a head row they copied earlier (it was sealed by the
service). Versions before kept the head in ``audit-head.json`` in the data dir;
``adopt_anchor_file`` copies it in once (``flask setup`` and ``flask db upgrade``).

>>> entry_hash("0" * 64, {"action": "label.revoke"})[:12]
'd8dc642ec2e4'
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from verify.store.db import Store
from verify.store.models import AuditEvent, AuditHead

log = logging.getLogger(__name__)
GENESIS = "0" * 64
ANCHOR_FILE = "audit-head.json"  # where versions before kept the head (adopt_anchor_file)
_HEAD_ROW = "head"
_PG_LOCK = 0x7665726966794100  # pg_advisory_xact_lock key serialising appends on PostgreSQL


def entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def digest(value: str | None) -> str | None:
    """A SHA-256 of free text, so an entry can prove what was written without keeping it.

    >>> digest("ok")[:12]
    '2689367b205c'
    >>> digest(None) is None
    True
    """
    return None if value is None else hashlib.sha256(value.encode()).hexdigest()


def _content(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id, "at": event.at.isoformat(), "actor": event.actor, "platform_id": event.platform_id,
        "action": event.action, "subject_type": event.subject_type, "subject_id": event.subject_id,
        "before": event.before, "after": event.after,
    }


@dataclass(frozen=True)
class Head:
    """The newest entry the anchor vouches for."""

    id: int
    hash: str


class HeadAnchor:
    """Seals the chain's head under a key derived from the service secret; reads and writes the head row.

    >>> anchor = HeadAnchor(b"secret")
    >>> anchor.opens(Head(2, "ab" * 32), anchor.seal(Head(2, "ab" * 32))), anchor.opens(Head(1, "ab" * 32), "00")
    (True, False)
    """

    def __init__(self, secret: bytes) -> None:
        self._key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"verify audit head").derive(secret)

    def seal(self, head: Head) -> str:
        return hmac.new(self._key, f"{head.id}:{head.hash}".encode(), hashlib.sha256).hexdigest()

    def opens(self, head: Head, mac: str) -> bool:
        return hmac.compare_digest(self.seal(head), mac)

    def read(self, session: Session) -> Head | None:
        """The anchored head, None when nothing was anchored; ValueError when its seal does not match."""
        row = session.get(AuditHead, _HEAD_ROW)
        if row is None:
            return None
        head = Head(row.entry_id, row.hash)
        if not self.opens(head, row.mac):
            raise ValueError("the head anchor's seal does not match")
        return head

    def write(self, session: Session, head: Head) -> None:
        """Anchor ``head`` in ``session``'s transaction."""
        row = session.get(AuditHead, _HEAD_ROW) or AuditHead(name=_HEAD_ROW)
        row.entry_id, row.hash, row.mac = head.id, head.hash, self.seal(head)
        session.add(row)


_anchors: dict[str, HeadAnchor] = {}


def anchor_store(store: Store, anchor: HeadAnchor) -> None:
    """Anchor every entry written to ``store``'s database (called once by ``create_app``)."""
    _anchors[store.engine.url.render_as_string(hide_password=False)] = anchor


def _anchor_for(session: Session) -> HeadAnchor | None:
    return _anchors.get(session.get_bind().url.render_as_string(hide_password=False))


def adopt_anchor_file(store: Store, path: Path, secret: bytes) -> bool:
    """Copy the head an older version anchored in ``path`` into the database, if it has none; True if copied.

    The file's seal is checked first (the same key): a file that does not open is left for an operator.
    """
    try:
        data = json.loads(path.read_text())
        head = Head(int(data["id"]), str(data["hash"]))
        mac = str(data["mac"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    anchor = HeadAnchor(secret)
    if not anchor.opens(head, mac):
        return False
    with store.write() as session:
        if session.get(AuditHead, _HEAD_ROW) is not None:
            return False
        anchor.write(session, head)
    return True


def _lock_tail(session: Session) -> None:
    """On PostgreSQL, serialise appenders (SQLite writers are serialised by BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})


def record(
    session: Session, *, actor: str, action: str, subject_type: str, subject_id: str, now: datetime,
    platform_id: str | None = None, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry in ``session``'s transaction (a write transaction: it reads the chain's tail)."""
    _lock_tail(session)
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    entry = AuditEvent(
        id=(last.id + 1) if last else 1, at=now, actor=actor, platform_id=platform_id, action=action,
        subject_type=subject_type, subject_id=subject_id, before=before, after=after,
        prev_hash=last.hash if last else GENESIS, hash="",
    )
    entry.hash = entry_hash(entry.prev_hash, _content(entry))
    session.add(entry)
    session.flush()
    anchor = _anchor_for(session)
    if anchor is not None:
        anchor.write(session, Head(entry.id, entry.hash))
    return entry


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str


def verify_chain(session: Session, anchor: HeadAnchor | None = None) -> Iterator[ChainBreak]:
    """Every place where the chain does not hold: edited content, a gap, a wrong link, a lost head.

    ``anchor`` defaults to the one registered for the session's database.
    """
    anchor = anchor or _anchor_for(session)
    prev_hash, expected_id = GENESIS, 1
    hashes_by_id: dict[int, str] = {}
    for entry in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        if entry.id != expected_id:
            yield ChainBreak(entry.id, f"entries {expected_id}..{entry.id - 1} are missing")
        if entry.prev_hash != prev_hash:
            yield ChainBreak(entry.id, "does not link to the entry before it")
        if entry.hash != entry_hash(entry.prev_hash, _content(entry)):
            yield ChainBreak(entry.id, "content was changed after it was written")
        hashes_by_id[entry.id] = entry.hash
        prev_hash, expected_id = entry.hash, entry.id + 1
    if anchor is None:
        return
    try:
        head = anchor.read(session)
    except ValueError as exc:
        yield ChainBreak(0, str(exc))
        return
    if head is None:
        return
    if head.id not in hashes_by_id:
        last = expected_id - 1
        yield ChainBreak(head.id, f"entries {last + 1}..{head.id} were removed from the end of the log")
    elif hashes_by_id[head.id] != head.hash:
        yield ChainBreak(head.id, "differs from the anchored head: entries up to it were rewritten")


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: Head | None
    breaks: list[ChainBreak]


def check_log(store: Store) -> ChainReport:
    """Walk the whole log once: how many entries, the newest, and every break."""
    with store.read() as session:
        breaks = list(verify_chain(session))
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
        count = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return ChainReport(count, Head(last.id, last.hash) if last else None, breaks)
