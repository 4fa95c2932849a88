"""Catalogue 93, graceful shutdown: SIGTERM to gunicorn while uploads and verifications are in flight.

The real server (tests.serving, as ``make run`` starts it) with a job lease far longer than the
test: a job the shutdown left leased could only finish after that lease, so finishing soon after
the restart proves the shutdown gave it back. Uploads racing the SIGTERM either got their 202
(and are then processed) or failed in a way a client retries (connection refused or reset, 503);
no submission is visible that was not acknowledged, none acknowledged is lost.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient

from tests.certificates import degrade, make_certificate, render_image, render_pdf, to_jpeg
from tests.serving import Server
from tests.uploads import submit
from verify.services.context import Services
from verify.services.processing import claim_next, process_next, release
from verify.store.models import Verification

FINAL = {"approved", "rejected", "needs_review"}
LEASE_SECONDS = 600
PDF = render_pdf(make_certificate("physician_practice", 51))


def _rows(database: Path) -> dict[str, tuple[str, str | None, int, int]]:
    """Every verification: (status, lease token, attempts, documents)."""
    connection = sqlite3.connect(database)
    try:
        return {row[0]: row[1:] for row in connection.execute(
            "select v.id, v.status, v.lease_token, v.attempts, count(d.id) from verifications v "
            "left join documents d on d.verification_id = v.id group by v.id")}
    finally:
        connection.close()


def _post(server: Server, key: str, data: bytes, mime: str, account: str) -> requests.Response:
    return requests.post(server.url + "/v1/verifications", headers={"Authorization": f"Bearer {key}"}, timeout=60,
                         data={"account_id": account, "profession": "doctor"},
                         files={"document": ("document." + mime.split("/")[1], data, mime)})


def test_a_cancelled_job_is_given_back_at_once_and_not_counted(client: FlaskClient, services: Services,
                                                              platform_key: str) -> None:
    verification_id = submit(client, platform_key, PDF).json["id"]
    shutting_down = threading.Event()
    shutting_down.set()
    assert process_next(services, cancel=shutting_down) is True
    with services.store.read() as session:
        verification = session.get(Verification, verification_id)
        assert (verification.status, verification.lease_token, verification.attempts) == ("pending", None, 0)
    claim = claim_next(services)  # at once, not after the lease
    assert claim is not None and claim.verification_id == verification_id and claim.attempts == 1
    assert release(services, claim) is True
    assert release(services, claim) is False  # fenced: a released lease cannot be given back twice


#: gunicorn's graceful timeout in the test: long enough for a loaded machine (two test processes and more on two
#: cores) to release the jobs still running after their third of it, short enough to keep the test quick.
GRACE = 15


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_93_sigterm_finishes_or_gives_back_every_job_and_loses_no_acknowledged_upload(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = Server(data_dir, env={"VERIFY_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
                                   "VERIFY_LIMITS_ACCOUNT_UPLOADS_PER_DAY": "0",
                                   "VERIFY_LIMITS_UPLOADS_PER_MINUTE": "0",
                                   "GUNICORN_CMD_ARGS": f"--graceful-timeout {GRACE}"})  # jobs get a third to finish
    try:
        server.start()
        key = server.create_key("acme-video")
        scans = [to_jpeg(degrade(render_image(make_certificate("physician_practice", n)), "scan", n), 80)
                 for n in range(3)]
        first = [_post(server, key, scan, "image/jpeg", f"scan-{n}").json()["id"] for n, scan in enumerate(scans)]
        deadline = time.monotonic() + 60
        while "processing" not in {row[0] for row in _rows(data_dir / "verify.db").values()}:
            assert time.monotonic() < deadline, "no job started"
            time.sleep(0.1)

        acknowledged: list[str] = []
        refused: list[Any] = []
        sending = threading.Event()

        def upload(worker: int) -> None:
            for n in range(50):
                try:
                    answer = _post(server, key, PDF, "application/pdf", f"upload-{worker}-{n}")
                except requests.ConnectionError as exc:
                    refused.append(type(exc).__name__)
                    return
                if answer.status_code == 202:
                    acknowledged.append(answer.json()["id"])
                    sending.set()
                else:
                    refused.append(answer.status_code)
                    return
                time.sleep(0.25)

        uploaders = [threading.Thread(target=upload, args=(n,)) for n in range(4)]
        for thread in uploaders:
            thread.start()
        assert sending.wait(30)
        asked = time.monotonic()
        assert server.stop(grace=60) == 0  # SIGTERM to the master: a graceful shutdown
        took = time.monotonic() - asked
        for thread in uploaders:
            thread.join(60)
        assert took < GRACE + 5, f"shutdown took {took:.1f} s"
        assert all(status == 503 or isinstance(status, str) for status in refused), refused

        rows = _rows(data_dir / "verify.db")
        assert set(rows) == {*first, *acknowledged}  # nothing visible that was not acknowledged
        assert all(documents == 1 for _, _, _, documents in rows.values())
        assert not [row for row in rows.values() if row[0] == "processing"], "a job was left leased"
        assert all(lease is None for status, lease, _, _ in rows.values())
        given_back = [i for i in first if rows[i][0] == "pending"]
        assert all(rows[i][2] == 0 for i in given_back)  # a shutdown is not a failed attempt

        server.start()  # the next start takes the given-back jobs at once, not after the lease
        deadline = time.monotonic() + 180
        auth = {"Authorization": f"Bearer {key}"}
        while time.monotonic() < deadline:
            statuses = {i: requests.get(f"{server.url}/v1/verifications/{i}", headers=auth, timeout=10).json()["status"]
                        for i in rows}
            if set(statuses.values()) <= FINAL:
                break
            time.sleep(0.5)
        assert set(statuses.values()) <= FINAL, statuses
        assert time.monotonic() - asked < LEASE_SECONDS
        assert all(row[2] == 1 for row in _rows(data_dir / "verify.db").values())
    finally:
        server.kill()
