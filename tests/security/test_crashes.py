"""Crashes at the worst moment (catalogue 1, 2, 88-91, 95): nothing half-done becomes visible.

The upload crash runs the real server (gunicorn, as README runs it) and SIGKILLs it while
a request body is still arriving; the disk-full test puts the data dir on a tiny tmpfs.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import event, select

from tests.certificates import make_certificate
from tests.conftest import make_app, new_key, process_all
from tests.security.client import submit
from tests.test_server import Server
from tests.uploads import holder_form, signed_pdf
from verify.services.context import Services
from verify.services.processing import claim_next, complete, run_job
from verify.store.models import Document, Label, Verification

CERTIFICATE = make_certificate("physician_practice", 13)
PDF = signed_pdf(CERTIFICATE)  # approvable: signed by the tests' trusted issuer, sent with the holder's data
HOLDER = holder_form(CERTIFICATE)


def _rows(database: Path) -> tuple[int, int]:
    connection = sqlite3.connect(database)
    try:
        return (connection.execute("select count(*) from verifications").fetchone()[0],
                connection.execute("select count(*) from documents").fetchone()[0])
    finally:
        connection.close()


def _multipart(boundary: str, data: bytes) -> bytes:
    return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"account_id\"\r\n\r\nacct-1\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"profession\"\r\n\r\ndoctor\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"d.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_sigkill_during_an_upload_leaves_no_half_row_and_limits_hold_under_gunicorn(tmp_path: Path) -> None:
    server = Server(tmp_path / "data")
    try:
        server.start()
        key = server.flask("keys", "create", "--platform", "acme", "--role", "platform").strip().splitlines()[-1]
        limit = 10 * 1024 * 1024

        # 1: a declared body over the limit is refused before it is sent
        started = time.monotonic()
        answer = requests.post(server.url + "/v1/verifications", headers={
            "Authorization": f"Bearer {key}", "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(limit * 3)}, data=b"", timeout=10)
        assert answer.status_code == 413 and time.monotonic() - started < 5

        # 2: a chunked body with no length is cut off after the limit
        def chunks() -> Iterator[bytes]:
            yield _multipart("b0undary", b"%PDF-1.4\n")[:-20]
            for _ in range(limit // (1 << 20) * 2):
                yield bytes(1 << 20)

        answer = requests.post(server.url + "/v1/verifications", data=chunks(), timeout=30, headers={
            "Authorization": f"Bearer {key}", "Content-Type": "multipart/form-data; boundary=b0undary"})
        assert answer.status_code == 413

        # SIGKILL while the document is half sent
        body = _multipart("b0undary", PDF)
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
            connection.sendall((f"POST /v1/verifications HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                f"Authorization: Bearer {key}\r\nContent-Length: {len(body)}\r\n"
                                "Content-Type: multipart/form-data; boundary=b0undary\r\n\r\n").encode()
                               + body[: len(body) // 2])
            time.sleep(0.3)
            server.kill()
        assert _rows(tmp_path / "data" / "verify.db") == (0, 0)
        server.start()
        listing = requests.get(server.url + "/v1/verifications", headers={"Authorization": f"Bearer {key}"},
                               timeout=10).json()
        assert listing["items"] == []
    finally:
        server.kill()


def test_91_a_job_delivered_twice_writes_once(client: Any, services: Services, platform_key: str) -> None:
    submit(client, platform_key, PDF, **HOLDER)
    claim = claim_next(services)
    assert claim is not None
    result = run_job(services, claim)
    assert complete(services, claim, result) is True
    assert complete(services, claim, result) is False  # the same delivery again: refused
    assert claim_next(services) is None  # and a finished job is never handed out again
    with services.store.read() as session:
        assert len(session.scalars(select(Label)).all()) == 1


def test_90_91_two_workers_racing_for_one_job_produce_one_result(
    client: Any, services: Services, platform_key: str
) -> None:
    submit(client, platform_key, PDF, **HOLDER)
    stale = claim_next(services)
    later = services.clock() + timedelta(seconds=services.settings.job_lease_seconds + 1)
    services.clock.set(later)  # the first worker looks dead: its lease lapsed
    fresh = claim_next(services)
    assert stale is not None and fresh is not None and fresh.attempts == 2
    outcomes: list[bool] = []
    barrier = threading.Barrier(2)

    def work(claim: Any) -> None:
        result = run_job(services, claim)
        barrier.wait()
        outcomes.append(complete(services, claim, result))

    threads = [threading.Thread(target=work, args=(claim,)) for claim in (stale, fresh)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == [False, True]
    with services.store.read() as session:
        assert len(session.scalars(select(Label)).all()) == 1
        assert session.scalars(select(Verification)).one().status == "approved"


# --- 95: disk full ---------------------------------------------------------------------------
def _assert_storage_full(answer: Any) -> None:
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.json["type"] == "https://verify.example/problems/storage_full"
    assert int(answer.headers["Retry-After"]) > 0


def test_95_an_injected_enospc_at_the_store_is_503_and_nothing_is_acknowledged(
    client: Any, services: Services, platform_key: str
) -> None:
    assert submit(client, platform_key, PDF, account_id="before").status_code == 202

    def full(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO documents"):
            raise sqlite3.OperationalError("database or disk is full")

    event.listen(services.store.engine, "before_cursor_execute", full)
    try:
        _assert_storage_full(submit(client, platform_key, PDF, account_id="during",
                                    headers={"Idempotency-Key": "retry-me"}))
    finally:
        event.remove(services.store.engine, "before_cursor_execute", full)
    with services.store.read() as session:
        assert [v.account_id for v in session.scalars(select(Verification))] == ["before"]
        assert len(session.scalars(select(Document)).all()) == 1
    retried = submit(client, platform_key, PDF, account_id="during", headers={"Idempotency-Key": "retry-me"})
    assert retried.status_code == 202  # the key was not burnt by the failed attempt


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "tiny"
    mount.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True,
                       capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("cannot mount a tmpfs here (not root?); the injected ENOSPC test covers the store")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False, capture_output=True, timeout=10)


def test_95_a_full_disk_is_503_nothing_is_acknowledged_and_it_recovers(tiny_disk: Path) -> None:
    app: Flask = make_app(tiny_disk / "data", ocr_engine="none", limits={"account_uploads_per_day": 0})
    services = app.extensions["verify"]
    client = app.test_client()
    key = new_key(services, "acme", "platform")
    filler = tiny_disk / "filler"
    with contextlib.suppress(OSError), open(filler, "wb") as handle:
        while True:  # fill the disk to the last block
            handle.write(bytes(64 * 1024))
            handle.flush()
    document = b"%PDF-1.4\n" + secrets.token_bytes(200_000)  # incompressible; intake only sniffs
    answers = [submit(client, key, document, account_id=f"a{i}") for i in range(3)]
    _assert_storage_full(answers[-1])
    acknowledged = sum(a.status_code == 202 for a in answers)
    assert all(a.status_code in (202, 503) for a in answers)
    services.store.dispose()
    assert _rows(tiny_disk / "data" / "verify.db") == (acknowledged, acknowledged)

    os.unlink(filler)  # space comes back: so does the service
    answer = submit(client, key, document, account_id="after")
    assert answer.status_code == 202
    assert process_all(services) == acknowledged + 1
    with services.store.read() as session:
        assert session.get(Verification, answer.json["id"]).status in ("rejected", "needs_review")
    services.store.dispose()


def test_95_a_full_temp_dir_does_not_touch_an_upload_kept_in_memory(
    client: Any, platform_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Werkzeug spooled a part over 500 kB to TMPDIR (a full one answered 503); uploads stay in memory now."""
    def no_space(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("werkzeug.formparser.SpooledTemporaryFile", no_space, raising=False)
    monkeypatch.setattr("werkzeug.formparser.TemporaryFile", no_space, raising=False)
    answer = submit(client, platform_key, b"%PDF-1.4\n" + bytes(700_000))
    assert answer.status_code == 202, answer.get_json()
