"""The audit log: append-only and hash-chained.

Every entry stores the hash of the one before it and its own hash over its content, so
an edited, inserted or removed row breaks the chain (``verify_chain``). Entries are
written in the same transaction as the change they record. Values must be JSON-safe and
hold no personal data (masked ID numbers at most).

>>> entry_hash("0" * 64, {"action": "label.revoke"})[:12]
'd8dc642ec2e4'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from verify.store.models import AuditEvent

GENESIS = "0" * 64


def entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _content(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id, "at": event.at.isoformat(), "actor": event.actor, "platform_id": event.platform_id,
        "action": event.action, "subject_type": event.subject_type, "subject_id": event.subject_id,
        "before": event.before, "after": event.after,
    }


def record(
    session: Session, *, actor: str, action: str, subject_type: str, subject_id: str, now: datetime,
    platform_id: str | None = None, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry in ``session``'s transaction (a write transaction: it reads the chain's tail)."""
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    event = AuditEvent(
        id=(last.id + 1) if last else 1, at=now, actor=actor, platform_id=platform_id, action=action,
        subject_type=subject_type, subject_id=subject_id, before=before, after=after,
        prev_hash=last.hash if last else GENESIS, hash="",
    )
    event.hash = entry_hash(event.prev_hash, _content(event))
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str


def verify_chain(session: Session) -> Iterator[ChainBreak]:
    """Every place where the chain does not hold: edited content, a gap, a wrong link."""
    prev_hash, expected_id = GENESIS, 1
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        if event.id != expected_id:
            yield ChainBreak(event.id, f"entries {expected_id}..{event.id - 1} are missing")
        if event.prev_hash != prev_hash:
            yield ChainBreak(event.id, "does not link to the entry before it")
        if event.hash != entry_hash(event.prev_hash, _content(event)):
            yield ChainBreak(event.id, "content was changed after it was written")
        prev_hash, expected_id = event.hash, event.id + 1
