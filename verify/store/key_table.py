"""The keyring's shelf in the database (``signing_keys``): every node signs with the same keys, no shared disk.

The private part of the current key is stored as its PKCS8 PEM, encrypted with a password derived
from the service secret (verify.labels.keyring), so a database dump holds no usable signing key. An
update runs in one write transaction that first bumps the ``signing_keys`` counter (its row lock
serialises updates on PostgreSQL; SQLite's writers are serialised by ``BEGIN IMMEDIATE``); the
counter is the stamp every process compares to know whether to read the keys again.

On first use, a database without keys takes those an older version kept in ``<data dir>/keys``
(``keyring.json`` and the current ``<kid>.pem``), so a single machine upgrading keeps signing
with the key its labels name; the files are then no longer read.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, select

from verify.errors import DatabaseUnavailable
from verify.labels.errors import KeyringError
from verify.labels.key_files import DirectoryShelf
from verify.labels.keyring import Edit, KeyRecord, Shelved, current_record
from verify.store import counters
from verify.store.db import Store
from verify.store.models import SigningKeyRow


class DatabaseShelf:
    """The signing keys in ``store``; ``legacy_dir`` is where an older version kept them (adopted once)."""

    where = "the database (signing_keys)"

    def __init__(self, store: Store, legacy_dir: Path | None = None) -> None:
        self.store = store
        self.legacy_dir = legacy_dir

    def stamp(self) -> int:
        try:
            with self.store.rows() as connection:
                return counters.read(connection, counters.SIGNING_KEYS)
        except DatabaseUnavailable as exc:
            raise KeyringError("The signing keys cannot be read: the database does not answer.") from exc

    def read(self) -> Shelved | None:
        try:
            with self.store.read() as session:
                stamp = counters.read(session, counters.SIGNING_KEYS)
                rows = session.scalars(select(SigningKeyRow).order_by(SigningKeyRow.created_at,
                                                                      SigningKeyRow.kid)).all()
        except DatabaseUnavailable as exc:
            raise KeyringError("The signing keys cannot be read: the database does not answer.") from exc
        if not rows:
            return self._adopt_files()
        records = tuple(_record(row) for row in rows)
        current = current_record(records, self.where)
        pem = next(row.private_pem for row in rows if row.kid == current.kid)
        if pem is None:
            raise KeyringError(f"The current key {current.kid} has no private part.")
        return Shelved(records, pem, stamp)

    def update(self, edit: Edit) -> None:
        with self.store.write() as session:
            counters.bump(session, counters.SIGNING_KEYS)  # first: on PostgreSQL its row lock orders updates
            rows = {row.kid: row for row in session.scalars(select(SigningKeyRow)).all()}
            before = tuple(_record(row) for row in sorted(rows.values(), key=lambda r: (r.created_at, r.kid)))
            records, pems = edit(before or None)
            kept = {r.kid for r in records}
            if set(rows) - kept:
                session.execute(delete(SigningKeyRow).where(SigningKeyRow.kid.in_(set(rows) - kept)))
            for record in records:
                row = rows.get(record.kid) or SigningKeyRow(kid=record.kid)
                row.x, row.created_at, row.retired_at = record.x, record.created_at, record.retired_at
                row.compromised_at, row.encrypted = record.compromised_at, record.encrypted
                if record.kid in pems:
                    row.private_pem = pems[record.kid]
                elif record.file is None:
                    row.private_pem = None
                session.add(row)

    def _adopt_files(self) -> Shelved | None:
        """The keys an older version kept in ``legacy_dir``, copied in (None if there are none there either)."""
        if self.legacy_dir is None:
            return None
        old = DirectoryShelf(self.legacy_dir).read()
        if old is None:
            return None
        current = current_record(old.records, str(self.legacy_dir))
        self.update(lambda records: (records, {}) if records else (old.records, {current.kid: old.current_pem}))
        return self.read()


def _record(row: SigningKeyRow) -> KeyRecord:
    return KeyRecord(kid=row.kid, x=row.x, created_at=row.created_at, retired_at=row.retired_at,
                     file=f"{row.kid}.pem" if row.private_pem is not None else None, encrypted=row.encrypted,
                     compromised_at=row.compromised_at)
