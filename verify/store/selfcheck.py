"""The start-up self-test: refuse to serve on storage that could lose an acknowledged submission.

A 202 promises the submission is on disk. ``create_app`` therefore checks, before
anything is served, that

- the data dir can be created, written, ``fsync``-ed and read back (``check_data_dir``);
- the database keeps commits across a crash and takes one now (``check_database``):
  SQLite in WAL mode with ``synchronous=FULL`` (or ``EXTRA``), PostgreSQL with ``fsync``
  on and ``synchronous_commit`` not off (as the server, the database or the role sets it),
  not read-only; then a write transaction commits and a fresh connection reads it back (SQLite: a
  ``user_version`` write; PostgreSQL: a transaction id, whose status must read ``committed``).

Anything else raises ``DurabilityError`` with a message naming what to fix, and the
service does not start. Source: SQLite's ``PRAGMA synchronous`` and WAL documentation,
PostgreSQL's WAL configuration chapter.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from verify.durable import fsync_dir, write_file

PROBE_PREFIX = ".verify-selfcheck-"
_SQLITE_DURABLE = {2: "FULL", 3: "EXTRA"}  # PRAGMA synchronous values that survive power loss in WAL mode


class DurabilityError(RuntimeError):
    """The storage cannot keep what the service would acknowledge; the message says what to fix."""


def check_data_dir(path: Path) -> None:
    """Create ``path`` if needed, then write, fsync, read back and remove a probe file in it."""
    probe = path / f"{PROBE_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    payload = secrets.token_bytes(64)
    try:
        path.mkdir(parents=True, exist_ok=True)
        write_file(probe, payload, exclusive=True)
        fsync_dir(path)
        if probe.read_bytes() != payload:
            raise DurabilityError(f"The data dir {path} did not read back what was written to it; "
                                  "verify refuses to start on it.")
    except OSError as exc:
        raise DurabilityError(
            f"The data dir {path} cannot be written and synced to disk ({exc.strerror or exc}); verify refuses "
            "to start. Point VERIFY_DATA_DIR at a writable local directory."
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            probe.unlink(missing_ok=True)


def check_database(engine: Engine) -> None:
    """Check the database's durability settings and that a write commits and reads back."""
    try:
        if engine.dialect.name == "sqlite":
            _check_sqlite(engine)
        elif engine.dialect.name == "postgresql":
            _check_postgresql(engine)
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None) or exc
        raise DurabilityError(
            f"The database {engine.url.render_as_string(hide_password=True)} cannot commit a write and read it "
            f"back ({type(orig).__name__}: {str(orig).splitlines()[0] if str(orig) else ''}); verify refuses "
            "to start."
        ) from exc


def _check_sqlite(engine: Engine) -> None:
    with engine.connect() as connection:
        journal = str(connection.exec_driver_sql("PRAGMA journal_mode").scalar()).lower()
        synchronous = int(connection.exec_driver_sql("PRAGMA synchronous").scalar() or 0)
        if journal != "wal" or synchronous not in _SQLITE_DURABLE:
            raise DurabilityError(
                f"SQLite at {engine.url} runs with journal_mode={journal}, synchronous={synchronous}; verify needs "
                "journal_mode=wal and synchronous=FULL so an acknowledged submission survives a crash, and "
                "refuses to start (a file on a local disk gives both; in-memory and network file systems do not)."
            )
    # A real write (a WAL frame and a commit) in a transaction that takes the write lock up front, so it
    # waits its turn (busy_timeout) behind another process's writer instead of failing on the upgrade.
    with engine.connect().execution_options(sqlite_immediate=True) as writer:
        version = int(writer.exec_driver_sql("PRAGMA user_version").scalar() or 0)
        writer.exec_driver_sql(f"PRAGMA user_version = {version}")
        writer.commit()
    with engine.connect() as fresh:
        fresh.exec_driver_sql("PRAGMA user_version").scalar()
    engine.dispose()  # the next connection starts clean


def _check_postgresql(engine: Engine) -> None:
    with engine.connect() as connection:
        fsync = str(connection.exec_driver_sql("SHOW fsync").scalar())
        synchronous_commit = str(connection.exec_driver_sql("SHOW synchronous_commit").scalar())
        if fsync != "on" or synchronous_commit == "off":
            raise DurabilityError(
                f"PostgreSQL runs with fsync={fsync}, synchronous_commit={synchronous_commit}; verify needs fsync=on "
                "and synchronous_commit=on so an acknowledged submission survives a crash, and refuses to start."
            )
        if connection.exec_driver_sql("SHOW transaction_read_only").scalar() != "off":
            raise DurabilityError(
                f"PostgreSQL at {engine.url.render_as_string(hide_password=True)} is read-only (a standby, or "
                "default_transaction_read_only=on); verify needs a writable primary and refuses to start."
            )
        # A transaction id makes the commit a real one (a WAL commit record, flushed); a standby refuses it.
        transaction = connection.exec_driver_sql("SELECT txid_current()").scalar()
        connection.commit()
    with engine.connect() as fresh:
        status = fresh.execute(text("SELECT txid_status(:xid)"), {"xid": transaction}).scalar()
    if status != "committed":
        raise DurabilityError(f"PostgreSQL reports the self-test's commit as {status}, not committed; verify "
                              "refuses to start.")
