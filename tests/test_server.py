"""The service as README runs it: `flask setup`, then gunicorn with gunicorn.conf.py.

Real processes, real SQLite file, real Tesseract; includes the crash test: SIGKILL the
whole server while verifications are pending, start it again, and every submission that
got a 202 reaches an end state.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from tests.certificates import degrade, make_certificate, render_image, render_pdf, to_jpeg, to_png
from tests.serving import Server

__all__ = ["Server"]  # tests.security.test_crashes imports it from here
FINAL = {"approved", "rejected", "needs_review"}
pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path / "data", env={"VERIFY_JOB_LEASE_SECONDS": "3"})
    yield server
    server.kill()


def _key(server: Server, platform: str = "acme-video") -> dict[str, str]:
    return {"Authorization": f"Bearer {server.create_key(platform)}"}


def _submit(server: Server, auth: dict[str, str], data: bytes, name: str, mime: str, **form: str) -> Any:
    body = {"account_id": "acct-1", "profession": "doctor", **form}
    answer = requests.post(server.url + "/v1/verifications", data=body, files={"document": (name, data, mime)},
                           headers=auth, timeout=30)
    assert answer.status_code == 202, answer.text
    return answer.json()


def _wait_final(server: Server, auth: dict[str, str], ids: list[str], seconds: float = 180) -> dict[str, Any]:
    deadline, results = time.monotonic() + seconds, {}
    while time.monotonic() < deadline and len(results) < len(ids):
        for verification_id in ids:
            body = requests.get(f"{server.url}/v1/verifications/{verification_id}", headers=auth, timeout=10).json()
            if body["status"] in FINAL:
                results[verification_id] = body
        time.sleep(0.5)
    assert len(results) == len(ids), f"only {len(results)} of {len(ids)} finished"
    return results


def test_readme_walkthrough_pdf_and_photo_end_approved(server: Server) -> None:
    first_run = server.flask("setup")
    assert "vk_" in first_run.strip().splitlines()[-1]  # first admin key, shown once
    assert "vk_" not in server.flask("setup")
    server.start()
    auth = _key(server)
    cert = make_certificate("physician_practice", seed=21)
    pdf = _submit(server, auth, render_pdf(cert), "doctor.pdf", "application/pdf")
    image = to_png(render_image(make_certificate("physician_practice", seed=22)))
    png = _submit(server, auth, image, "doctor.png", "image/png", account_id="acct-2")
    results = _wait_final(server, auth, [pdf["id"], png["id"]])
    assert results[pdf["id"]]["status"] == "approved", results[pdf["id"]]["reasons"]
    assert results[png["id"]]["status"] in {"approved", "needs_review"}, results[png["id"]]["reasons"]
    assert results[png["id"]]["credential"]["kind"] == "physician_practice"

    token = results[pdf["id"]]["label"]["token"]
    jwks = requests.get(server.url + "/.well-known/jwks.json", timeout=10).json()
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == jwt.get_unverified_header(token)["kid"]))
    claims = jwt.decode(token, key.key, algorithms=["EdDSA"], audience="acme-video")
    assert claims["sub"] == "acct-1" and claims["domain"] == "medical"
    check = requests.post(server.url + "/v1/labels/check", json={"token": token, "account_id": "acct-1"},
                          headers=auth, timeout=10).json()
    assert check["valid"] is True


def test_sigkill_with_pending_work_loses_nothing(server: Server) -> None:
    server.start()
    auth = _key(server)
    ids = []
    for seed in range(4):
        cert = make_certificate(["physician_practice", "lawyer_practice", "teacher_qualification"][seed % 3], seed)
        profession = {"physician_practice": "doctor", "lawyer_practice": "lawyer"}.get(cert.kind.value, "teacher")
        photo = to_jpeg(degrade(render_image(cert), "scan", seed), 80)
        ids.append(_submit(server, auth, photo, "scan.jpg", "image/jpeg", profession=profession,
                           account_id=f"acct-{seed}")["id"])
    ids.append(_submit(server, auth, render_pdf(make_certificate("physician_practice", 9)), "d.pdf",
                       "application/pdf")["id"])
    server.kill(signal.SIGKILL)  # mid-processing: at most a job or two has started
    server.start()
    results = _wait_final(server, auth, ids)
    assert set(results) == set(ids)
