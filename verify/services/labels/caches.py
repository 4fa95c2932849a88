"""This process's label state, made once by ``create_app``: verified tokens, the status board, built status lists.

Every label change (and a withdrawn signing key) moves the change counters (the database's in its
transaction, the machine's after its commit) before the call that made it answers; each check
compares them with what its board last read and reads the audit log's label events (and reloads
the keyring) only when they moved (verify.services.labels.freshness). The board also reads every
``label_status_refresh_seconds`` whatever the counters say.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import event, func, or_, select
from sqlalchemy.orm import Session

from verify.config import Settings
from verify.labels.cache import Entries, StatusBoard, VerifiedTokens
from verify.labels.changes import FILE_NAME as CHANGES_FILE
from verify.labels.changes import ChangeCounter
from verify.labels.keyring import Keyring
from verify.labels.status_list import Status
from verify.services.labels.freshness import announce_label_changes, change_signal
from verify.services.labels.state import SUBJECT, status_of
from verify.store.db import Store
from verify.store.models import AuditEvent, Label

if TYPE_CHECKING:
    from verify.services.labels.status_lists import PublishedList

_CHUNK = 500


@dataclass
class LabelCaches:
    """This process's label state: verified tokens, the status board, the built status lists, the change counter."""

    tokens: VerifiedTokens
    board: StatusBoard
    counter: ChangeCounter
    lists: dict[int, PublishedList] = field(default_factory=dict)
    lists_in_use: tuple[int, float] = (0, float("-inf"))  # (count, when counted)
    building: threading.Lock = field(default_factory=threading.Lock)
    generation: int = 0  # grows with every local change; a list built across one is not kept

    def changed(self, label_id: str, status: Status, index: int | None) -> None:
        """A label change committed by this process: its checks and status lists see it at once, and the
        counter tells every other process on the machine to read it before their next check."""
        self.board.note(label_id, status, index)
        self.generation += 1
        self.lists.clear()
        self.counter.bump()

    def keys_changed(self) -> None:
        """A signing key was withdrawn here: forget what it verified and signed, and tell the other processes
        to reload the keys before their next check."""
        self.tokens.clear()
        self.lists.clear()
        self.generation += 1
        self.counter.bump()


def label_caches(settings: Settings, store: Store, keyring: Keyring) -> LabelCaches:
    """Empty caches over ``store``, with the machine's change counter in the data dir (read nothing yet)."""
    counter = ChangeCounter(settings.data_dir / CHANGES_FILE)
    board = StatusBoard(lambda: _load_all(store), lambda mark: _load_changes(store, keyring, mark),
                        settings.label_status_refresh_seconds, changes=change_signal(store, counter))
    return LabelCaches(VerifiedTokens(settings.label_cache_size), board, counter)


def after_commit(session: Session, caches: LabelCaches, label: Label) -> None:
    """Tell every node that ``label`` changes when ``session`` commits, and this process's caches once it has."""
    announce_label_changes(session)
    change = (label.id, status_of(label.revoked_at, label.suspended_at), label.status_index)

    def apply(_session: Session) -> None:
        caches.changed(*change)

    event.listen(session, "after_commit", apply, once=True)


def _load_all(store: Store) -> tuple[Entries, int]:
    """Every revoked or suspended label, and the audit log's last id (read first: changes after it are new)."""
    with store.read() as session:
        mark = session.scalar(select(func.max(AuditEvent.id))) or 0
        rows = session.execute(
            select(Label.id, Label.revoked_at, Label.suspended_at, Label.status_index)
            .where(or_(Label.revoked_at.is_not(None), Label.suspended_at.is_not(None)))
        ).all()
    return {row[0]: (status_of(row[1], row[2]), row[3]) for row in rows}, mark


def _load_changes(store: Store, keyring: Keyring, mark: int) -> tuple[Entries, int]:
    """The current state of every label with an audit event after ``mark``, and the new mark.

    The keyring is reloaded first if its manifest changed: a signing key withdrawn by another
    process is one of the changes the counter announces.
    """
    keyring.reload_if_changed()
    with store.read() as session:
        latest = session.scalar(select(func.max(AuditEvent.id))) or 0
        if latest <= mark:
            return {}, mark
        ids = session.scalars(
            select(AuditEvent.subject_id).distinct()
            .where(AuditEvent.id > mark, AuditEvent.id <= latest, AuditEvent.subject_type == SUBJECT)
        ).all()
        changes: Entries = {}
        for start in range(0, len(ids), _CHUNK):
            rows = session.execute(
                select(Label.id, Label.revoked_at, Label.suspended_at, Label.status_index)
                .where(Label.id.in_(ids[start:start + _CHUNK]))
            ).all()
            changes.update({row[0]: (status_of(row[1], row[2]), row[3]) for row in rows})
    return changes, latest
