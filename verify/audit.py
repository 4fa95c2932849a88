"""The audit log: append-only and hash-chained, with its head anchored outside the database.

Every entry stores the hash of the one before it and its own hash over its content, so
an edited, inserted or removed row breaks the chain (``verify_chain``). Entries are
written in the same transaction as the change they record. Values must be JSON-safe and
hold no personal data (masked ID numbers at most; free text only as a digest).

A chain alone cannot show that its *last* entries were deleted, nor that someone with
database access rewrote an entry and recomputed every hash after it. So after each
commit that wrote entries, the newest entry's id and hash are written to a head anchor:
a small file outside the database (``audit-head.json`` in the data dir), sealed with an
HMAC under a key derived from the service secret. ``verify_chain`` then also reports an
anchored entry that is gone or whose hash changed. The anchor is written after the
commit, so a crash in between leaves it one step behind (never ahead): the newest
entries are then covered by the chain only.

>>> entry_hash("0" * 64, {"action": "label.revoke"})[:12]
'd8dc642ec2e4'
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from verify.durable import replace_file
from verify.store.db import Store
from verify.store.models import AuditEvent

log = logging.getLogger(__name__)
GENESIS = "0" * 64
ANCHOR_FILE = "audit-head.json"
_PG_LOCK = 0x7665726966794100  # pg_advisory_xact_lock key serialising appends on PostgreSQL
_SESSION_HEAD = "verify.audit.head"  # session.info: the newest entry this transaction wrote
_SESSION_HOOKED = "verify.audit.hooked"


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
    """The sealed head of the chain in a file; only ever moves forward.

    >>> import tempfile
    >>> anchor = HeadAnchor(Path(tempfile.mkdtemp()) / ANCHOR_FILE, b"secret")
    >>> anchor.advance(Head(2, "ab" * 32)); anchor.advance(Head(1, "cd" * 32))
    >>> anchor.read()
    Head(id=2, hash='abababababababababababababababababababababababababababababababab')
    """

    def __init__(self, path: Path, secret: bytes) -> None:
        self.path = path
        self._key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"verify audit head").derive(secret)
        self._lock = threading.Lock()

    def _seal(self, head: Head) -> str:
        return hmac.new(self._key, f"{head.id}:{head.hash}".encode(), hashlib.sha256).hexdigest()

    def read(self) -> Head | None:
        """The anchored head, None when nothing was anchored; ValueError when the file was tampered with."""
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise ValueError("the head anchor cannot be read") from exc
        try:
            head = Head(int(data["id"]), str(data["hash"]))
            sealed = hmac.compare_digest(self._seal(head), str(data["mac"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("the head anchor is malformed") from exc
        if not sealed:
            raise ValueError("the head anchor's seal does not match")
        return head

    def advance(self, head: Head) -> None:
        """Anchor ``head`` unless a newer one is already anchored (atomic replace, locked across processes)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path.with_suffix(".lock"), "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                current = self.read()
            except ValueError:
                return  # verify_chain reports a damaged anchor; rewriting it would hide that
            if current is not None and current.id >= head.id:
                return
            replace_file(self.path, json.dumps({"id": head.id, "hash": head.hash, "mac": self._seal(head)}).encode())


_anchors: dict[str, HeadAnchor] = {}


def anchor_store(store: Store, anchor: HeadAnchor) -> None:
    """Anchor every entry written to ``store``'s database (called once by ``create_app``)."""
    _anchors[store.engine.url.render_as_string(hide_password=False)] = anchor


def _anchor_for(session: Session) -> HeadAnchor | None:
    return _anchors.get(session.get_bind().url.render_as_string(hide_password=False))


def _after_commit(session: Session) -> None:
    head: Head | None = session.info.pop(_SESSION_HEAD, None)
    anchor = _anchor_for(session) if head is not None else None
    if anchor is None or head is None:
        return
    try:
        anchor.advance(head)
    except OSError:  # the change is committed: a stale anchor only narrows what it vouches for
        log.warning("could not anchor the audit log's head at entry %d", head.id, exc_info=True)


def _after_rollback(session: Session) -> None:
    session.info.pop(_SESSION_HEAD, None)


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
    if not session.info.get(_SESSION_HOOKED):
        session.info[_SESSION_HOOKED] = True
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)
    session.info[_SESSION_HEAD] = Head(entry.id, entry.hash)
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
        head = anchor.read()
    except ValueError as exc:
        yield ChainBreak(0, f"{exc} ({anchor.path})")
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
