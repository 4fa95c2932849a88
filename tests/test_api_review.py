"""The manual review queue through the API: claim leases, decisions, labels."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from tests.certificates import make_certificate, render_pdf
from tests.conftest import bearer, new_key, process_all
from tests.test_api_verifications import submit
from verify.services.context import Services


def _needs_review(client: FlaskClient, services: Services, key: str) -> str:
    cert = make_certificate("physician_qualification", seed=8)
    answer = submit(client, key, render_pdf(cert), holder_name="王小明")
    process_all(services)
    assert client.get(answer.headers["Location"], headers=bearer(key)).json["status"] == "needs_review"
    return answer.json["id"]


def test_a_name_mismatch_case_is_approved_by_a_reviewer(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    verification_id = _needs_review(client, services, platform_key)
    items = client.get("/v1/review/items?state=open", headers=bearer(reviewer_key)).json["items"]
    assert [item["verification_id"] for item in items] == [verification_id]
    assert "name.matches_holder" in items[0]["reasons"]
    item_id = items[0]["id"]

    assert client.post(f"/v1/review/items/{item_id}/claim", headers=bearer(reviewer_key)).status_code == 200
    rival = new_key(services, "acme-video", "reviewer")
    assert client.post(f"/v1/review/items/{item_id}/claim", headers=bearer(rival)).status_code == 409
    decided = client.post(f"/v1/review/items/{item_id}/decision", headers=bearer(reviewer_key),
                          json={"decision": "approve", "reason_code": "name_difference_explained"})
    assert decided.status_code == 200, decided.json
    done = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json
    assert done["status"] == "approved"
    assert done["label"]["display"].startswith("医疗卫生 · ")


def test_a_decision_after_the_lease_lapsed_is_refused(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    _needs_review(client, services, platform_key)
    item_id = client.get("/v1/review/items", headers=bearer(reviewer_key)).json["items"][0]["id"]
    client.post(f"/v1/review/items/{item_id}/claim", headers=bearer(reviewer_key))
    later = services.clock() + timedelta(hours=1)
    services.clock = lambda: later
    answer = client.post(f"/v1/review/items/{item_id}/decision", headers=bearer(reviewer_key),
                         json={"decision": "reject", "reason_code": "name_mismatch"})
    assert answer.status_code == 409


def test_platform_keys_cannot_reach_the_queue_and_other_platforms_see_nothing(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    _needs_review(client, services, platform_key)
    assert client.get("/v1/review/items", headers=bearer(platform_key)).status_code == 403
    foreign_reviewer = new_key(services, "rival-live", "reviewer")
    assert client.get("/v1/review/items", headers=bearer(foreign_reviewer)).json["items"] == []
    admin = new_key(services, "operator", "admin")
    assert len(client.get("/v1/review/items", headers=bearer(admin)).json["items"]) == 1
