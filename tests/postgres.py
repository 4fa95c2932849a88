"""A real PostgreSQL server for the tests: ``initdb`` into a temporary folder, ``pg_ctl start``.

The server listens on a Unix socket in that folder only (no TCP port to collide on) and
trusts local connections. PostgreSQL refuses to run as root, so as root the cluster belongs
to the ``postgres`` system user that Debian's ``postgresql`` package creates and every server
command runs through ``runuser``. Missing binaries fail the tests rather than skip them:
``make test`` installs the package, and CI must not pass without having run them.

Its time zone is Asia/Shanghai, not UTC, so that anything relying on the server's zone shows.
Each test gets its own database, copied from a migrated template (``PostgresServer.database``).
The cluster lives in /dev/shm when there is room (fsync stays on; on tmpfs it costs nothing),
which keeps the outage test's shutdown checkpoint and the clean-up fast on a busy disk.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import URL

from verify.store.db import upgrade

PORT = 5432  # names the socket file only: the server has no TCP listener
SUPERUSER = "verify"
TEMPLATE = "verify_template"
SERVER_USER = "postgres"
SHM, SHM_NEEDED = "/dev/shm", 1 << 30


def server_binaries() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: on the PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not versions:
        pytest.fail("PostgreSQL's server binaries (initdb, pg_ctl) are missing: install Debian's `postgresql` "
                    "package (`make test` does, as root).", pytrace=False)
    return versions[-1].parent


def _as_server_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        pytest.fail(f"running as root, and there is no `{SERVER_USER}` user to run PostgreSQL as (Debian's "
                    "`postgresql` package creates it)", pytrace=False)
    return ["runuser", "-u", SERVER_USER, "--"]


@dataclass
class PostgresServer:
    """One running cluster; ``stop()``/``start()`` take it down and bring it back (outage tests)."""

    bin_dir: Path
    root: Path
    prefix: list[str]
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _template_ready: bool = False

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([*self.prefix, str(self.bin_dir / args[0]), *args[1:]], capture_output=True,
                                text=True, timeout=60, check=False, cwd=self.root)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stderr or result.stdout}\n{log}")
        return result

    def init(self) -> None:
        self.socket_dir.mkdir()
        if self.prefix:
            shutil.chown(self.root, SERVER_USER)
            shutil.chown(self.socket_dir, SERVER_USER)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8",
                  "--locale=C.UTF-8", "--no-instructions", "--no-sync")
        settings = {
            "listen_addresses": "''", "unix_socket_directories": f"'{self.socket_dir}'", "port": str(PORT),
            "timezone": "'Asia/Shanghai'", "log_timezone": "'UTC'", "shared_buffers": "'32MB'",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` as a user would write it (``postgresql://``, no driver named)."""
        return URL.create("postgresql", username=SUPERUSER, database=database,
                          query={"host": str(self.socket_dir), "port": str(PORT)}).render_as_string()

    def admin(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """A psycopg connection in autocommit mode, for CREATE DATABASE, ALTER SYSTEM and such."""
        return psycopg.connect(host=str(self.socket_dir), port=PORT, user=SUPERUSER, dbname=database,
                               autocommit=True)

    def execute(self, sql: str, database: str = "postgres") -> None:
        with self.admin(database) as connection:
            connection.execute(sql.encode())

    def database(self, *, migrated: bool = True) -> str:
        """A new, empty database (with every migration applied unless ``migrated=False``); its URL."""
        name = f"verify_test_{next(self._names)}"
        if migrated and not self._template_ready:
            self.execute(f"CREATE DATABASE {TEMPLATE}")
            upgrade(self.url(TEMPLATE))
            self._template_ready = True
        template = f" TEMPLATE {TEMPLATE}" if migrated else ""
        self.execute(f"CREATE DATABASE {name}{template}")
        return self.url(name)

    def dump(self, database: str) -> str:
        """``pg_dump`` of ``database``: schema and every row, as SQL text."""
        result = subprocess.run(
            [str(self.bin_dir / "pg_dump"), "-h", str(self.socket_dir), "-p", str(PORT), "-U", SUPERUSER,
             "--no-owner", database], capture_output=True, text=True, timeout=60, check=True)
        return result.stdout

    def reload(self) -> None:
        self.execute("SELECT pg_reload_conf()")


def _memory_backed_dir() -> str | None:
    """/dev/shm when it has room: checkpoints and the clean-up take seconds less than on a busy disk.

    ``fsync`` stays on (the self-test checks the setting); on tmpfs it just costs nothing.
    """
    with contextlib.suppress(OSError):
        if shutil.disk_usage(SHM).free >= SHM_NEEDED:
            return SHM
    return None


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    bin_dir, prefix = server_binaries(), _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="verify-pg-", dir=_memory_backed_dir()))
    server = PostgresServer(bin_dir, root, prefix)
    try:
        server.init()
        server.start()
        yield server
    finally:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (fails, never skips, when PostgreSQL is not installed)."""
    with running_server() as server:
        yield server


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> str:
    """A fresh migrated database for one test, as a ``postgresql://`` URL."""
    return postgres.database()
