"""The claim scan over HTTP: answers, coverage by a real label issued through the pipeline, limits, problems."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from marshmallow import ValidationError

from schemas.claims import ScanBatchResultSchema, ScanResultSchema
from tests.api.test_labels import issue
from tests.certificates import make_certificate
from tests.conftest import bearer, make_app, new_key
from tests.hand_made import submit_read_as
from tests.uploads import holder_form
from verify.claims import Account
from verify.claims.lexicon import LEXICON_VERSION
from verify.domain import CredentialKind
from verify.services.context import Services


def scan(client: FlaskClient, key: str, **account: Any) -> dict[str, Any]:
    answer = client.post("/v1/claims/scan", json=account, headers=bearer(key))
    assert answer.status_code == 200, answer.json
    assert ScanResultSchema().validate(answer.json) == {}
    for claim in answer.json["claims"]:
        value = account[claim["field"]]
        assert value[claim["start"]:claim["end"]] == claim["text"]
    return answer.json


def test_a_scan_answers_claims_with_spans_and_evasions(client: FlaskClient, platform_key: str) -> None:
    body = scan(client, platform_key, account_id="a1", name="王醫💊生", bio="某三甲医院主任医师", handle="wang_md")
    assert body["action"] == "require_verification"
    assert body["lexicon_version"] == LEXICON_VERSION
    claims = [(c["field"], c["title"], c["text"], c["evasion"], c["action"]) for c in body["claims"]]
    assert claims == [("name", "医生", "醫💊生", ["traditional", "separator"], "require_verification"),
                      ("bio", "主任医师", "主任医师", [], "require_verification")]


def test_no_claim_is_ok(client: FlaskClient, platform_key: str) -> None:
    body = scan(client, platform_key, account_id="a1", name="小花的日常", bio="教师节快乐，听医生说多喝水")
    assert body == {"account_id": "a1", "action": "ok", "claims": [], "lexicon_version": LEXICON_VERSION}


@pytest.fixture
def teacher_label(client: FlaskClient, services: Services, platform_key: str) -> dict[str, Any]:
    """A teacher's label issued by processing: a generated certificate submitted and recorded as read, approved."""
    cert = make_certificate("teacher_qualification", seed=4)
    answer = submit_read_as(client, services, platform_key, cert, signed=True, profession="teacher",
                            account_id="teach-1", **holder_form(cert))
    done = client.get(answer.headers["Location"], headers=bearer(platform_key)).json
    assert done["status"] == "approved", done["reasons"]
    return done["label"]


def test_a_real_label_covers_the_claims_it_backs_until_it_is_revoked(
        client: FlaskClient, platform_key: str, other_platform_key: str, teacher_label: dict[str, Any]) -> None:
    account = {"account_id": "teach-1", "name": "王老师", "bio": "人民教师，也是特级教师"}
    body = scan(client, platform_key, **account)
    verdicts = {c["text"]: (c["action"], c["covered_by"], c["reason"]) for c in body["claims"]}
    assert verdicts["人民教师"] == ("ok", teacher_label["id"], None)
    assert verdicts["老师"] == ("ok", teacher_label["id"], None)  # ambiguous, but a label backs it
    assert verdicts["特级教师"] == ("review", None, "rank_not_shown")  # no label shows a rank
    assert body["action"] == "review"

    other = scan(client, other_platform_key, **account)  # another platform's account of the same id
    assert {c["covered_by"] for c in other["claims"]} == {None}

    doctor = scan(client, platform_key, account_id="teach-1", name="王医生")
    assert doctor["claims"][0]["action"] == "require_verification"  # a teacher's label backs no doctor claim

    revoked = client.post(f"/v1/labels/{teacher_label['id']}/revoke", json={"reason": "test"},
                          headers=bearer(platform_key))
    assert revoked.status_code == 200
    after = scan(client, platform_key, **account)
    assert {c["covered_by"] for c in after["claims"]} == {None}
    assert after["action"] == "require_verification"


def test_a_suspended_label_covers_nothing(client: FlaskClient, services: Services, platform_key: str) -> None:
    label = issue(services, "law-1", kind=CredentialKind.LAWYER_PRACTICE, category="专职律师")
    assert scan(client, platform_key, account_id="law-1", name="张律师")["action"] == "ok"
    client.post(f"/v1/labels/{label['id']}/suspend", json={}, headers=bearer(platform_key))
    assert scan(client, platform_key, account_id="law-1", name="张律师")["action"] == "require_verification"


def test_a_batch_answers_in_order(client: FlaskClient, services: Services, platform_key: str) -> None:
    issue(services, "law-1")
    accounts = [{"account_id": "law-1", "name": "张律师"}, {"account_id": "x", "name": "小花", "bio": None},
                {"account_id": "y", "name": "Dr. Li", "bio": "儿科门诊", "handle": "li"}]
    answer = client.post("/v1/claims/scan-batch", json={"accounts": accounts}, headers=bearer(platform_key))
    assert answer.status_code == 200, answer.json
    assert ScanBatchResultSchema().validate(answer.json) == {}
    results = answer.json["results"]
    assert [r["account_id"] for r in results] == ["law-1", "x", "y"]
    assert [r["action"] for r in results] == ["ok", "ok", "review"]


@pytest.mark.parametrize(("body", "field"), [
    ({"account_id": "a", "name": "x" * 101}, "name"),
    ({"account_id": "a", "name": "x", "bio": "y" * 2001}, "bio"),
    ({"account_id": "a", "name": "x", "handle": "h" * 101}, "handle"),
    ({"account_id": "a"}, "name"),
    ({"account_id": "", "name": "x"}, "account_id"),
    ({"account_id": "a", "name": "x", "extra": 1}, "extra"),
])
def test_bad_input_is_a_422_naming_the_field(client: FlaskClient, platform_key: str, body: dict[str, Any],
                                             field: str) -> None:
    answer = client.post("/v1/claims/scan", json=body, headers=bearer(platform_key))
    assert answer.status_code == 422
    assert answer.json["type"].endswith("/validation_error")
    assert field in answer.json["errors"]


def test_a_lone_surrogate_is_a_422_not_a_500(client: FlaskClient, platform_key: str) -> None:
    answer = client.post("/v1/claims/scan", data='{"account_id": "a", "name": "\\ud800医生"}',
                         content_type="application/json", headers=bearer(platform_key))
    assert answer.status_code == 422 and "name" in answer.json["errors"]


def test_a_batch_beyond_its_limit_is_a_413(client: FlaskClient, platform_key: str) -> None:
    accounts = [{"account_id": str(n), "name": "x"} for n in range(1001)]
    answer = client.post("/v1/claims/scan-batch", json={"accounts": accounts}, headers=bearer(platform_key))
    assert answer.status_code == 413
    assert answer.json["type"].endswith("/too_many_accounts")
    long = client.post("/v1/claims/scan-batch", json={"accounts": [{"account_id": "a", "name": "x"},
                                                                   {"account_id": "b", "name": "y" * 101}]},
                       headers=bearer(platform_key))
    assert long.status_code == 422 and "accounts.1.name" in long.json["errors"]


def test_roles(client: FlaskClient, reviewer_key: str) -> None:
    assert client.post("/v1/claims/scan", json={"account_id": "a", "name": "x"}).status_code == 401
    answer = client.post("/v1/claims/scan", json={"account_id": "a", "name": "x"}, headers=bearer(reviewer_key))
    assert answer.status_code == 403


def test_scans_count_against_the_rate_limit_one_token_per_account(tmp_path: Any) -> None:
    app: Flask = make_app(tmp_path / "data", limits={"claim_scans_per_second": 0.001, "claim_scan_burst": 5})
    key = new_key(app.extensions["verify"], "acme-video", "platform")
    client = app.test_client()
    batch = {"accounts": [{"account_id": str(n), "name": "王医生"} for n in range(4)]}
    assert client.post("/v1/claims/scan-batch", json=batch, headers=bearer(key)).status_code == 200
    assert client.post("/v1/claims/scan", json={"account_id": "a", "name": "x"}, headers=bearer(key)).status_code == 200
    limited = client.post("/v1/claims/scan", json={"account_id": "a", "name": "x"}, headers=bearer(key))
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    app.extensions["verify"].store.dispose()


def test_nothing_is_stored(client: FlaskClient, services: Services, platform_key: str) -> None:
    from sqlalchemy import func, select

    from verify.store.models import AuditEvent
    with services.store.read() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    scan(client, platform_key, account_id="a1", name="王医生")
    with services.store.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_the_schema_refuses_an_unknown_action() -> None:
    with pytest.raises(ValidationError):
        ScanResultSchema().load({"account_id": "a", "action": "maybe", "claims": [], "lexicon_version": "1"})
    assert Account("a", "x").fields()


def test_an_expired_label_covers_nothing(services: Services) -> None:
    from datetime import timedelta

    from verify.services.claims import scan_accounts
    from verify.services.keys import ensure_platform

    issue(services, "law-9")
    platform_id = ensure_platform(services.store, "acme-video", services.clock())
    account = [Account("law-9", "张律师")]
    assert scan_accounts(services, platform_id, account)[0].claims[0].covered_by is not None
    later = services.clock() + timedelta(days=services.settings.label_lifetime_days + 1)
    services.clock.set(later)
    assert scan_accounts(services, platform_id, account)[0].claims[0].covered_by is None
