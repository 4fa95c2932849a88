"""The service as README runs it: `flask setup`, then gunicorn with gunicorn.conf.py.

Real processes, real SQLite file, real Tesseract; includes the crash test: SIGKILL the
whole server while verifications are pending, start it again, and every submission that
got a 202 reaches an end state.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from tests.certificates import degrade, make_certificate, render_image, render_pdf, to_jpeg
from tests.serving import ROOT, Server
from tests.uploads import holder_form

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


def test_readme_walkthrough_a_photo_is_approved_and_the_same_certificate_for_another_account_is_held(
    server: Server, tmp_path: Path
) -> None:
    first_run = server.flask("setup")  # stdout a pipe, as in a container: the first admin key goes to a file only
    admin_key = Path(server.env["VERIFY_DATA_DIR"]) / "first-admin-key"
    assert "vk_" not in first_run and str(admin_key) in first_run
    assert admin_key.read_text().startswith("vk_") and admin_key.stat().st_mode & 0o777 == 0o600
    assert "vk_" not in server.flask("setup")
    server.start()
    auth = _key(server)
    image = tmp_path / "doctor.jpg"  # README step 2: make sample KIND=physician_practice OUT=doctor.jpg
    printed = subprocess.run([sys.executable, "-m", "tests.certificates", "physician_practice", str(image),
                              "--seed", "3"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    fields = json.loads(printed.stdout)
    holder = {"holder_name": fields["name"], "holder_id_number": fields["id_number"]}
    first = _submit(server, auth, image.read_bytes(), "doctor.jpg", "image/jpeg", **holder)
    typed = _submit(server, auth, render_pdf(make_certificate("physician_practice", seed=8)), "typed.pdf",
                    "application/pdf", account_id="acct-3",
                    **holder_form(make_certificate("physician_practice", seed=8)))
    done = _wait_final(server, auth, [first["id"], typed["id"]])
    assert done[first["id"]]["status"] == "approved", done[first["id"]]["reasons"]
    assert done[typed["id"]]["status"] == "needs_review"
    assert done[typed["id"]]["reasons"] == ["unsigned_digital_document"]

    second = _submit(server, auth, image.read_bytes(), "doctor.jpg", "image/jpeg", account_id="acct-2", **holder)
    held = _wait_final(server, auth, [second["id"]])[second["id"]]
    assert held["status"] == "needs_review"
    assert held["reasons"] == ["credential_in_use", "document_in_use"]
    assert "acct-1" not in json.dumps(held)  # the other account is for reviewers only

    token = done[first["id"]]["label"]["token"]
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
