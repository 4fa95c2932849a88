"""Change counters in the database: how a node learns that another node changed something it caches.

A change adds one to its counter *in its own transaction*, so the count moves exactly when the
change commits; a node compares the count with the one it last read and reads again only when it
moved. ``SIGNING_KEYS`` moves with every change of the signing keys (the keyring's stamp);
``LABEL_CHANGES`` with every revoke, suspend, resume, supersede and withdrawn signing key (the label
status board's trigger, verify.services.labels.freshness). The rows are made by migration 0005.

>>> from verify.store.db import Store
>>> from verify.store.models import Base
>>> store = Store("sqlite://")
>>> Base.metadata.create_all(store.engine, tables=[Counter.__table__])
>>> with store.write() as session:
...     bump(session, LABEL_CHANGES); bump(session, LABEL_CHANGES)
>>> with store.rows() as connection:
...     read(connection, LABEL_CHANGES)
2
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from verify.store.models import Counter

SIGNING_KEYS = "signing_keys"
LABEL_CHANGES = "label_changes"


def bump(session: Session, name: str) -> None:
    """Add one to counter ``name`` in ``session``'s transaction (making the row if it is missing)."""
    moved = session.execute(update(Counter).where(Counter.name == name).values(value=Counter.value + 1))
    if moved.rowcount == 0:  # type: ignore[attr-defined]
        session.execute(insert(Counter).values(name=name, value=1))


def read(connection: Connection | Session, name: str) -> int:
    """Counter ``name`` as committed now (0 if it was never bumped)."""
    return connection.execute(select(Counter.value).where(Counter.name == name)).scalar() or 0
