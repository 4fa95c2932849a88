"""Engine, sessions and migrations.

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL`` so that an
acknowledged submission survives a crash; PostgreSQL works through the same URL setting.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text  # noqa: F401 - text: doctest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from verify.crypto.at_rest import ENVELOPE
from verify.crypto.envelope import Envelope
from verify.errors import StorageFull

MIGRATIONS = Path(__file__).parent / "migrations"


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    # Writers take the lock up front so they wait (busy_timeout) instead of failing on upgrade.
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_storage_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk or the database is full (ENOSPC, SQLITE_FULL, PostgreSQL 53100).

    >>> import errno
    >>> is_storage_full(OSError(errno.ENOSPC, "No space left on device"))
    True
    """
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, OSError) and orig.errno == errno.ENOSPC:
        return True
    if isinstance(orig, sqlite3.Error):
        return getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(orig)
    return getattr(orig, "pgcode", None) == "53100" or getattr(orig, "sqlstate", None) == "53100"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and durable pragmas."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


class Store:
    """The database: ``read()`` and ``write()`` give sessions that commit on success.

    With an ``envelope`` (``verify.crypto.envelope.Envelope``), personal data is sealed on
    write and opened on load (``verify.crypto.at_rest``); without one it is refused.

    >>> store = Store("sqlite://")
    >>> with store.read() as session:
    ...     session.execute(text("select 1")).scalar()
    1
    """

    def __init__(self, url: str, envelope: Envelope | None = None) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = url.startswith("sqlite")
        writer = self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        info = {ENVELOPE: envelope} if envelope is not None else {}
        self._reads = sessionmaker(self.engine, expire_on_commit=False, info=info)
        self._writes = sessionmaker(writer, expire_on_commit=False, info=info)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reads() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction; a full disk or database becomes ``StorageFull`` (503, nothing committed)."""
        try:
            with self._writes() as session, session.begin():
                yield session
        except (OperationalError, OSError) as exc:
            if is_storage_full(exc):
                raise StorageFull() from exc
            raise

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Apply every migration to the database at ``url`` (idempotent)."""
    command.upgrade(alembic_config(url), "head")
