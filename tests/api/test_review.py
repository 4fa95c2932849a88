"""The manual review queue through the API: leases with fencing, decisions, labels, resubmissions."""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.certificates import make_certificate, render_pdf
from tests.conftest import bearer, make_app, new_key
from tests.review_cases import copy_case, item_of, needs_review, needs_review_read, set_status
from tests.uploads import submit
from verify.errors import AlreadyClaimed
from verify.services.context import Services
from verify.services.keys import authenticate
from verify.services.review import leases
from verify.store.models import AuditEvent, Label


def _claim(client: FlaskClient, key: str, item_id: str) -> Any:
    return client.post(f"/v1/review/items/{item_id}/claim", headers=bearer(key))


def _decide(client: FlaskClient, key: str, item_id: str, **body: Any) -> Any:
    return client.post(f"/v1/review/items/{item_id}/decision", headers=bearer(key), json=body)


def _advance(services: Services, **delta: float) -> None:
    later = services.clock() + timedelta(**delta)
    services.clock.set(later)


@pytest.mark.reading  # the review area's end-to-end test: its case is read, not hand-made
def test_a_name_mismatch_case_is_approved_by_a_reviewer(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    verification_id = needs_review_read(client, services, platform_key)
    items = client.get("/v1/review/items?state=open", headers=bearer(reviewer_key)).json["items"]
    assert [item["verification_id"] for item in items] == [verification_id]
    assert "name.matches_holder" in items[0]["reasons"]
    assert items[0]["platform"] == "acme-video" and items[0]["kind"] == "physician_qualification"
    item_id = items[0]["id"]

    claimed = _claim(client, reviewer_key, item_id)
    assert claimed.status_code == 200
    assert claimed.json["state"] == "claimed" and claimed.json["fencing"] == 1
    lease = datetime.fromisoformat(claimed.json["lease_expires_at"])
    assert abs(lease - services.clock() - timedelta(minutes=15)) < timedelta(seconds=30)  # 15 minutes by default
    rival = new_key(services, "acme-video", "reviewer")
    refused = _claim(client, rival, item_id)
    assert refused.status_code == 409 and refused.json["type"].endswith("/already_claimed")

    decided = _decide(client, reviewer_key, item_id, decision="approve", reason_code="name_difference_explained",
                      note="曾用名，已核对户籍证明", fencing=1)
    assert decided.status_code == 200, decided.json
    assert decided.json["state"] == "decided" and decided.json["message"] == "您的资质材料已通过人工审核。"
    done = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json
    assert done["status"] == "approved"
    assert done["label"]["display"].startswith("医疗卫生 · ")
    assert done["reasons"] == ["review.name_difference_explained"]
    assert done["review"]["decision"] == "approve"
    assert done["review"]["reason_code"] == "name_difference_explained"
    assert "曾用名" not in str(done)  # the internal note never reaches the platform


def test_a_decision_after_the_lease_lapsed_is_refused(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    item_id = item_of(services, needs_review(client, services, platform_key))
    fencing = _claim(client, reviewer_key, item_id).json["fencing"]
    _advance(services, minutes=15, seconds=1)
    for body in ({"fencing": fencing}, {}):  # refused with or without the fencing token
        answer = _decide(client, reviewer_key, item_id, decision="reject", reason_code="name_mismatch", **body)
        assert answer.status_code == 409
        assert answer.json["type"].endswith("/lease_lost")
    assert client.get("/v1/review/items?state=open", headers=bearer(reviewer_key)).json["items"][0]["id"] == item_id


def test_a_lapsed_claim_goes_to_the_next_reviewer_and_fences_the_first(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    item_id = item_of(services, needs_review(client, services, platform_key))
    first = _claim(client, reviewer_key, item_id).json["fencing"]
    _advance(services, minutes=16)
    second_reviewer = new_key(services, "acme-video", "reviewer")
    second = _claim(client, second_reviewer, item_id).json["fencing"]
    assert second == first + 1
    late = _decide(client, reviewer_key, item_id, decision="approve", reason_code="documents_consistent",
                   fencing=first)
    assert late.status_code == 409
    stale = _decide(client, second_reviewer, item_id, decision="approve", reason_code="documents_consistent",
                    fencing=first)
    assert stale.status_code == 409 and stale.json["type"].endswith("/stale_fencing_token")
    ok = _decide(client, second_reviewer, item_id, decision="reject", reason_code="name_mismatch", fencing=second)
    assert ok.status_code == 200


def test_two_reviewers_claiming_at_the_same_instant_get_one_holder(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    item_id = item_of(services, needs_review(client, services, platform_key))
    principals = [authenticate(services.store, new_key(services, "acme-video", "reviewer")) for _ in range(4)]
    start, outcomes = threading.Barrier(len(principals)), []

    def race(principal: Any) -> None:
        start.wait()
        try:
            outcomes.append(leases.claim(services, principal, item_id).item.claimed_by)
        except AlreadyClaimed:
            outcomes.append(None)

    threads = [threading.Thread(target=race, args=(p,)) for p in principals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o is not None]
    assert len(winners) == 1
    with services.store.read() as session:
        claims = session.scalars(select(AuditEvent).where(AuditEvent.action == "review.claim")).all()
    assert [c.actor for c in claims] == winners


def test_claim_next_hands_two_reviewers_two_different_cases(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    first_case = needs_review(client, services, platform_key)
    copy_case(services, first_case)
    other = new_key(services, "acme-video", "reviewer")
    one = client.post("/v1/review/next", headers=bearer(reviewer_key))
    two = client.post("/v1/review/next", headers=bearer(other))
    assert one.status_code == two.status_code == 200
    assert one.json["id"] != two.json["id"]
    assert one.json["verification_id"] == first_case  # oldest first
    assert client.post("/v1/review/next", headers=bearer(other)).status_code == 204


def test_a_released_case_is_open_to_others(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    item_id = item_of(services, needs_review(client, services, platform_key))
    fencing = _claim(client, reviewer_key, item_id).json["fencing"]
    other = new_key(services, "acme-video", "reviewer")
    assert client.post(f"/v1/review/items/{item_id}/release", headers=bearer(other)).status_code == 409
    released = client.post(f"/v1/review/items/{item_id}/release", headers=bearer(reviewer_key),
                           json={"fencing": fencing})
    assert released.status_code == 200 and released.json["state"] == "open"
    assert _claim(client, other, item_id).status_code == 200


def test_a_retried_approval_issues_one_label(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    item_id = item_of(services, needs_review(client, services, platform_key))
    fencing = _claim(client, reviewer_key, item_id).json["fencing"]
    body = {"decision": "approve", "reason_code": "confirmed_by_official_lookup", "fencing": fencing}
    answers = [_decide(client, reviewer_key, item_id, **body) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len({a.json["decided_at"] for a in answers}) == 1
    with services.store.read() as session:
        assert len(session.scalars(select(Label)).all()) == 1
    changed = _decide(client, reviewer_key, item_id, decision="reject", reason_code="unreadable")
    assert changed.status_code == 409 and changed.json["type"].endswith("/already_decided")


@pytest.mark.parametrize(("body", "field"), [
    ({"decision": "approve", "reason_code": "name_mismatch"}, "reason_code"),
    ({"decision": "reject", "reason_code": "documents_consistent"}, "reason_code"),
    ({"decision": "reject", "reason_code": "other"}, "note"),
    ({"decision": "reject", "reason_code": "invented"}, "reason_code"),
    ({"decision": "maybe", "reason_code": "unreadable"}, "decision"),
    ({"decision": "reject", "reason_code": "unreadable", "message": "x" * 501}, "message"),
])
def test_decisions_need_a_documented_reason_code(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str, body: dict[str, str], field: str
) -> None:
    item_id = item_of(services, needs_review(client, services, platform_key))
    _claim(client, reviewer_key, item_id)
    answer = _decide(client, reviewer_key, item_id, **body)
    assert answer.status_code == 422
    assert field in answer.json["errors"]


def test_a_rejection_tells_the_applicant_the_reviewers_message(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    verification_id = needs_review(client, services, platform_key)
    item_id = item_of(services, verification_id)
    _claim(client, reviewer_key, item_id)
    _decide(client, reviewer_key, item_id, decision="reject", reason_code="other", note="证书编号与官网记录不符",
            message="请上传最新版本的执业证书。")
    seen = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json
    assert seen["status"] == "rejected" and seen["label"] is None
    assert seen["review"]["message"] == "请上传最新版本的执业证书。"
    assert "官网" not in str(seen)
    case = client.get(f"/v1/review/items/{item_id}", headers=bearer(reviewer_key)).json
    assert case["item"]["note"] == "证书编号与官网记录不符"


def test_the_queue_filters_by_profession_reason_and_platform(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    case = needs_review(client, services, platform_key)
    new_key(services, "rival-live", "platform")
    copy_case(services, case, platform="rival-live")
    admin = new_key(services, "operator", "admin")

    def ids(key: str, query: str) -> int:
        answer = client.get(f"/v1/review/items?{query}", headers=bearer(key))
        assert answer.status_code == 200, answer.json
        return len(answer.json["items"])

    assert ids(admin, "") == 2
    assert ids(admin, "platform=rival-live") == 1
    assert ids(reviewer_key, "platform=rival-live") == 0  # scoped to its own platform whatever it asks
    assert ids(admin, "profession=doctor") == 2 and ids(admin, "profession=lawyer") == 0
    assert ids(admin, "reason=name.matches_holder") == 2
    assert ids(admin, "reason=name") == 0  # a whole code, not a substring
    assert ids(admin, "reason=name_matches_holder") == 0  # "_" is not a wildcard
    assert client.get("/v1/review/items?limit=1000", headers=bearer(admin)).status_code == 422


def test_reviewers_see_id_numbers_masked_until_an_audited_reveal(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    holder_id = "110105198705131430"
    verification_id = needs_review(client, services, platform_key, holder_id_number=holder_id)
    item_id = item_of(services, verification_id)
    case = client.get(f"/v1/review/items/{item_id}", headers=bearer(reviewer_key))
    assert case.status_code == 200 and case.headers["Cache-Control"] == "no-store"
    assert case.json["revealed"] is False
    extracted = case.json["verification"]["credential"]["fields"]["id_number"]
    assert "*" in extracted and holder_id not in case.get_data(as_text=True)
    assert case.json["holder"] == {"name": "王小明", "id_number": "*" * 18}

    assert client.post(f"/v1/review/items/{item_id}/reveal", headers=bearer(reviewer_key),
                       json={"reason": " "}).status_code == 422
    revealed = client.post(f"/v1/review/items/{item_id}/reveal", headers=bearer(reviewer_key),
                           json={"reason": "核对证书上的身份证号"})
    assert revealed.status_code == 200 and revealed.headers["Cache-Control"] == "no-store"
    assert revealed.json["revealed"] is True
    assert revealed.json["holder"]["id_number"] == holder_id
    assert "*" not in revealed.json["verification"]["credential"]["fields"]["id_number"]
    assert "*" in client.get(f"/v1/review/items/{item_id}", headers=bearer(reviewer_key)).json["holder"]["id_number"]

    masked = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json
    assert "*" in masked["credential"]["fields"]["id_number"]
    with services.store.read() as session:
        views = session.scalars(select(AuditEvent).where(AuditEvent.action == "review.view")).all()
        reveals = session.scalars(select(AuditEvent).where(AuditEvent.action == "review.reveal")).all()
    assert len(views) == 3 and {v.subject_id for v in views} == {item_id}
    assert len(reveals) == 1 and reveals[0].subject_id == item_id
    assert reveals[0].actor == authenticate(services.store, reviewer_key).key_id
    assert reveals[0].after["reason_sha256"] == hashlib.sha256("核对证书上的身份证号".encode()).hexdigest()


def test_platform_keys_cannot_reach_the_queue_and_other_platforms_see_nothing(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    item_id = item_of(services, needs_review(client, services, platform_key))
    assert client.get("/v1/review/items", headers=bearer(platform_key)).status_code == 403
    foreign_reviewer = new_key(services, "rival-live", "reviewer")
    assert client.get("/v1/review/items", headers=bearer(foreign_reviewer)).json["items"] == []
    assert client.get(f"/v1/review/items/{item_id}", headers=bearer(foreign_reviewer)).status_code == 404
    assert _claim(client, foreign_reviewer, item_id).status_code == 404
    admin = new_key(services, "operator", "admin")
    assert len(client.get("/v1/review/items", headers=bearer(admin)).json["items"]) == 1
    assert _claim(client, admin, item_id).status_code == 200


def test_claims_and_decisions_are_audited_with_before_and_after(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    item_id = item_of(services, needs_review(client, services, platform_key))
    key_id = reviewer_key.split("_")[1]
    _claim(client, reviewer_key, item_id)
    _decide(client, reviewer_key, item_id, decision="reject", reason_code="name_mismatch", note="不是本人")
    with services.store.read() as session:
        entries = session.scalars(select(AuditEvent).where(AuditEvent.subject_id == item_id)
                                  .order_by(AuditEvent.id)).all()
    claim, decision = [e for e in entries if e.action in ("review.claim", "review.decide")]
    assert claim.actor == decision.actor == key_id
    assert claim.before["state"] == "open" and claim.after["state"] == "claimed"
    assert decision.before["verification_status"] == "needs_review"
    assert decision.after["verification_status"] == "rejected" and decision.after["reason_code"] == "name_mismatch"
    assert "不是本人" not in str(decision.after)  # free text only as a digest
    assert decision.after["note_sha256"]


def test_a_rejected_case_can_be_resubmitted_up_to_the_cap(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", max_resubmissions=2)
    services: Services = app.extensions["verify"]
    client = app.test_client()
    key, reviewer = new_key(services, "acme-video", "platform"), new_key(services, "acme-video", "reviewer")
    try:
        original = needs_review(client, services, key)
        pdf = render_pdf(make_certificate("physician_qualification", seed=8))

        def resubmit(of: str, **form: Any) -> Any:
            return submit(client, key, pdf, resubmission_of=of, **form)

        assert resubmit(original).json["type"].endswith("/resubmission_refused")  # not rejected yet
        item_id = item_of(services, original)
        _claim(client, reviewer, item_id)
        _decide(client, reviewer, item_id, decision="reject", reason_code="name_mismatch")
        assert resubmit(original, account_id="acct-2").status_code == 422
        first = resubmit(original)
        assert first.status_code == 202, first.json
        assert resubmit(original).status_code == 409  # already resubmitted: resubmit the newer one
        set_status(services, first.json["id"], "rejected")
        second = resubmit(first.json["id"])
        assert second.status_code == 202
        set_status(services, second.json["id"], "rejected")
        third = resubmit(second.json["id"])
        assert third.status_code == 409 and third.json["type"].endswith("/resubmission_limit")
        foreign = new_key(services, "rival-live", "platform")
        assert submit(client, foreign, pdf, resubmission_of=second.json["id"]).status_code == 422
    finally:
        services.store.dispose()


def test_the_resubmission_links_to_the_rejected_case_for_the_reviewer(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    original = needs_review(client, services, platform_key)
    item_id = item_of(services, original)
    _claim(client, reviewer_key, item_id)
    _decide(client, reviewer_key, item_id, decision="reject", reason_code="unreadable")
    again = needs_review(client, services, platform_key, resubmission_of=original)
    case = client.get(f"/v1/review/items/{item_of(services, again)}", headers=bearer(reviewer_key)).json
    assert [p["verification_id"] for p in case["previous"]] == [original]
    assert case["previous"][0]["reason_code"] == "unreadable"
