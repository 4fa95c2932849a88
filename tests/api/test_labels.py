"""Labels through the API: check, revoke, suspend, resume, supersede, status lists, audit, the hot path."""

from __future__ import annotations

import base64
import json
import random
import threading
import uuid
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tests.certificates import make_certificate
from tests.clock import TestClock
from tests.conftest import bearer, make_app, new_key
from tests.hand_made import submit_read_as
from tests.uploads import holder_form
from verify import audit
from verify.audit import verify_chain
from verify.domain import CredentialKind
from verify.services.context import Services
from verify.services.keys import ensure_platform
from verify.services.labels import issuing
from verify.services.labels import state as label_state
from verify.services.labels.issuing import allocate_status_index, issue_for_verification
from verify.store.models import AuditEvent, Label, Verification


@pytest.fixture
def label(client: FlaskClient, services: Services, platform_key: str) -> dict:
    cert = make_certificate("teacher_qualification", seed=4)
    answer = submit_read_as(client, services, platform_key, cert, signed=True, profession="teacher",
                            account_id="teach-1", **holder_form(cert))
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


# --- lifecycle, status lists, the hot path: labels issued directly through the service -------------------


def pin(clock: TestClock) -> TestClock:
    """``clock`` stopped at the current whole second (labels' times are whole seconds); tests move it on."""
    clock.set(datetime.now(UTC).replace(microsecond=0))
    return clock


def issue(services: Services, account_id: str, *, platform: str = "acme-video",
          kind: CredentialKind = CredentialKind.LAWYER_PRACTICE, category: str = "专职律师") -> dict[str, Any]:
    """An approved verification and its label, through the same function the pipeline and review use."""
    now = services.clock()
    platform_id = ensure_platform(services.store, platform, now)
    with services.store.write() as session:
        verification = Verification(
            id=uuid.uuid4().hex, platform_id=platform_id, account_id=account_id, profession="lawyer",
            status="approved", kind=kind.value, fields={"category": {"value": category}}, checks=[], reasons=[],
            attempts=1, created_at=now, updated_at=now,
        )
        session.add(verification)
        session.flush()
        label = issue_for_verification(services, session, verification, now)
        assert label is not None
        return {"id": label.id, "token": label.token, "status_index": label.status_index}


def change(client: FlaskClient, key: str, label_id: str, action: str, **body: Any) -> Any:
    return client.post(f"/v1/labels/{label_id}/{action}", json=body or None, headers=bearer(key))


def status_list(client: FlaskClient, number: int = 1) -> dict[str, Any]:
    """Fetch list ``number`` and verify it as a platform would: PyJWT with the JWKS key."""
    answer = client.get(f"/v1/status-lists/{number}")
    assert answer.status_code == 200, answer.data
    assert answer.content_type == "application/statuslist+jwt"
    token = answer.get_data(as_text=True)
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "statuslist+jwt" and header["alg"] == "EdDSA"
    jwks = client.get("/.well-known/jwks.json").json
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == header["kid"])).key
    claims = jwt.decode(token, key, algorithms=["EdDSA"], leeway=timedelta(hours=1),
                        options={"require": ["sub", "iat", "exp"]})
    return {"claims": claims, "headers": answer.headers}


def entry(claims: dict[str, Any], idx: int) -> int:
    """The status of entry ``idx``, decoded as the draft says (base64url, zlib, ``bits`` per entry, LSB first)."""
    lst, bits = claims["status_list"]["lst"], claims["status_list"]["bits"]
    raw = zlib.decompress(base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4)))
    return (raw[idx * bits // 8] >> (idx * bits % 8)) & ((1 << bits) - 1)


def reference(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})["status"]["status_list"]


def label_events(services: Services, label_id: str) -> list[AuditEvent]:
    with services.store.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.subject_id == label_id)
                                    .order_by(AuditEvent.id)))


@pytest.fixture
def second(services: Services) -> Iterator[Flask]:
    """Another app instance (another worker process) on the same database and keys."""
    other = make_app(services.settings.data_dir, clock=services.clock)  # one machine: one time
    yield other
    other.extensions["verify"].store.dispose()


def test_suspend_and_resume(client: FlaskClient, services: Services, platform_key: str,
                            other_platform_key: str) -> None:
    label = issue(services, "lawyer-1")
    idx = reference(label["token"])["idx"]
    assert change(client, other_platform_key, label["id"], "suspend").status_code == 404
    suspended = change(client, platform_key, label["id"], "suspend", reason="complaint under review")
    assert suspended.status_code == 200 and suspended.json["state"] == "suspended"
    assert suspended.json["suspended_at"] is not None
    assert _check(client, platform_key, label["token"]) == {"valid": False, "reason": "revoked", "label": None}
    assert entry(status_list(client)["claims"], idx) == 1  # as the check answers: invalid, not "suspended"
    listed = client.get("/v1/accounts/lawyer-1/labels", headers=bearer(platform_key)).json["labels"]
    assert [item["state"] for item in listed] == ["suspended"]
    assert change(client, platform_key, label["id"], "suspend").status_code == 200  # again: no change

    resumed = change(client, platform_key, label["id"], "resume")
    assert resumed.status_code == 200 and resumed.json["state"] == "active"
    assert _check(client, platform_key, label["token"], "lawyer-1")["valid"] is True
    assert entry(status_list(client)["claims"], idx) == 0

    assert change(client, platform_key, label["id"], "revoke", reason="licence withdrawn").status_code == 200
    assert entry(status_list(client)["claims"], idx) == 1
    for action in ("suspend", "resume"):
        refused = change(client, platform_key, label["id"], action)
        assert refused.status_code == 409 and refused.content_type == "application/problem+json"
    assert change(client, platform_key, label["id"], "suspend", reason="").status_code == 422


def test_the_status_list_says_what_the_check_says_and_never_reveals_a_suspension(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    """One policy: a suspended label is invalid (1) in the public list while suspended, valid (0) again on resume."""
    active, suspended, revoked, resumed = (issue(services, f"policy-{n}") for n in range(4))
    change(client, platform_key, suspended["id"], "suspend", reason="complaint under review")
    change(client, platform_key, revoked["id"], "revoke", reason="licence withdrawn")
    change(client, platform_key, resumed["id"], "suspend")
    change(client, platform_key, resumed["id"], "resume")
    claims = status_list(client)["claims"]
    expected = {"valid": 0, "revoked": 1}
    for label in (active, suspended, revoked, resumed):
        checked = _check(client, platform_key, label["token"])
        listed = entry(claims, reference(label["token"])["idx"])
        assert listed == expected["valid" if checked["valid"] else checked["reason"]], (label, checked, listed)
    raw = zlib.decompress(base64.urlsafe_b64decode(claims["status_list"]["lst"] + "=="))
    assert not any((byte >> shift) & 3 == 2 for byte in set(raw) for shift in (0, 2, 4, 6))  # no 2 anywhere


def test_an_admin_may_suspend_any_platforms_label(client: FlaskClient, services: Services) -> None:
    label = issue(services, "lawyer-2", platform="rival-live")
    admin = new_key(services, "operators", "admin")
    assert change(client, admin, label["id"], "suspend").json["state"] == "suspended"
    reviewer = new_key(services, "rival-live", "reviewer")
    assert change(client, reviewer, label["id"], "resume").status_code == 403


def test_a_new_label_supersedes_the_old_one_in_its_domain(client: FlaskClient, services: Services,
                                                          platform_key: str, other_platform_key: str) -> None:
    first = issue(services, "multi-1")
    teacher = issue(services, "multi-1", kind=CredentialKind.TEACHER_QUALIFICATION, category="高级中学教师资格")
    elsewhere = issue(services, "multi-1", platform="rival-live")
    assert _check(client, platform_key, first["token"])["valid"] is True
    renewed = issue(services, "multi-1", category="兼职律师")

    assert _check(client, platform_key, first["token"])["reason"] == "revoked"  # at once, in this process
    assert _check(client, platform_key, renewed["token"])["valid"] is True
    assert _check(client, platform_key, teacher["token"])["valid"] is True  # another domain stays
    assert _check(client, other_platform_key, elsewhere["token"])["valid"] is True  # another platform stays
    listed = client.get("/v1/accounts/multi-1/labels", headers=bearer(platform_key)).json["labels"]
    states = {item["id"]: (item["state"], item["revoke_reason"]) for item in listed}
    assert states == {first["id"]: ("revoked", "superseded"), teacher["id"]: ("active", None),
                      renewed["id"]: ("active", None)}
    events = label_events(services, first["id"])
    assert [e.action for e in events] == ["label.issue", "label.revoke"]
    assert events[-1].after == {"state": "revoked", "reason": "superseded", "superseded_by": renewed["id"]}
    assert entry(status_list(client)["claims"], reference(first["token"])["idx"]) == 1


def test_every_change_is_audited(app: Flask, client: FlaskClient, services: Services, platform_key: str) -> None:
    label = issue(services, "audited-1")
    key_id = platform_key.split("_")[1]
    change(client, platform_key, label["id"], "suspend", reason="call 138 0000 0000")
    change(client, platform_key, label["id"], "resume")
    change(client, platform_key, label["id"], "revoke", reason="licence withdrawn")
    change(client, platform_key, label["id"], "revoke", reason="again")  # no change, no entry
    events = label_events(services, label["id"])
    assert [(e.action, e.actor) for e in events] == [
        ("label.issue", "system"), ("label.suspend", key_id), ("label.resume", key_id), ("label.revoke", key_id)]
    assert events[0].after is not None and events[0].after["status_index"] == label["status_index"]
    assert [(e.before, e.after and e.after["state"]) for e in events[1:]] == [
        ({"state": "active"}, "suspended"), ({"state": "suspended"}, "active"), ({"state": "active"}, "revoked")]
    audited = json.dumps([e.after for e in events], ensure_ascii=False)
    assert "138 0000" not in audited and "withdrawn" not in audited  # free text only as a digest
    assert all(e.platform_id == events[0].platform_id for e in events)

    assert app.test_cli_runner().invoke(args=["signing", "rotate"]).exit_code == 0
    with services.store.read() as session:
        rotation = session.scalars(select(AuditEvent).where(AuditEvent.action == "signing.rotate")).one()
        assert rotation.subject_id == services.keyring.current.kid and rotation.actor == "cli"
        assert list(verify_chain(session)) == []


def test_the_status_list_is_signed_cacheable_and_referenced_by_labels(client: FlaskClient,
                                                                      services: Services) -> None:
    pin(services.clock)
    label = issue(services, "listed-1")
    ref = reference(label["token"])
    assert ref["uri"] == f"{services.settings.issuer}/v1/status-lists/1"
    assert ref["idx"] == label["status_index"]
    published = status_list(client)
    claims = published["claims"]
    assert claims["sub"] == ref["uri"] and claims["iss"] == services.settings.issuer
    assert claims["ttl"] == services.settings.status_list_ttl_seconds
    assert claims["status_list"]["bits"] == 2
    size = services.settings.status_list_size
    raw = zlib.decompress(base64.urlsafe_b64decode(claims["status_list"]["lst"] + "=="))
    assert len(raw) == size * 2 // 8
    assert published["headers"]["Cache-Control"] == f"public, max-age={services.settings.status_list_ttl_seconds}"
    assert published["headers"]["Access-Control-Allow-Origin"] == "*"
    assert client.get("/v1/status-lists/2").status_code == 404
    assert client.get("/v1/status-lists/0").status_code == 404
    list_token = client.get("/v1/status-lists/1").get_data(as_text=True)
    platform_key = new_key(services, "acme-video", "platform")
    assert _check(client, platform_key, list_token)["reason"] == "malformed"  # a list is never a label


def test_a_revocation_shows_in_the_status_list_within_its_ttl(client: FlaskClient, services: Services,
                                                              second: Flask, platform_key: str) -> None:
    clock = pin(services.clock)  # the second app's too
    label = issue(services, "listed-2")
    idx, ttl = reference(label["token"])["idx"], services.settings.status_list_ttl_seconds
    assert entry(status_list(client)["claims"], idx) == 0
    clock.advance(ttl / 2)
    assert change(second.test_client(), platform_key, label["id"], "revoke", reason="x").status_code == 200

    assert entry(status_list(second.test_client())["claims"], idx) == 1  # the revoking process: at once
    cached = status_list(client)  # the other process still serves the list it built within the ttl
    assert entry(cached["claims"], idx) == 0
    assert cached["headers"]["Cache-Control"] == f"public, max-age={ttl - ttl // 2}"
    clock.advance(ttl / 2)
    fresh = status_list(client)
    assert entry(fresh["claims"], idx) == 1
    assert fresh["claims"]["iat"] == int(clock.at.timestamp())


def test_a_change_in_another_process_reaches_checks_before_the_change_call_answers(
    client: FlaskClient, services: Services, second: Flask, platform_key: str
) -> None:
    """The contract: after the change call answers, every serving process answers the new state; no clock moves."""
    pin(services.clock)  # the second app's too
    label, other = issue(services, "moved-on"), issue(services, "moved-too")
    assert _check(client, platform_key, label["token"])["valid"] is True  # this process has read the states
    elsewhere = second.test_client()

    assert change(elsewhere, platform_key, label["id"], "suspend").status_code == 200
    assert _check(client, platform_key, label["token"])["reason"] == "revoked"
    assert change(elsewhere, platform_key, label["id"], "resume").status_code == 200
    assert _check(client, platform_key, label["token"])["valid"] is True
    assert change(elsewhere, platform_key, label["id"], "revoke", reason="x").status_code == 200
    assert _check(client, platform_key, label["token"])["reason"] == "revoked"

    assert _check(client, platform_key, other["token"])["valid"] is True
    issue(second.extensions["verify"], "moved-too", category="兼职律师")  # supersedes, in the other process
    assert _check(client, platform_key, other["token"])["reason"] == "revoked"


def test_a_change_the_counter_does_not_carry_reaches_checks_within_the_refresh_interval(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    """A change written where this machine's counter is not bumped (a worker on another machine): the timed refresh."""
    clock = pin(services.clock)
    label = issue(services, "far-away")
    assert _check(client, platform_key, label["token"])["valid"] is True
    with services.store.write() as session:  # as another machine would: the row and its audit entry, no bump
        row = session.get(Label, label["id"])
        assert row is not None
        row.revoked_at = clock()
        audit.record(session, actor="elsewhere", action="label.revoke", subject_type=label_state.SUBJECT,
                     subject_id=row.id, now=clock(), platform_id=row.platform_id, before={"state": "active"},
                     after={"state": "revoked"})
    interval = services.settings.label_status_refresh_seconds
    clock.advance(interval - 1)
    assert _check(client, platform_key, label["token"])["valid"] is True  # bounded staleness
    clock.advance(1)
    assert _check(client, platform_key, label["token"])["reason"] == "revoked"


def test_checks_read_no_database_and_judge_every_request(client: FlaskClient, services: Services,
                                                        platform_key: str) -> None:
    clock = pin(services.clock)
    label = issue(services, "hot-1")
    first = _check(client, platform_key, label["token"], "hot-1")
    assert first["label"]["id"] == label["id"] and first["label"]["state"] == "active"
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(services.store.engine, "before_cursor_execute", listener)
    try:
        for _ in range(20):
            assert _check(client, platform_key, label["token"], "hot-1") == first
        assert _check(client, platform_key, label["token"], "someone-else")["reason"] == "wrong_account"
    finally:
        event.remove(services.store.engine, "before_cursor_execute", listener)
    assert statements == []
    clock.advance(services.settings.label_lifetime_days * 86400 + 61)
    assert _check(client, platform_key, label["token"])["reason"] == "expired"


def test_the_verified_token_cache_is_bounded(tmp_path: Path) -> None:
    app = make_app(tmp_path / "small", label_cache_size=2)
    services = app.extensions["verify"]
    key = new_key(services, "acme-video", "platform")
    client = app.test_client()
    tokens = [issue(services, f"bounded-{n}")["token"] for n in range(4)]
    for token in tokens:
        assert _check(client, key, token)["valid"] is True
    assert len(services.label_caches.tokens) == 2
    app.extensions["verify"].store.dispose()


def test_status_indices_are_unique_under_concurrency(tmp_path: Path) -> None:
    app = make_app(tmp_path / "crowded", status_list_size=16)
    services = app.extensions["verify"]
    new_key(services, "acme-video", "platform")
    indices: list[int] = []
    errors: list[BaseException] = []

    def issue_some(worker: int) -> None:
        try:
            indices.extend(issue(services, f"crowd-{worker}-{n}")["status_index"] for n in range(10))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=issue_some, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(indices) == 40 and len(set(indices)) == 40
    client = app.test_client()
    lists = max(indices) // 16 + 1
    assert lists >= 3  # 40 labels in lists of 16
    assert client.get(f"/v1/status-lists/{lists}").status_code == 200
    assert client.get(f"/v1/status-lists/{lists + 1}").status_code == 404
    app.extensions["verify"].store.dispose()


def test_a_taken_index_is_picked_again(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    new_key(services, "acme-video", "platform")
    taken = issue(services, "first")["status_index"]
    picks = iter([taken])
    real = allocate_status_index

    def racing(session: Any, size: int) -> int:  # as if another transaction had just taken it
        pick = next(picks, None)
        return real(session, size) if pick is None else pick

    monkeypatch.setattr(issuing, "allocate_status_index", racing)
    second_label = issue(services, "second")  # the unique column refuses it; the savepoint retries
    assert second_label["status_index"] not in (None, taken)
    with services.store.read() as session:
        assert session.get(Verification, session.get(Label, second_label["id"]).verification_id) is not None


def test_allocation_skips_taken_indices_and_moves_on_when_a_list_is_full(services: Services) -> None:
    new_key(services, "acme-video", "platform")
    taken = issue(services, "first")["status_index"]

    class Scripted(random.Random):
        def __init__(self, picks: list[int]) -> None:
            super().__init__()
            self.picks = iter(picks)

        def randrange(self, *_args: Any, **_kwargs: Any) -> int:  # type: ignore[override]
            return next(self.picks)

    size = services.settings.status_list_size
    assert 0 <= taken < size and taken != 5
    with services.store.read() as session:
        assert allocate_status_index(session, size, Scripted([taken, 5])) == 5
        assert allocate_status_index(session, size, Scripted([taken] * 8 + [3])) == size + 3  # list 1 "full"


@pytest.mark.parametrize("token", ["", " ", "x" * 16385, "a." * 200_000, "garbage", "a.b.c", "飞.x.y", "a..b",
                                   "eyJhbGciOi.e30.c2ln", "\u0000", "Bearer x.y.z"])
def test_a_token_that_cannot_be_read_is_answered_malformed(client: FlaskClient, platform_key: str,
                                                           token: str) -> None:
    """The body has the documented shape (an object with a token string): the answer is a check, not a 422."""
    answer = client.post("/v1/labels/check", json={"token": token}, headers=bearer(platform_key))
    assert answer.status_code == 200, answer.json
    assert answer.json == {"valid": False, "reason": "malformed", "label": None}
    with_account = client.post("/v1/labels/check", json={"token": token, "account_id": "acct-1"},
                               headers=bearer(platform_key))
    assert with_account.json == {"valid": False, "reason": "malformed", "label": None}


@pytest.mark.parametrize("body", [{}, {"token": 5}, {"token": None}, {"token": ["a.b.c"]}, {"token": {"t": 1}},
                                  {"token": True}, {"token": "a.b.c", "account_id": ""},
                                  {"token": "a.b.c", "account_id": 7}, {"token": "a.b.c", "extra": 1},
                                  ["a.b.c"], "a.b.c", None, 5])
def test_a_body_that_is_not_an_object_with_a_token_string_is_a_422(client: FlaskClient, platform_key: str,
                                                                    body: Any) -> None:
    answer = client.post("/v1/labels/check", json=body, headers=bearer(platform_key))
    assert answer.status_code == 422 and answer.content_type == "application/problem+json"
    assert answer.json["type"].endswith("/validation_error")


def test_a_body_that_is_not_json_is_a_422(client: FlaskClient, platform_key: str) -> None:
    answer = client.post("/v1/labels/check", data=b"token=a.b.c", headers=bearer(platform_key),
                         content_type="application/json")
    assert answer.status_code == 422 and answer.content_type == "application/problem+json"
