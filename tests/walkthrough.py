"""README's walk-through over HTTP, against any deployment: the one server ``make run`` starts, or a cluster.

A :class:`Deployment` names where uploads go and where reads and checks go (one server: the same URL;
a cluster: two different web nodes, so what one node wrote the other must serve).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import requests

from tests.certificates import make_certificate, render_pdf
from tests.serving import ROOT
from tests.uploads import holder_form

FINAL = {"approved", "rejected", "needs_review"}


@dataclass(frozen=True)
class Deployment:
    """``submit_url`` takes uploads, ``read_url`` answers reads and checks; ``create_key(platform)`` makes a key."""

    name: str
    submit_url: str
    read_url: str
    create_key: Callable[[str], str]


def submit(url: str, auth: dict[str, str], data: bytes, name: str, mime: str, **form: str) -> Any:
    body = {"account_id": "acct-1", "profession": "doctor", **form}
    answer = requests.post(url + "/v1/verifications", data=body, files={"document": (name, data, mime)},
                           headers=auth, timeout=30)
    assert answer.status_code == 202, answer.text
    return answer.json()


def wait_final(url: str, auth: dict[str, str], ids: list[str], seconds: float = 180) -> dict[str, Any]:
    deadline, results = time.monotonic() + seconds, {}
    while time.monotonic() < deadline and len(results) < len(ids):
        for verification_id in ids:
            body = requests.get(f"{url}/v1/verifications/{verification_id}", headers=auth, timeout=10).json()
            if body["status"] in FINAL:
                results[verification_id] = body
        time.sleep(0.5)
    assert len(results) == len(ids), f"only {len(results)} of {len(ids)} finished"
    return results


def readme_walkthrough(deployment: Deployment, tmp_path: Path) -> None:
    """A photo is approved with a label that verifies offline and checks valid; a typed PDF goes to review; the
    same certificate for another account is held (README, "Walk-through")."""
    auth = {"Authorization": f"Bearer {deployment.create_key('acme-video')}"}
    image = tmp_path / "doctor.jpg"  # README step 2: make sample KIND=physician_practice OUT=doctor.jpg
    printed = subprocess.run([sys.executable, "-m", "tests.certificates", "physician_practice", str(image),
                              "--seed", "3"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    fields = json.loads(printed.stdout)
    holder = {"holder_name": fields["name"], "holder_id_number": fields["id_number"]}
    into, out = deployment.submit_url, deployment.read_url
    first = submit(into, auth, image.read_bytes(), "doctor.jpg", "image/jpeg", **holder)
    typed_cert = make_certificate("physician_practice", seed=8)
    typed = submit(into, auth, render_pdf(typed_cert), "typed.pdf", "application/pdf", account_id="acct-3",
                   **holder_form(typed_cert))
    done = wait_final(out, auth, [first["id"], typed["id"]])
    assert done[first["id"]]["status"] == "approved", done[first["id"]]["reasons"]
    assert done[typed["id"]]["status"] == "needs_review"
    assert done[typed["id"]]["reasons"] == ["unsigned_digital_document"]

    second = submit(into, auth, image.read_bytes(), "doctor.jpg", "image/jpeg", account_id="acct-2", **holder)
    held = wait_final(out, auth, [second["id"]])[second["id"]]
    assert held["status"] == "needs_review"
    assert held["reasons"] == ["credential_in_use", "document_in_use"]
    assert "acct-1" not in json.dumps(held)  # the other account is for reviewers only

    token = done[first["id"]]["label"]["token"]
    jwks = requests.get(out + "/.well-known/jwks.json", timeout=10).json()
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == jwt.get_unverified_header(token)["kid"]))
    claims = jwt.decode(token, key.key, algorithms=["EdDSA"], audience="acme-video")
    assert claims["sub"] == "acct-1" and claims["domain"] == "medical"
    check = requests.post(out + "/v1/labels/check", json={"token": token, "account_id": "acct-1"},
                          headers=auth, timeout=10).json()
    assert check["valid"] is True
