"""The start-up durability self-test (catalogue 96): no start on storage that could lose a 202."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event

from tests.certificates import make_certificate, render_pdf
from tests.serving import BIN, ROOT, free_port
from verify import create_app
from verify.store.db import make_engine
from verify.store.selfcheck import PROBE_PREFIX, DurabilityError, check_data_dir, check_database


def test_96_a_healthy_data_dir_and_database_pass_and_leave_nothing_behind(tmp_path: Path) -> None:
    app = create_app({"data_dir": tmp_path / "data", "ocr_engine": "none"})
    app.extensions["verify"].store.dispose()
    assert not list((tmp_path / "data").glob(PROBE_PREFIX + "*"))


def test_96_a_data_dir_that_cannot_be_created_refuses_the_start(tmp_path: Path) -> None:
    occupied = tmp_path / "a-file"
    occupied.write_text("not a directory")
    with pytest.raises(DurabilityError, match="VERIFY_DATA_DIR"):
        create_app({"data_dir": occupied / "data"})


def test_96_a_failing_fsync_refuses_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_fsync(_fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(DurabilityError, match=r"cannot be written and synced to disk \(Input/output error\)"):
        check_data_dir(tmp_path / "data")
    with pytest.raises(DurabilityError):
        create_app({"data_dir": tmp_path / "data"})
    assert not list((tmp_path / "data").glob(PROBE_PREFIX + "*"))


def test_96_sqlite_without_wal_and_full_sync_is_refused(tmp_path: Path) -> None:
    plain = create_engine(f"sqlite:///{tmp_path / 'plain.db'}")  # SQLite's defaults: rollback journal, no WAL
    try:
        with pytest.raises(DurabilityError, match="journal_mode=delete"):
            check_database(plain)
    finally:
        plain.dispose()
    normal = make_engine(f"sqlite:///{tmp_path / 'normal.db'}")
    event.listen(normal, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA synchronous=NORMAL"))
    try:
        with pytest.raises(DurabilityError, match="synchronous=1"):
            check_database(normal)
    finally:
        normal.dispose()


def test_96_an_in_memory_database_is_refused_by_setup_and_worker(tmp_path: Path) -> None:
    app = create_app({"data_dir": tmp_path / "data", "database_url": "sqlite://"})
    for command in (["setup"], ["worker", "--threads", "1"]):
        result = app.test_cli_runner().invoke(args=command)
        assert isinstance(result.exception, DurabilityError), command
        assert "journal_mode=memory" in str(result.exception)


def test_96_the_offline_check_command_needs_no_database(tmp_path: Path) -> None:
    """CONTRACT: ``flask check`` runs without a server or a database, so no database check stands in its way."""
    document = tmp_path / "licence.pdf"
    document.write_bytes(render_pdf(make_certificate("lawyer_practice", seed=3)))
    unreachable = f"sqlite:///{tmp_path / 'no-such-dir' / 'verify.db'}"
    app = create_app({"data_dir": tmp_path / "data", "database_url": unreachable,
                      "ocr_engine": "none"})
    result = app.test_cli_runner().invoke(args=["check", str(document), "--json"])
    assert result.exit_code == 0, result.output
    assert '"kind": "lawyer_practice"' in result.output


def test_96_a_database_that_cannot_commit_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'verify.db'}")

    def refuse(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("PRAGMA user_version ="):
            raise sqlite3.OperationalError("attempt to write a readonly database")

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        with pytest.raises(DurabilityError, match="cannot commit a write and read it back"):
            check_database(engine)
    finally:
        engine.dispose()
    check_database(make_engine(f"sqlite:///{tmp_path / 'verify.db'}"))  # the same file, writable: fine


def test_96_gunicorn_refuses_to_serve_on_a_database_that_could_lose_a_commit(tmp_path: Path) -> None:
    """The serving path (gunicorn.conf.py's worker start) runs the database self-test and stops."""
    env = {**os.environ, "VERIFY_DATA_DIR": str(tmp_path / "data"), "VERIFY_DATABASE_URL": "sqlite://",
           "HOST": "127.0.0.1", "PORT": str(free_port()), "WEB_CONCURRENCY": "1"}
    done = subprocess.run([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "journal_mode=memory" in done.stderr and "Worker failed to boot" in done.stderr


def test_96_processes_starting_together_all_pass_the_check_while_others_write(tmp_path: Path) -> None:
    """gunicorn starts its workers at once, next to job runners writing: the check waits its turn, never fails."""
    url = f"sqlite:///{tmp_path / 'verify.db'}"
    busy = make_engine(url)
    with busy.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    failures: list[BaseException] = []
    stop = threading.Event()

    def write_all_the_time() -> None:
        with busy.connect().execution_options(sqlite_immediate=True) as connection:
            while not stop.is_set():
                connection.exec_driver_sql("INSERT INTO t VALUES (1)")
                connection.commit()
                stop.wait(0.002)

    def check() -> None:
        try:
            check_database(make_engine(url))
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)

    writer = threading.Thread(target=write_all_the_time)
    writer.start()
    try:
        checkers = [threading.Thread(target=check) for _ in range(8)]
        for thread in checkers:
            thread.start()
        for thread in checkers:
            thread.join(60)
    finally:
        stop.set()
        writer.join(30)
        busy.dispose()
    assert not failures, failures
