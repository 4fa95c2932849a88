"""The service as README runs it: `flask setup`, then gunicorn with gunicorn.conf.py.

Real processes, real SQLite file, real Tesseract; includes the crash test: SIGKILL the
whole server while verifications are pending, start it again, and every submission that
got a 202 reaches an end state.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from tests.certificates import degrade, make_certificate, render_image, render_pdf, to_jpeg
from tests.conftest import make_app, new_key, process_all
from tests.serving import Server
from tests.uploads import holder_form, signed_pdf, submit
from tests.walkthrough import submit as http_submit
from tests.walkthrough import wait_final
from verify.services.context import Services
from verify.services.processing import claim_next
from verify.store.models import AuditEvent, Document, Label, ReviewItem, Verification

__all__ = ["Server"]  # tests.security.test_crashes imports it from here
pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path / "data", env={"VERIFY_JOB_LEASE_SECONDS": "3"})
    yield server
    server.kill()


def _key(server: Server, platform: str = "acme-video") -> dict[str, str]:
    return {"Authorization": f"Bearer {server.create_key(platform)}"}


def test_setup_writes_the_first_admin_key_to_a_file_and_never_to_a_pipe(server: Server) -> None:
    first_run = server.flask("setup")  # stdout a pipe, as in a container: the first admin key goes to a file only
    admin_key = Path(server.env["VERIFY_DATA_DIR"]) / "first-admin-key"
    assert "vk_" not in first_run and str(admin_key) in first_run
    assert admin_key.read_text().startswith("vk_") and admin_key.stat().st_mode & 0o777 == 0o600
    assert "vk_" not in server.flask("setup")


# README's walk-through runs against this server and against a cluster: tests/cluster/test_cluster.py


def test_sigkill_with_pending_work_loses_nothing(server: Server) -> None:
    server.start()
    auth = _key(server)
    ids = []
    for seed in range(4):
        cert = make_certificate(["physician_practice", "lawyer_practice", "teacher_qualification"][seed % 3], seed)
        profession = {"physician_practice": "doctor", "lawyer_practice": "lawyer"}.get(cert.kind.value, "teacher")
        photo = to_jpeg(degrade(render_image(cert), "scan", seed), 80)
        ids.append(http_submit(server.url, auth, photo, "scan.jpg", "image/jpeg", profession=profession,
                           account_id=f"acct-{seed}")["id"])
    ids.append(http_submit(server.url, auth, render_pdf(make_certificate("physician_practice", 9)), "d.pdf",
                       "application/pdf")["id"])
    server.kill(signal.SIGKILL)  # mid-processing: at most a job or two has started
    server.start()
    results = wait_final(server.url, auth, ids)
    assert set(results) == set(ids)


# --- 100: a restart with jobs in every state ----------------------------------------------------------
def _snapshot(data_dir: Path) -> dict[str, Any]:
    """Every verification's processing state, its labels and review items, and the label-issue events."""
    app = make_app(data_dir)
    store = app.extensions["verify"].store
    try:
        with store.read() as session:
            rows = {v.id: (v.status, tuple(v.reasons), v.attempts, v.finished_at, v.updated_at, v.lease_token)
                    for v in session.scalars(select(Verification))}
            labels = {v: sorted(session.scalars(select(Label.id).where(Label.verification_id == v))) for v in rows}
            items = {v: session.scalar(select(func.count()).select_from(ReviewItem)
                                       .where(ReviewItem.verification_id == v)) for v in rows}
            issued = sorted(session.scalars(select(AuditEvent.subject_id).where(AuditEvent.action == "label.issue")))
            documents = session.scalar(select(func.count()).select_from(Document))
        return {"rows": rows, "labels": labels, "items": items, "issued": issued, "documents": documents}
    finally:
        store.dispose()


@pytest.mark.timeout(300)
def test_100_a_restart_with_jobs_in_every_state_reruns_nothing_done_and_loses_nothing_pending(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    app = make_app(data_dir)
    services: Services = app.extensions["verify"]
    client = app.test_client()
    key = new_key(services, "acme-video", "platform")

    def send(seed: int, account: str) -> str:
        cert = make_certificate("physician_practice", seed)
        answer = submit(client, key, signed_pdf(cert), account_id=account, **holder_form(cert))
        assert answer.status_code == 202, answer.json
        return answer.json["id"]

    # dead-lettered: its worker died on every attempt, so it went to review with processing_failed
    dead = send(101, "dead")
    start = services.clock()
    for attempt in range(services.settings.job_max_attempts):
        moment = start + timedelta(seconds=(services.settings.job_lease_seconds + 1) * attempt)
        services.clock.set(moment)
        assert claim_next(services) is not None
    services.clock.set(start + timedelta(minutes=10))
    assert process_all(services) == 1
    services.clock.release()
    done = send(102, "done")  # done: approved, with its label
    assert process_all(services) == 1
    leased = send(103, "leased")  # leased by a worker that then died with the stack
    claim = claim_next(services)
    assert claim is not None and claim.verification_id == leased
    queued = send(104, "queued")  # queued, never claimed
    services.store.dispose()

    before = _snapshot(data_dir)
    assert before["rows"][dead][:3] == ("needs_review", ("processing_failed",), services.settings.job_max_attempts + 1)
    assert before["rows"][done][0] == "approved" and len(before["labels"][done]) == 1
    assert before["rows"][leased][0] == "processing" and before["rows"][queued][0] == "pending"

    server = Server(data_dir, env={"VERIFY_JOB_LEASE_SECONDS": "3"})
    try:
        server.start()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with sqlite3.connect(data_dir / "verify.db") as connection:
                states = dict(connection.execute("select id, status from verifications").fetchall())
            connection.close()
            if states[leased] not in ("pending", "processing") and states[queued] not in ("pending", "processing"):
                break
            time.sleep(0.5)
        time.sleep(2)  # the runners poll on: give a replay the chance to show
        server.stop()
        after = _snapshot(data_dir)

        for finished in (dead, done):  # nothing that was done runs again
            assert after["rows"][finished] == before["rows"][finished]
            assert after["labels"][finished] == before["labels"][finished]
            assert after["items"][finished] == before["items"][finished]
        for pending in (leased, queued):  # nothing pending is lost
            assert after["rows"][pending][0] == "approved", after["rows"][pending]
            assert after["rows"][pending][5] is None  # no lease left behind
            assert len(after["labels"][pending]) == 1 and after["items"][pending] == 0
        assert after["rows"][leased][2] == 2 and after["rows"][queued][2] == 1  # the dead worker's try, and one more
        assert after["items"][dead] == 1
        assert sorted(after["issued"]) == sorted(label for v in (done, leased, queued) for label in after["labels"][v])
        assert after["documents"] == before["documents"] == 4

        server.start()  # and a second, clean restart changes nothing at all
        time.sleep(5)
        server.stop()
        assert _snapshot(data_dir) == after
    finally:
        server.kill()


# --- 23: credentials in URLs --------------------------------------------------------------------------
@pytest.mark.timeout(180)
def test_23_a_key_in_the_query_string_is_refused_and_never_reaches_the_logs(tmp_path: Path) -> None:
    log = tmp_path / "gunicorn.log"
    server = Server(tmp_path / "data", log=log)
    try:
        server.start()
        key = server.create_key("acme-video")
        for path in ("/v1/verifications", "/v1/labels/check", "/healthz"):
            answer = requests.get(f"{server.url}{path}?api_key={key}&access_token={key}", timeout=10)
            assert answer.status_code in (200, 401, 405), (path, answer.status_code)
            assert path == "/healthz" or answer.status_code in (401, 405)
        listed = requests.get(f"{server.url}/v1/verifications?account_id=acct-CANARY-23", timeout=10,
                              headers={"Authorization": f"Bearer {key}"})
        assert listed.status_code == 200
        server.stop()
        text = log.read_text(errors="replace")
        assert "/v1/verifications" in text  # the access log is on, and it is this file
        assert key not in text and key.split("_")[-1] not in text
        assert "CANARY" not in text
    finally:
        server.kill()
