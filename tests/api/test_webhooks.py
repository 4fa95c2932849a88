"""Webhooks end to end in one process: endpoints through the API, events from real changes, real receivers.

The app allows loopback (as VERIFY_WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8 would) and plain http,
so each test's receiver listens on 127.0.0.1. Deliveries are made by the dispatcher's own
functions in the test's thread (``deliver_due``), except where the dispatcher thread is the
point; a settable clock stands in for the time between retries. The official ``standardwebhooks``
library verifies every delivery a receiver gets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from schemas.webhook import LabelEventSchema, VerificationEventSchema, WebhookTestEventSchema
from tests.api.test_labels import issue, pin
from tests.certificates import make_certificate
from tests.clock import TestClock
from tests.conftest import bearer, make_app, new_key, process_all
from tests.hand_made import submit_read_as
from tests.review_cases import MISMATCHED_NAME, item_of, needs_review
from tests.uploads import holder_form, signed_pdf, submit
from tests.webhooks.receiver import Received, Receiver, Reply
from verify.api import ops
from verify.errors import PROBLEM_BASE
from verify.jobs.dispatcher import Dispatcher
from verify.services import dispatch
from verify.services import webhooks as webhooks_service
from verify.services.context import Services
from verify.store.models import AuditEvent, Label, WebhookAttempt, WebhookDelivery, WebhookEvent
from verify.webhooks.events import EVENT_TYPES, LABEL_EVENTS, TEST_EVENT, VERIFICATION_EVENTS

LOOPBACK = {"webhook_allowed_networks": "127.0.0.0/8", "webhook_allow_http": True,
            "webhook_timeout_seconds": 2.0, "webhook_connect_timeout_seconds": 1.0}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path / "data", **LOOPBACK)
    yield app
    app.extensions["verify"].store.dispose()


@pytest.fixture
def clock(services: Services) -> TestClock:
    return pin(services.clock)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


def register(client: FlaskClient, key: str, url: str, **body: Any) -> dict[str, Any]:
    answer = client.post("/v1/webhooks/endpoints", json={"url": url, **body}, headers=bearer(key))
    assert answer.status_code == 201, answer.json
    return answer.json


_DOCUMENTED = {**dict.fromkeys(VERIFICATION_EVENTS, VerificationEventSchema()),
               **dict.fromkeys(LABEL_EVENTS, LabelEventSchema()), TEST_EVENT: WebhookTestEventSchema()}


def verified(request: Received, secret: str) -> dict[str, Any]:
    """The event, once the official library has checked its signature (as a platform's receiver would) and its
    body has been loaded with the schema /openapi.json documents for its type (``webhooks``)."""
    event = Webhook(secret).verify(request.body, request.headers)
    _DOCUMENTED[event["type"]].load(event)  # ValidationError if the body strays from its documented shape
    return event


def deliveries(client: FlaskClient, key: str, **query: str) -> list[dict[str, Any]]:
    answer = client.get("/v1/webhooks/deliveries", query_string=query, headers=bearer(key))
    assert answer.status_code == 200, answer.json
    return answer.json["items"]


def approve(client: FlaskClient, services: Services, key: str, *, seed: int = 4,
            account_id: str = "teach-1") -> dict[str, Any]:
    """A teacher's signed certificate recorded as read (tests.hand_made): approved; the verification as the API
    shows it."""
    cert = make_certificate("teacher_qualification", seed=seed)
    answer = submit_read_as(client, services, key, cert, signed=True, profession="teacher", account_id=account_id,
                            **holder_form(cert))
    done = client.get(answer.headers["Location"], headers=bearer(key)).json
    assert done["status"] == "approved", done["reasons"]
    return done


# --- the issue's "done when" ------------------------------------------------------------------------------------
@pytest.mark.timeout(120)
def test_an_approval_delivers_verification_approved_that_standardwebhooks_verifies(
    client: FlaskClient, services: Services, platform_key: str, receiver: Receiver,
) -> None:
    endpoint = register(client, platform_key, receiver.url)
    done = approve(client, services, platform_key)
    assert receiver.received == []  # committed with the decision, sent only by the dispatcher
    assert dispatch.deliver_due(services) == 1
    [request] = receiver.received
    event = verified(request, endpoint["secret"])
    assert event["type"] == "verification.approved"
    assert event["data"] == {"verification_id": done["id"], "account_id": "teach-1", "profession": "teacher",
                             "status": "approved", "reasons": [], "label_id": done["label"]["id"],
                             "decided_by": "machine"}
    [logged] = deliveries(client, platform_key, endpoint_id=endpoint["id"])
    assert (logged["state"], logged["event_id"], logged["payload"]) == ("succeeded", request.headers["webhook-id"],
                                                                       event)
    assert [(a["number"], a["status_code"], a["error"]) for a in logged["attempts"]] == [(1, 200, None)]


def test_a_receiver_answering_500_then_200_gets_the_same_webhook_id_twice(
    client: FlaskClient, services: Services, platform_key: str, clock: TestClock,
) -> None:
    with Receiver([Reply(500, b"try later"), Reply(200)]) as receiver:
        endpoint = register(client, platform_key, receiver.url)
        client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key))
        assert dispatch.deliver_due(services) == 1
        assert dispatch.deliver_due(services) == 0  # the retry waits its turn (5 s, with jitter)
        clock.advance(7)
        assert dispatch.deliver_due(services) == 1
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.headers["webhook-timestamp"] != second.headers["webhook-timestamp"]  # signed again for each attempt
    assert verified(first, endpoint["secret"]) == verified(second, endpoint["secret"])
    [logged] = deliveries(client, platform_key)
    assert logged["state"] == "succeeded"
    assert [(a["status_code"], a["error"], a["response"]) for a in logged["attempts"]] == [
        (500, "http_status", "try later"), (200, None, "ok")]


def test_a_receiver_slower_than_the_timeout_is_retried(
    client: FlaskClient, services: Services, platform_key: str, clock: TestClock,
) -> None:
    services = replace(services, settings=replace(services.settings, webhook_timeout_seconds=0.5))  # the dispatcher's
    with Receiver([Reply(200, delay=2.0), Reply(200)]) as receiver:
        endpoint = register(client, platform_key, receiver.url)
        client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key))
        dispatch.deliver_due(services)
        clock.advance(7)
        dispatch.deliver_due(services)
    [logged] = deliveries(client, platform_key)
    assert [(a["status_code"], a["error"]) for a in logged["attempts"]] == [(None, "timeout"), (200, None)]
    assert logged["attempts"][0]["duration_ms"] < 1500
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1


def test_another_platform_cannot_see_or_change_the_endpoint_or_its_log(
    client: FlaskClient, services: Services, platform_key: str, other_platform_key: str, receiver: Receiver,
) -> None:
    endpoint = register(client, platform_key, receiver.url)
    delivery = client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key)).json
    missing = client.get("/v1/webhooks/endpoints/" + "0" * 32, headers=bearer(other_platform_key))
    assert missing.status_code == 404
    foreign = bearer(other_platform_key)
    for method, path in [
        ("GET", f"/v1/webhooks/endpoints/{endpoint['id']}"), ("DELETE", f"/v1/webhooks/endpoints/{endpoint['id']}"),
        ("POST", f"/v1/webhooks/endpoints/{endpoint['id']}/test"),
        ("POST", f"/v1/webhooks/endpoints/{endpoint['id']}/rotate-secret"),
        ("POST", f"/v1/webhooks/endpoints/{endpoint['id']}/enable"),
        ("GET", f"/v1/webhooks/deliveries?endpoint_id={endpoint['id']}"),
        ("GET", f"/v1/webhooks/deliveries/{delivery['id']}"),
        ("POST", f"/v1/webhooks/deliveries/{delivery['id']}/redeliver"),
    ]:
        answer = client.open(path, method=method, headers=foreign)
        assert answer.status_code == 404, (method, path, answer.status_code)
        assert answer.json["type"] == PROBLEM_BASE + "not_found"
    assert client.get("/v1/webhooks/endpoints", headers=foreign).json == {"endpoints": []}
    assert deliveries(client, other_platform_key) == []
    mine = client.get(f"/v1/webhooks/endpoints/{endpoint['id']}", headers=bearer(platform_key)).json
    assert mine["state"] == "enabled" and "secret" not in mine  # nothing changed, the secret never shown again
    assert len(deliveries(client, platform_key)) == 1
    assert dispatch.deliver_due(services) == 1 and len(receiver.received) == 1  # no extra test, no redelivery


@pytest.mark.timeout(120)
@pytest.mark.reading  # the webhooks' end-to-end test: the canary certificate is read by the pipeline
def test_no_payload_holds_personal_data(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str, receiver: Receiver,
) -> None:
    """A canary name, ID number and credential number go through approval, review and label changes: never out."""
    register(client, platform_key, receiver.url)
    cert = make_certificate("teacher_qualification", seed=41)
    canaries = [cert.fields["name"], cert.fields["id_number"], cert.fields["number"], MISMATCHED_NAME]
    answer = submit(client, platform_key, signed_pdf(cert), profession="teacher", account_id="canary",
                    **holder_form(cert))
    process_all(services)
    label = client.get(answer.headers["Location"], headers=bearer(platform_key)).json["label"]
    client.post(f"/v1/labels/{label['id']}/suspend", json={"reason": f"{canaries[0]} asked"},
                headers=bearer(platform_key))
    client.post(f"/v1/labels/{label['id']}/revoke", json={"reason": canaries[1]}, headers=bearer(platform_key))
    item = item_of(services, needs_review(client, services, platform_key, seed=42))
    client.post(f"/v1/review/items/{item}/claim", headers=bearer(reviewer_key))
    decided = client.post(f"/v1/review/items/{item}/decision", json={
        "decision": "reject", "reason_code": "other", "note": canaries[0], "message": canaries[1]},
        headers=bearer(reviewer_key))
    assert decided.status_code == 200, decided.json
    dispatch.deliver_due(services)
    types = [json.loads(r.body)["type"] for r in receiver.received]
    assert sorted(types) == ["label.revoked", "label.suspended", "verification.approved",
                             "verification.needs_review", "verification.rejected"]
    with services.store.read() as session:
        stored = session.scalars(select(WebhookEvent.body)).all()
    sent = [r.body.decode() for r in receiver.received]
    logged = json.dumps(deliveries(client, platform_key), ensure_ascii=False)
    for text in [*sent, *stored, logged]:
        for canary in canaries:
            assert canary not in text
    rejected = next(json.loads(body)["data"] for body in sent if '"verification.rejected"' in body)
    assert (rejected["decided_by"], rejected["reasons"]) == ("reviewer", ["review.other"])


# --- events from every kind of change -----------------------------------------------------------------------------
def test_label_changes_are_told_with_their_reason(
    client: FlaskClient, services: Services, platform_key: str, receiver: Receiver, clock: TestClock,
) -> None:
    endpoint = register(client, platform_key, receiver.url, events=[
        "label.revoked", "label.suspended", "label.resumed", "label.expired"])
    first = issue(services, "lawyer-1")
    for action in ("suspend", "resume"):
        assert client.post(f"/v1/labels/{first['id']}/{action}", headers=bearer(platform_key)).status_code == 200
    second = issue(services, "lawyer-1")  # the account's newer legal label supersedes the first
    client.post(f"/v1/labels/{second['id']}/revoke", json={"reason": "licence withdrawn"},
                headers=bearer(platform_key))
    dispatch.deliver_due(services)
    told = [verified(r, endpoint["secret"]) for r in receiver.received]
    summary = sorted((e["type"], e["data"]["label_id"], e["data"]["status"], e["data"]["reason_code"]) for e in told)
    assert summary == sorted([
        ("label.suspended", first["id"], "suspended", "requested"),
        ("label.resumed", first["id"], "active", "requested"),
        ("label.revoked", first["id"], "revoked", "superseded"),
        ("label.revoked", second["id"], "revoked", "requested"),
    ])
    third = issue(services, "lawyer-2")
    with services.store.read() as session:
        expires_at = session.get_one(Label, third["id"]).expires_at
    clock.at = expires_at + timedelta(seconds=1)
    assert webhooks_service.note_expired_labels(services) == 1  # the revoked ones are not "expired"
    assert webhooks_service.note_expired_labels(services) == 0  # once per label
    dispatch.deliver_due(services)
    expired = json.loads(receiver.received[-1].body)  # signed half a year ahead: past the library's tolerance
    assert (expired["type"], expired["data"]["label_id"], expired["data"]["status"]) == (
        "label.expired", third["id"], "expired")
    assert expired["data"]["reason_code"] == "lifetime_ended" and expired["data"]["account_id"] == "lawyer-2"
    assert {e["data"]["account_id"] for e in told} == {"lawyer-1"}


def test_an_endpoint_gets_only_the_event_types_it_asked_for(
    client: FlaskClient, services: Services, platform_key: str,
) -> None:
    with Receiver() as everything, Receiver() as revocations:
        register(client, platform_key, everything.url)
        register(client, platform_key, revocations.url, events=["label.revoked"])
        label = issue(services, "lawyer-1")
        client.post(f"/v1/labels/{label['id']}/suspend", headers=bearer(platform_key))
        client.post(f"/v1/labels/{label['id']}/revoke", json={"reason": "x"}, headers=bearer(platform_key))
        dispatch.deliver_due(services)
    assert [json.loads(r.body)["type"] for r in revocations.received] == ["label.revoked"]
    assert sorted(json.loads(r.body)["type"] for r in everything.received) == ["label.revoked", "label.suspended"]


def test_a_platform_without_endpoints_gets_no_rows(client: FlaskClient, services: Services, platform_key: str) -> None:
    label = issue(services, "lawyer-1")
    client.post(f"/v1/labels/{label['id']}/revoke", json={"reason": "x"}, headers=bearer(platform_key))
    with services.store.read() as session:
        assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0


def test_the_event_commits_with_its_change_or_not_at_all(
    client: FlaskClient, services: Services, platform_key: str, receiver: Receiver,
) -> None:
    register(client, platform_key, receiver.url)
    label = issue(services, "lawyer-1")
    with pytest.raises(RuntimeError), services.store.write() as session:
        row = session.get_one(Label, label["id"])
        webhooks_service.label_changed(services, session, row, "revoke", now=services.clock())
        raise RuntimeError("the change fails after its event was written")
    with services.store.read() as session:
        assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
    client.post(f"/v1/labels/{label['id']}/revoke", json={"reason": "x"}, headers=bearer(platform_key))
    with services.store.read() as session:
        assert session.scalars(select(WebhookDelivery.state)).all() == ["pending"]  # stored before any request
    assert receiver.received == []


def test_the_dispatcher_thread_is_woken_by_a_commit_in_its_own_process(
    client: FlaskClient, services: Services, platform_key: str, receiver: Receiver,
) -> None:
    services = replace(services, settings=replace(services.settings, webhook_poll_seconds=60.0))  # the dispatcher's
    register(client, platform_key, receiver.url)
    label = issue(services, "lawyer-1")
    dispatcher = Dispatcher(services, threads=2).start()
    try:
        client.post(f"/v1/labels/{label['id']}/revoke", json={"reason": "x"}, headers=bearer(platform_key))
        [request] = receiver.wait_for(1, timeout=5)  # far sooner than the 60 s poll
    finally:
        dispatcher.stop()
    assert json.loads(request.body)["type"] == "label.revoked"


# --- endpoint management --------------------------------------------------------------------------------------
def test_an_endpoint_is_created_with_a_secret_shown_once_and_listed_without_it(
    client: FlaskClient, services: Services, platform_key: str, receiver: Receiver,
) -> None:
    created = register(client, platform_key, receiver.url + "?token=s3cret-canary", events=["verification.approved"])
    with services.store.read() as session:
        logged = session.scalars(select(AuditEvent).where(AuditEvent.action == "webhook.endpoint.create")).one()
    assert logged.after["host"] == "127.0.0.1" and "s3cret-canary" not in json.dumps(logged.after)
    assert created["secret"].startswith("whsec_") and created["events"] == ["verification.approved"]
    assert created["state"] == "enabled"
    listed = client.get("/v1/webhooks/endpoints", headers=bearer(platform_key)).json["endpoints"]
    assert [e["id"] for e in listed] == [created["id"]] and "secret" not in listed[0]
    assert client.delete(f"/v1/webhooks/endpoints/{created['id']}", headers=bearer(platform_key)).status_code == 204
    assert client.get("/v1/webhooks/endpoints", headers=bearer(platform_key)).json == {"endpoints": []}
    again = client.get(f"/v1/webhooks/endpoints/{created['id']}", headers=bearer(platform_key))
    assert again.status_code == 404


def test_a_platform_has_a_limited_number_of_endpoints(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", webhook_max_endpoints=2)
    services = app.extensions["verify"]
    try:
        key, other = new_key(services, "acme-video", "platform"), new_key(services, "rival-live", "platform")
        client = app.test_client()
        for n in range(2):
            assert register(client, key, f"https://hooks.example.com/{n}")
        third = client.post("/v1/webhooks/endpoints", json={"url": "https://hooks.example.com/3"},
                            headers=bearer(key))
        assert third.status_code == 409 and third.json["type"] == PROBLEM_BASE + "too_many_webhook_endpoints"
        assert register(client, other, "https://hooks.example.com/other")  # another platform's own limit
    finally:
        services.store.dispose()


@pytest.mark.parametrize("host", [
    "127.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f000001", "0x7f.1", "0177.0.0.1", "017700000001", "0.0.0.0",
    "0", "localhost", "api.localhost", "[::1]", "[::]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "169.254.169.254",
    "10.0.0.1", "192.168.1.1", "100.64.0.1", "[fd00::1]", "[fe80::1]",
])
def test_without_the_allowlist_every_loopback_and_private_spelling_is_refused(tmp_path: Path, host: str) -> None:
    app = make_app(tmp_path / "data", webhook_allow_http=True)  # VERIFY_WEBHOOK_ALLOWED_NETWORKS empty
    services = app.extensions["verify"]
    try:
        answer = app.test_client().post("/v1/webhooks/endpoints", json={"url": f"https://{host}:8443/hooks"},
                                        headers=bearer(new_key(services, "acme-video", "platform")))
        assert answer.status_code == 422, answer.json
        assert answer.json["type"] == PROBLEM_BASE + "webhook_url_refused"
    finally:
        services.store.dispose()


@pytest.mark.parametrize(("url", "detail"), [
    ("http://hooks.example.com/", "https"), ("https://user:pw@hooks.example.com/", "credentials"),
    ("javascript:alert(1)", "https"),
])
def test_a_url_that_is_not_public_https_is_refused(tmp_path: Path, url: str, detail: str) -> None:
    app = make_app(tmp_path / "data")
    services = app.extensions["verify"]
    try:
        answer = app.test_client().post("/v1/webhooks/endpoints", json={"url": url},
                                        headers=bearer(new_key(services, "acme-video", "platform")))
        assert answer.status_code == 422 and detail in answer.json["detail"]
    finally:
        services.store.dispose()


def test_rotating_the_secret_signs_with_old_and_new_for_the_grace_period(
    client: FlaskClient, services: Services, platform_key: str, receiver: Receiver, clock: TestClock,
) -> None:
    endpoint = register(client, platform_key, receiver.url)
    rotated = client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/rotate-secret", json={"grace_seconds": 60},
                          headers=bearer(platform_key)).json
    assert rotated["secret"] != endpoint["secret"] and rotated["previous_secret_expires_at"]
    client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key))
    dispatch.deliver_due(services)
    for secret in (endpoint["secret"], rotated["secret"]):
        assert verified(receiver.received[0], secret)["type"] == "webhook.test"
    clock.advance(61)
    client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key))
    dispatch.deliver_due(services)
    assert verified(receiver.received[1], rotated["secret"])
    with pytest.raises(WebhookVerificationError):
        verified(receiver.received[1], endpoint["secret"])


# --- failing endpoints --------------------------------------------------------------------------------------------
def test_410_disables_the_endpoint_the_platform_sees_why_and_can_enable_and_redeliver(
    client: FlaskClient, services: Services, platform_key: str,
) -> None:
    with Receiver([Reply(410, b"gone")]) as receiver:
        endpoint = register(client, platform_key, receiver.url)
        first = client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key)).json
        dispatch.deliver_due(services)
        shown = client.get(f"/v1/webhooks/endpoints/{endpoint['id']}", headers=bearer(platform_key)).json
        assert (shown["state"], shown["disabled_reason"]) == ("disabled", "gone")
        refused = client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key))
        assert refused.status_code == 409 and refused.json["type"] == PROBLEM_BASE + "webhook_endpoint_disabled"
        label = issue(services, "lawyer-1")
        client.post(f"/v1/labels/{label['id']}/revoke", json={"reason": "x"}, headers=bearer(platform_key))
        assert dispatch.deliver_due(services) == 0  # a disabled endpoint is not sent new events
        enabled = client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/enable", headers=bearer(platform_key)).json
        assert (enabled["state"], enabled["disabled_reason"]) == ("enabled", None)
        again = client.post(f"/v1/webhooks/deliveries/{first['id']}/redeliver", headers=bearer(platform_key))
        assert again.status_code == 202 and again.json["redelivery_of"] == first["id"]
        dispatch.deliver_due(services)
    assert [r.headers["webhook-id"] for r in receiver.received] == [first["event_id"]] * 2
    states = {d["id"]: d["state"] for d in deliveries(client, platform_key)}
    assert states == {first["id"]: "failed", again.json["id"]: "succeeded"}


def test_an_endpoint_failing_for_days_is_disabled_and_says_since_when(
    client: FlaskClient, services: Services, platform_key: str, clock: TestClock,
) -> None:
    services = replace(services, settings=replace(services.settings, webhook_disable_after_days=2.0))
    with Receiver(default=Reply(503)) as receiver:
        endpoint = register(client, platform_key, receiver.url)
        client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key))
        dispatch.deliver_due(services)
        failing = client.get(f"/v1/webhooks/endpoints/{endpoint['id']}", headers=bearer(platform_key)).json
        assert failing["state"] == "enabled" and failing["failing_since"] is not None
        clock.advance(3 * 86400)
        dispatch.deliver_due(services)  # the retry fails too, three days into the streak
    shown = client.get(f"/v1/webhooks/endpoints/{endpoint['id']}", headers=bearer(platform_key)).json
    assert (shown["state"], shown["disabled_reason"], shown["failing_since"]) == (
        "disabled", "failing", failing["failing_since"])
    assert [d["state"] for d in deliveries(client, platform_key)] == ["failed"]


def test_an_exhausted_schedule_ends_the_delivery_failed(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", **LOOPBACK, webhook_retry_seconds="0,0,0")
    services = app.extensions["verify"]
    client = app.test_client()
    try:
        key = new_key(services, "acme-video", "platform")
        with Receiver(default=Reply(500)) as receiver:
            endpoint = register(client, key, receiver.url)
            client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(key))
            assert dispatch.deliver_due(services) == 3
        [logged] = deliveries(client, key)
        assert (logged["state"], len(logged["attempts"]), logged["next_attempt_at"]) == ("failed", 3, None)
    finally:
        services.store.dispose()


def test_a_lapsed_lease_is_claimed_again_and_the_late_dispatcher_is_fenced_off(
    client: FlaskClient, services: Services, platform_key: str, receiver: Receiver, clock: TestClock,
) -> None:
    endpoint = register(client, platform_key, receiver.url)
    client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key))
    stalled = dispatch.claim_next(services)
    assert stalled is not None and dispatch.claim_next(services) is None  # leased
    clock.advance(services.settings.webhook_lease_seconds + 1)
    again = dispatch.claim_next(services)
    assert again is not None and again.claim.delivery_id == stalled.claim.delivery_id
    assert again.claim.attempts == 2
    late = dispatch.send_outgoing(services, stalled)
    assert dispatch.record(services, stalled.claim, late) is None  # fenced: its lease was taken over
    assert dispatch.record(services, again.claim, dispatch.send_outgoing(services, again)) == "succeeded"
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1 and len(receiver.received) == 2
    [logged] = deliveries(client, platform_key)
    assert [a["number"] for a in logged["attempts"]] == [2]


def test_a_busy_sender_records_an_attempt_and_claims_the_next_delivery_in_one_commit(
    client: FlaskClient, services: Services, platform_key: str, receiver: Receiver,
) -> None:
    endpoint = register(client, platform_key, receiver.url)
    made = [client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key)).json["id"]
            for _ in range(2)]
    first = dispatch.claim_next(services)
    assert first is not None
    commits = []

    def committed(connection: Any) -> None:
        commits.append(connection)

    event.listen(services.store.engine, "commit", committed)
    try:
        second = dispatch.record_and_claim_next(services, first.claim, dispatch.send_outgoing(services, first))
    finally:
        event.remove(services.store.engine, "commit", committed)
    assert second is not None and {first.claim.delivery_id, second.claim.delivery_id} == set(made)
    assert len(commits) == 1
    assert dispatch.record_and_claim_next(services, second.claim, dispatch.send_outgoing(services, second)) is None
    assert [d["state"] for d in deliveries(client, platform_key)] == ["succeeded", "succeeded"]


def test_deleting_an_endpoint_cancels_what_it_had_waiting(
    client: FlaskClient, services: Services, platform_key: str, receiver: Receiver,
) -> None:
    endpoint = register(client, platform_key, receiver.url)
    client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key))
    client.delete(f"/v1/webhooks/endpoints/{endpoint['id']}", headers=bearer(platform_key))
    assert dispatch.deliver_due(services) == 0 and receiver.received == []
    with services.store.read() as session:
        assert session.scalars(select(WebhookDelivery.state)).all() == ["cancelled"]


def test_the_delivery_log_pages_newest_first_with_a_cursor_bound_to_the_platform(
    client: FlaskClient, services: Services, platform_key: str, other_platform_key: str, receiver: Receiver,
) -> None:
    endpoint = register(client, platform_key, receiver.url)
    made = [client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key)).json["id"]
            for _ in range(3)]
    page = client.get("/v1/webhooks/deliveries?limit=2", headers=bearer(platform_key)).json
    rest = client.get(f"/v1/webhooks/deliveries?limit=2&cursor={page['next_cursor']}",
                      headers=bearer(platform_key)).json
    assert [d["id"] for d in page["items"] + rest["items"]] == made[::-1] and rest["next_cursor"] is None
    stolen = client.get(f"/v1/webhooks/deliveries?cursor={page['next_cursor']}", headers=bearer(other_platform_key))
    assert stolen.status_code == 400 and stolen.json["type"] == PROBLEM_BASE + "invalid_cursor"


def test_a_review_decision_says_a_person_decided(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str, receiver: Receiver,
) -> None:
    endpoint = register(client, platform_key, receiver.url)
    verification_id = needs_review(client, services, platform_key)
    item = item_of(services, verification_id)
    client.post(f"/v1/review/items/{item}/claim", headers=bearer(reviewer_key))
    decided = client.post(f"/v1/review/items/{item}/decision", json={
        "decision": "approve", "reason_code": "name_difference_explained"}, headers=bearer(reviewer_key))
    client.post(f"/v1/review/items/{item}/decision", json={  # a repeated decision writes no second event
        "decision": "approve", "reason_code": "name_difference_explained"}, headers=bearer(reviewer_key))
    dispatch.deliver_due(services)
    told = sorted((verified(r, endpoint["secret"]) for r in receiver.received), key=lambda e: e["type"])
    assert [(e["type"], e["data"]["decided_by"]) for e in told] == [
        ("verification.approved", "reviewer"), ("verification.needs_review", "machine")]
    assert told[0]["data"]["label_id"] is not None and told[0]["data"]["verification_id"] == verification_id
    assert told[1]["data"]["reasons"] and told[1]["data"]["label_id"] is None
    assert decided.status_code == 200, decided.json


def test_the_readme_receiver_takes_a_real_delivery_once_and_refuses_a_forged_one(
    client: FlaskClient, services: Services, platform_key: str, receiver: Receiver, capsys: pytest.CaptureFixture,
) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("<!-- receiver example: tests/api/test_webhooks.py runs this block -->", 1)[1]
    source = block.split("```python\n", 1)[1].split("```", 1)[0]
    endpoint = register(client, platform_key, receiver.url)
    client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key))
    dispatch.deliver_due(services)
    [request] = receiver.received
    namespace: dict[str, Any] = {"__name__": "__main__"}  # as if run as a script
    exec(compile(source.replace('"whsec_..."', repr(endpoint["secret"])), "README.md", "exec"), namespace)
    platform_side = namespace["app"].test_client()
    headers = {name: request.headers[name] for name in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    for _ in range(2):  # a duplicate is acknowledged and not handled again
        assert platform_side.post("/hooks/verify", data=request.body, headers=headers).status_code == 204
    assert capsys.readouterr().out.count("webhook.test") == 1
    forged = platform_side.post("/hooks/verify", data=request.body.replace(b"endpoint_id", b"endpoint_xx"),
                                headers=headers)
    assert forged.status_code == 400


def test_the_openapi_document_describes_every_event_and_route(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").json
    assert set(spec["webhooks"]) == set(EVENT_TYPES)
    for event_type, item in spec["webhooks"].items():
        reference = item["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert reference.rsplit("/", 1)[1] in spec["components"]["schemas"], event_type
        assert {p["name"] for p in item["post"]["parameters"]} == {"webhook-id", "webhook-timestamp",
                                                                   "webhook-signature"}
    assert "webhook_url_refused" in spec["info"]["description"]


def test_the_log_keeps_finished_deliveries_for_its_days_and_metrics_count_them(
    client: FlaskClient, services: Services, platform_key: str, receiver: Receiver, clock: TestClock,
) -> None:
    endpoint = register(client, platform_key, receiver.url)
    for _ in range(2):
        client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key))
    admin = bearer(new_key(services, "operator", "admin"))
    assert 'verify_webhook_deliveries{state="pending"} 2' in client.get("/metrics", headers=admin).text
    dispatch.deliver_due(services)
    client.application.extensions.pop(ops._WAITING_COUNTS)  # the counts are kept a few seconds: read them again
    assert 'verify_webhook_deliveries{state="pending"} 0' in client.get("/metrics", headers=admin).text
    clock.advance(services.settings.webhook_log_days * 86400 + 1)
    client.post(f"/v1/webhooks/endpoints/{endpoint['id']}/test", headers=bearer(platform_key))  # not due yet
    assert dispatch.prune_log(services) == 2
    with services.store.read() as session:
        counts = [session.scalar(select(func.count()).select_from(model))
                  for model in (WebhookDelivery, WebhookAttempt, WebhookEvent)]
    assert counts == [1, 0, 1]  # the new, waiting delivery and its event stay


def test_webhook_routes_need_a_platform_key(client: FlaskClient, reviewer_key: str) -> None:
    for method, path in [("POST", "/v1/webhooks/endpoints"), ("GET", "/v1/webhooks/endpoints"),
                         ("GET", "/v1/webhooks/deliveries")]:
        assert client.open(path, method=method, json={"url": "https://hooks.example.com/"}).status_code == 401
        answer = client.open(path, method=method, json={"url": "https://hooks.example.com/"},
                             headers=bearer(reviewer_key))
        assert answer.status_code == 403, (method, path)
