"""Engine, sessions and migrations.

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL`` so that an
acknowledged submission survives a crash; PostgreSQL works through the same URL setting
(``postgresql://user:password@host/db`` or ``postgresql:///db?host=/run/postgresql``), driven
by psycopg 3 whatever driver the URL names by default, with every session in UTC.
A database that does not answer becomes ``DatabaseUnavailable`` (503) and a full one
``StorageFull`` (503), so callers never see a driver exception.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DataError, DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from verify.crypto.at_rest import ENVELOPE
from verify.crypto.envelope import Envelope
from verify.errors import BadRequest, DatabaseUnavailable, StorageFull

MIGRATIONS = Path(__file__).parent / "migrations"
_CONNECT_TIMEOUT = 10  # seconds to reach a PostgreSQL server before the request answers 503
_NUL_REFUSED = "Text values must not contain NUL (U+0000) characters."
log = logging.getLogger(__name__)


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


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached or used right now (not a bug in a query).

    >>> is_database_unavailable(OperationalError("select 1", {}, sqlite3.OperationalError("disk I/O error")))
    True
    >>> is_database_unavailable(ValueError("no"))
    False
    """
    if isinstance(exc, (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def is_nul_in_text(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL refusing a NUL character in a text value (SQLite stores it).

    NUL never belongs in an id, a name or a reason: the request is at fault, not the database.
    """
    return isinstance(exc, DataError) and "NUL (0x00)" in str(getattr(exc, "orig", ""))


def _unavailable(exc: BaseException) -> DatabaseUnavailable:
    orig = getattr(exc, "orig", None) or exc
    log.error("database unavailable: %s: %s", type(orig).__name__, str(orig).splitlines()[0][:200] if str(orig) else "")
    return DatabaseUnavailable()


def database_url(url: str) -> URL:
    """``url`` parsed, with PostgreSQL's default driver set to psycopg 3 (the one requirements.txt installs).

    SQLAlchemy reads ``postgresql://`` as psycopg2, which is not installed; ``postgres://`` (as
    some hosting platforms write it) it does not read at all.

    >>> database_url("postgresql://verify@db/verify").drivername
    'postgresql+psycopg'
    >>> database_url("postgres://verify@db/verify").drivername
    'postgresql+psycopg'
    >>> database_url("postgresql+psycopg2://verify@db/verify").drivername
    'postgresql+psycopg2'
    >>> database_url("sqlite:///instance/verify.db").drivername
    'sqlite'
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _on_postgresql_connect(dbapi_connection: Any, _record: Any) -> None:
    # Columns hold naive UTC (models.UtcDateTime); a session in the server's local zone would shift
    # anything PostgreSQL itself turns into a timestamp (now(), casts) by the zone's offset.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.commit()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (see ``database_url``); SQLite files get their folder created and durable pragmas.

    Pooled PostgreSQL connections are pinged before use, so the service recovers by itself once a
    restarted server answers again; a connection attempt gives up after ``connect_timeout`` (10 s
    unless the URL says otherwise) instead of holding a request.
    """
    parsed = database_url(url)
    if parsed.get_backend_name() == "postgresql":
        connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": _CONNECT_TIMEOUT}
        engine = create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
        event.listen(engine, "connect", _on_postgresql_connect)
        return engine
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def hold_lock(session: Session, name: str) -> None:
    """Hold the lock called ``name`` until ``session``'s transaction ends (a PostgreSQL advisory lock).

    For a read-then-write that must not interleave with another one of the same name (a quota
    count, say). SQLite needs none: its writers are serialised by ``BEGIN IMMEDIATE``.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


@contextmanager
def _problems() -> Iterator[None]:
    """Database failures as the problems the API answers: storage full, unavailable, NUL in text."""
    try:
        yield
    except (DBAPIError, OSError) as exc:
        if is_storage_full(exc):
            raise StorageFull() from exc
        if is_database_unavailable(exc):
            raise _unavailable(exc) from exc
        if is_nul_in_text(exc):
            raise BadRequest(_NUL_REFUSED) from exc
        raise
    except (DisconnectionError, PoolTimeout) as exc:
        raise _unavailable(exc) from exc


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
        self.engine = make_engine(url)
        self.envelope = envelope
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        writer = self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        info = {ENVELOPE: envelope} if envelope is not None else {}
        self._reads = sessionmaker(self.engine, expire_on_commit=False, info=info)
        self._writes = sessionmaker(writer, expire_on_commit=False, info=info)
        self._dedicated: list[Any] = []

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction; a database that does not answer becomes ``DatabaseUnavailable`` (503)."""
        with _problems(), self._reads() as session, session.begin():
            yield session

    @contextmanager
    def rows(self) -> Iterator[Connection]:
        """A plain connection for Core reads without an ORM session (half the cost of ``read`` for one query);
        a database that does not answer becomes ``DatabaseUnavailable`` (503)."""
        with _problems(), self.engine.connect() as connection:
            yield connection

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction; a full disk or database becomes ``StorageFull``, a database that does not
        answer ``DatabaseUnavailable`` (both 503, nothing committed)."""
        with _problems(), self._writes() as session, session.begin():
            yield session

    def dedicated_connection(self) -> Any:
        """A driver connection of its own, outside the pool, in autocommit: no checkout, ping or rollback around
        each statement (for one hot query). Closed by :meth:`dispose`; whoever drops it closes it."""
        pooled = self.engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()
        connection.autocommit = True
        self._dedicated.append(connection)
        return connection

    def dispose(self) -> None:
        for connection in self._dedicated:
            with contextlib.suppress(Exception):
                connection.close()
        self._dedicated.clear()
        self.engine.dispose()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Apply every migration to the database at ``url`` (idempotent)."""
    command.upgrade(alembic_config(url), "head")
