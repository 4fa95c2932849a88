"""Label check, revocation and an account's labels through the API."""

from __future__ import annotations

import base64
import json

import pytest
from flask.testing import FlaskClient

from tests.certificates import make_certificate, render_pdf
from tests.conftest import bearer, process_all
from tests.test_api_verifications import submit
from verify.services.context import Services


@pytest.fixture
def label(client: FlaskClient, services: Services, platform_key: str) -> dict:
    cert = make_certificate("teacher_qualification", seed=4)
    answer = submit(client, platform_key, render_pdf(cert), profession="teacher", account_id="teach-1")
    process_all(services)
    done = client.get(answer.headers["Location"], headers=bearer(platform_key)).json
    assert done["status"] == "approved", done["reasons"]
    return done["label"]


def _check(client: FlaskClient, key: str, token: str, account_id: str | None = None) -> dict:
    body = {"token": token} | ({"account_id": account_id} if account_id else {})
    answer = client.post("/v1/labels/check", json=body, headers=bearer(key))
    assert answer.status_code == 200, answer.json
    return answer.json


def test_a_fresh_label_checks_valid(client: FlaskClient, platform_key: str, label: dict) -> None:
    result = _check(client, platform_key, label["token"], "teach-1")
    assert result == {"valid": True, "reason": None, "label": result["label"]}
    assert result["label"]["display"].startswith("教育 · ")
    assert result["label"]["state"] == "active"


def test_moved_label_is_refused(client: FlaskClient, platform_key: str, other_platform_key: str,
                                label: dict) -> None:
    assert _check(client, platform_key, label["token"], "someone-else")["reason"] == "wrong_account"
    assert _check(client, other_platform_key, label["token"])["reason"] == "wrong_platform"


def test_altered_label_is_refused(client: FlaskClient, platform_key: str, label: dict) -> None:
    header, payload, signature = label["token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["display"] = "医疗卫生 · 主任医师"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert _check(client, platform_key, f"{header}.{forged}.{signature}")["reason"] == "bad_signature"
    assert _check(client, platform_key, "not-a-token")["reason"] == "malformed"


def test_revoked_label_is_refused_at_once(client: FlaskClient, platform_key: str, other_platform_key: str,
                                          label: dict) -> None:
    foreign = client.post(f"/v1/labels/{label['id']}/revoke", json={"reason": "x"},
                          headers=bearer(other_platform_key))
    assert foreign.status_code == 404
    revoked = client.post(f"/v1/labels/{label['id']}/revoke", json={"reason": "licence withdrawn"},
                          headers=bearer(platform_key))
    assert revoked.status_code == 200 and revoked.json["state"] == "revoked"
    assert _check(client, platform_key, label["token"])["reason"] == "revoked"
    listed = client.get("/v1/accounts/teach-1/labels", headers=bearer(platform_key)).json
    assert [item["state"] for item in listed["labels"]] == ["revoked"]
    assert client.get("/v1/accounts/teach-1/labels", headers=bearer(other_platform_key)).json["labels"] == []
