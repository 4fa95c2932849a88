"""The service on a real PostgreSQL server (``tests.postgres``): migrations, the start-up self-test,
the whole flow through the API, the races the locks exist for, an outage, and encryption at rest.

Each test has a database of its own, copied from a migrated template; the server runs in
Asia/Shanghai time so that a timestamp stored in the server's zone instead of UTC shows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, inspect, make_url, select, text
from standardwebhooks import Webhook

from tests.certificates import make_certificate, render_pdf
from tests.conftest import bearer, make_app, new_key, process_all
from tests.postgres import PostgresServer
from tests.review_cases import copy_case, item_of, needs_review
from tests.security.client import submit
from tests.uploads import holder_form, signed_pdf
from tests.webhooks.receiver import Receiver, Reply
from verify import audit
from verify.audit import check_log
from verify.errors import PROBLEM_BASE, AlreadyClaimed
from verify.services import dispatch, privacy, processing
from verify.services.context import Services
from verify.services.keys import authenticate
from verify.services.review import decisions, leases, queue
from verify.store.db import Store, alembic_config, make_engine, upgrade
from verify.store.models import AuditEvent, Base, Document, IdempotencyRecord, ReviewItem, Verification
from verify.store.selfcheck import DurabilityError, check_database

TEACHER = make_certificate("teacher_qualification", seed=4)
TEACHER_PDF = signed_pdf(TEACHER)  # approvable: signed by the tests' trusted issuer
DOCTOR_PDF = render_pdf(make_certificate("physician_practice", seed=21))


def _database(url: str) -> str:
    return make_url(url).database or ""


@pytest.fixture
def pg_app(tmp_path: Path, postgres_url: str) -> Iterator[Flask]:
    app = make_app(tmp_path / "data", database_url=postgres_url, ocr_engine="none", auth_cache_seconds=0.0)
    yield app
    app.extensions["verify"].store.dispose()


@pytest.fixture
def services(pg_app: Flask) -> Services:
    return pg_app.extensions["verify"]


@pytest.fixture
def client(pg_app: Flask) -> FlaskClient:
    return pg_app.test_client()


@pytest.fixture
def platform_key(services: Services) -> str:
    return new_key(services, "acme-video", "platform")


def _count(services: Services, model: Any) -> int:
    with services.store.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _intact_audit_log(services: Services) -> int:
    report = check_log(services.store)
    assert report.breaks == []
    return report.entries


# --- schema and start-up ----------------------------------------------------------------------------------------
def test_migrations_build_exactly_the_models_schema(postgres: PostgresServer) -> None:
    url = postgres.database(migrated=False)
    upgrade(url)
    upgrade(url)  # a second run (every `make run`) changes nothing
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
            head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
            columns = {c["name"]: c for c in inspect(connection).get_columns("verifications")}
        assert str(columns["created_at"]["type"]) == "TIMESTAMP"  # naive UTC, see models.UtcDateTime
        assert set(inspect(engine).get_table_names()) == {*Base.metadata.tables, "alembic_version"}
    finally:
        engine.dispose()


def test_a_postgresql_url_as_users_write_it_gets_the_installed_driver(postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql://")
    store = Store(postgres_url)
    try:
        assert store.engine.dialect.driver == "psycopg" and not store.is_sqlite
        with store.read() as session:
            assert session.execute(text("SHOW TimeZone")).scalar() == "UTC"  # the server's own zone is not
    finally:
        store.dispose()


def test_the_self_test_passes_on_a_default_cluster(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        check_database(engine)
    finally:
        engine.dispose()


def test_the_self_test_refuses_synchronous_commit_off(postgres: PostgresServer) -> None:
    url = postgres.database()
    postgres.execute(f"ALTER DATABASE {_database(url)} SET synchronous_commit = off")
    engine = make_engine(url)
    try:
        with pytest.raises(DurabilityError, match="synchronous_commit=off"):
            check_database(engine)
    finally:
        engine.dispose()


def test_the_self_test_refuses_fsync_off(postgres: PostgresServer, postgres_url: str) -> None:
    postgres.execute("ALTER SYSTEM SET fsync = off")
    postgres.reload()
    engine = make_engine(postgres_url)
    try:
        _wait_for_setting(engine, "fsync", "off")
        with pytest.raises(DurabilityError, match="fsync=off"):
            check_database(engine)
    finally:
        postgres.execute("ALTER SYSTEM RESET fsync")
        postgres.reload()
        _wait_for_setting(engine, "fsync", "on")
        engine.dispose()


def test_the_self_test_refuses_a_read_only_database(postgres: PostgresServer) -> None:
    url = postgres.database()
    postgres.execute(f"ALTER DATABASE {_database(url)} SET default_transaction_read_only = on")
    engine = make_engine(url)
    try:
        with pytest.raises(DurabilityError, match="read-only"):
            check_database(engine)
    finally:
        engine.dispose()


def _wait_for_setting(engine: Any, name: str, value: str) -> None:
    deadline = time.monotonic() + 10
    while True:
        engine.dispose()  # a new backend reads the reloaded configuration
        with engine.connect() as connection:
            if connection.exec_driver_sql(f"SHOW {name}").scalar() == value:
                return
        assert time.monotonic() < deadline, f"{name} did not become {value}"
        time.sleep(0.05)


# --- the flow through the API -----------------------------------------------------------------------------------
@pytest.mark.timeout(120)
def test_submit_process_approve_check_revoke(client: FlaskClient, services: Services, platform_key: str) -> None:
    submitted = submit(client, platform_key, TEACHER_PDF, profession="teacher", account_id="teach-1",
                       **holder_form(TEACHER))
    assert submitted.status_code == 202, submitted.json
    assert process_all(services) == 1
    done = client.get(submitted.headers["Location"], headers=bearer(platform_key)).json
    assert done["status"] == "approved", done["reasons"]
    created = datetime.fromisoformat(done["created_at"])
    assert abs(created - datetime.now(UTC)) < timedelta(minutes=1)  # UTC in, UTC out, whatever the server's zone
    with services.store.read() as session:
        stored = session.execute(text("SELECT created_at FROM verifications")).scalar()
        server_utc = session.execute(text("SELECT now() AT TIME ZONE 'UTC'")).scalar()
    assert abs(stored - server_utc) < timedelta(minutes=1)  # the column holds UTC, not Shanghai time
    listed = client.get("/v1/verifications?account_id=teach-1&status=approved", headers=bearer(platform_key)).json
    assert [item["id"] for item in listed["items"]] == [done["id"]]

    label = done["label"]
    check = client.post("/v1/labels/check", json={"token": label["token"], "account_id": "teach-1"},
                        headers=bearer(platform_key))
    assert (check.json["valid"], check.json["reason"]) == (True, None)
    revoked = client.post(f"/v1/labels/{label['id']}/revoke", json={"reason": "licence withdrawn"},
                          headers=bearer(platform_key))
    assert revoked.status_code == 200 and revoked.json["state"] == "revoked"
    check = client.post("/v1/labels/check", json={"token": label["token"]}, headers=bearer(platform_key))
    assert (check.json["valid"], check.json["reason"]) == (False, "revoked")
    labels = client.get("/v1/accounts/teach-1/labels", headers=bearer(platform_key)).json
    assert [item["state"] for item in labels["labels"]] == ["revoked"]
    assert privacy.purge_expired(services) == 0  # decided just now
    later = datetime.now(UTC) + timedelta(days=services.settings.retention_days + 1)
    services.clock.set(later)
    assert privacy.purge_expired(services) == 1
    assert _intact_audit_log(services) >= 3  # label.issue, label.revoke, the redaction


@pytest.mark.timeout(120)
def test_review_claims_race_to_one_winner_and_the_approval_issues_a_label(
    client: FlaskClient, services: Services, platform_key: str,
) -> None:
    item_id = item_of(services, needs_review(client, services, platform_key))
    reviewers = [authenticate(services.store, new_key(services, "acme-video", "reviewer")) for _ in range(4)]
    winners = _race(len(reviewers), lambda i: _claimed_by(services, reviewers[i], item_id))
    assert len([w for w in winners if w is not None]) == 1

    copies = [copy_case(services, _verification_of(services, item_id)) for _ in range(2)]
    taken = _race(2, lambda i: leases.claim_next(services, reviewers[i]))
    assert sorted(row.item.id for row in taken if row is not None) == sorted(copies)  # SKIP LOCKED: one each

    winner = next(r for r in reviewers if r is not None and r.key_id in winners)
    reason = queue.list_items(services, winner, "claimed")[0].item.reasons[0]
    assert len(queue.list_items(services, winner, "claimed", reason=reason)) == 3  # a LIKE over the JSON's text
    assert queue.list_items(services, winner, "claimed", reason=reason[:-1]) == []  # whole codes only
    decided = decisions.decide(services, winner, item_id, decision="approve", reason_code="name_difference_explained")
    assert decided.row.item.state == "decided" and decided.label is not None
    with services.store.read() as session:
        claims = session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "review.claim")).all()
    assert len(claims) == 3
    assert _intact_audit_log(services) >= 5


def _claimed_by(services: Services, principal: Any, item_id: str) -> str | None:
    try:
        return leases.claim(services, principal, item_id).item.claimed_by
    except AlreadyClaimed:
        return None


def _verification_of(services: Services, item_id: str) -> str:
    with services.store.read() as session:
        return session.get_one(ReviewItem, item_id).verification_id


def _race(racers: int, work: Any) -> list[Any]:
    """``work(i)`` in ``racers`` threads released at the same instant; their results."""
    start, results = threading.Barrier(racers), [None] * racers

    def run(index: int) -> None:
        start.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize(("method", "path", "form"), [
    ("POST", "/v1/verifications", {"account_id": "acct\x00-1"}),
    ("GET", "/v1/verifications?account_id=acct%00", None),
    ("GET", "/v1/verifications/abc%00", None),
    ("POST", "/v1/labels/abc%00/revoke", None),
])
def test_a_nul_character_is_a_bad_request_not_a_crash(client: FlaskClient, platform_key: str, method: str,
                                                      path: str, form: dict[str, str] | None) -> None:
    if form is not None:
        answer = submit(client, platform_key, DOCTOR_PDF, **form)
    else:
        answer = client.open(path, method=method, json={"reason": "x"}, headers=bearer(platform_key))
    assert answer.status_code == 400, answer.get_data(as_text=True)  # PostgreSQL text cannot hold NUL
    assert answer.json["type"] == PROBLEM_BASE + "bad_request"


# --- races ------------------------------------------------------------------------------------------------------
def test_workers_racing_for_one_job_get_one_claim(client: FlaskClient, services: Services,
                                                  platform_key: str) -> None:
    submitted = submit(client, platform_key, DOCTOR_PDF)
    assert submitted.status_code == 202
    named = submitted.json["id"]  # Celery workers claim the job they were sent; the local runner the oldest
    claims = _race(6, lambda i: processing.claim_next(services, named if i % 2 else None))
    assert [c.verification_id for c in claims if c is not None] == [named]


def test_workers_draining_the_queue_take_each_job_once(client: FlaskClient, services: Services,
                                                       platform_key: str) -> None:
    for i in range(8):
        assert submit(client, platform_key, DOCTOR_PDF, account_id=f"acct-{i}").status_code == 202
    turns = processing.Turns()

    def drain(index: int) -> list[str]:
        taken = []
        while (claim := processing.claim_next(services, turns=turns if index % 2 else None)) is not None:
            taken.append(claim.verification_id)
        return taken

    claimed = [vid for taken in _race(4, drain) for vid in taken]
    assert len(claimed) == 8 and len(set(claimed)) == 8


def test_concurrent_dispatchers_claim_each_webhook_delivery_once(
    client: FlaskClient, services: Services, platform_key: str,
) -> None:
    services = replace(services, settings=replace(services.settings, webhook_endpoint_in_flight=100))  # claims only
    endpoints = [client.post("/v1/webhooks/endpoints", json={"url": f"https://hooks.example.com/{n}"},
                             headers=bearer(platform_key)).json["id"] for n in range(2)]
    for n in range(20):
        answer = client.post(f"/v1/webhooks/endpoints/{endpoints[n % 2]}/test", headers=bearer(platform_key))
        assert answer.status_code == 202
    turns = processing.Turns()

    def drain(index: int) -> list[str]:
        taken = []
        while (outgoing := dispatch.claim_next(services, turns=turns if index % 2 else None)) is not None:
            taken.append(outgoing.claim.delivery_id)
        return taken

    claimed = [delivery for taken in _race(4, drain) for delivery in taken]
    assert len(claimed) == 20 and len(set(claimed)) == 20  # SKIP LOCKED: every delivery claimed exactly once


def test_a_decision_is_delivered_as_a_signed_webhook_from_postgresql(tmp_path: Path, postgres_url: str) -> None:
    app = make_app(tmp_path / "data", database_url=postgres_url, ocr_engine="none",
                   webhook_allowed_networks="127.0.0.0/8", webhook_allow_http=True)
    services = app.extensions["verify"]
    client = app.test_client()
    try:
        key = new_key(services, "acme-video", "platform")
        with Receiver([Reply(500), Reply(200)]) as receiver:
            endpoint = client.post("/v1/webhooks/endpoints", json={"url": receiver.url}, headers=bearer(key)).json
            submitted = submit(client, key, TEACHER_PDF, profession="teacher", account_id="teach-1",
                               **holder_form(TEACHER))
            process_all(services)
            assert dispatch.deliver_due(services) == 1  # 500: retried in about 5 s
            later = datetime.now(UTC) + timedelta(seconds=10)
            services.clock.set(later)
            assert dispatch.deliver_due(services) == 1
        first, second = receiver.received
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
        event = Webhook(endpoint["secret"]).verify(second.body, second.headers)
        assert (event["type"], event["data"]["verification_id"]) == ("verification.approved", submitted.json["id"])
    finally:
        services.store.dispose()


def test_concurrent_duplicates_with_one_idempotency_key_store_one_verification(
    pg_app: Flask, services: Services, platform_key: str,
) -> None:
    def slow_insert(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO verifications"):
            time.sleep(0.3)  # the first writer holds its transaction open while the others arrive

    event.listen(services.store.engine, "before_cursor_execute", slow_insert)
    try:
        answers = _race(6, lambda _i: submit(pg_app.test_client(), platform_key, DOCTOR_PDF,
                                             headers={"Idempotency-Key": "same-key"}))
    finally:
        event.remove(services.store.engine, "before_cursor_execute", slow_insert)
    assert [a.status_code for a in answers] == [202] * 6, [a.get_json() for a in answers]
    assert len({a.json["id"] for a in answers}) == 1
    assert (_count(services, Verification), _count(services, Document), _count(services, IdempotencyRecord)) == (
        1, 1, 1)


def test_concurrent_audit_appends_keep_one_unbroken_chain(services: Services) -> None:
    def append(racer: int) -> None:
        for n in range(5):
            with services.store.write() as session:
                audit.record(session, actor="system", action="test.append", subject_type="test",
                             subject_id=f"{racer}-{n}", now=services.clock())

    _race(6, append)
    report = check_log(services.store)
    assert (report.entries, report.breaks) == (30, [])
    assert report.head is not None and report.head.id == 30


def test_concurrent_uploads_of_one_account_cannot_overrun_its_quota(tmp_path: Path, postgres_url: str) -> None:
    app = make_app(tmp_path / "data", database_url=postgres_url, ocr_engine="none",
                   limits={"account_uploads_per_day": 1})
    services = app.extensions["verify"]
    try:
        key = new_key(services, "acme-video", "platform")
        pdfs = [render_pdf(make_certificate("physician_practice", seed)) for seed in range(6)]
        answers = _race(6, lambda i: submit(app.test_client(), key, pdfs[i]).status_code)
        assert sorted(answers) == [202] + [429] * 5  # each count ran under the account's lock
        assert _count(services, Verification) == 1
    finally:
        services.store.dispose()


# --- an outage --------------------------------------------------------------------------------------------------
def _assert_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.json["type"] == PROBLEM_BASE + "database_unavailable"
    body = response.get_data(as_text=True).lower()
    assert "psycopg" not in body and "postgres" not in body  # no driver text for the client


def test_a_stopped_server_answers_503_and_the_service_recovers_when_it_is_back(
    postgres: PostgresServer, client: FlaskClient, services: Services, platform_key: str,
) -> None:
    before = submit(client, platform_key, DOCTOR_PDF, account_id="before")
    assert before.status_code == 202
    postgres.stop()
    try:
        _assert_unavailable(submit(client, platform_key, DOCTOR_PDF, account_id="during"))
        _assert_unavailable(client.get(f"/v1/verifications/{before.json['id']}", headers=bearer(platform_key)))
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json["checks"]["database"] == "unavailable"
    finally:
        postgres.start()
    assert client.get("/healthz").json["checks"]["database"] == "ok"  # pooled connections were replaced
    assert submit(client, platform_key, DOCTOR_PDF, account_id="after").status_code == 202
    assert process_all(services) == 2
    assert _count(services, Verification) == 2  # the upload during the outage left nothing


# --- encryption at rest -----------------------------------------------------------------------------------------
@pytest.mark.timeout(120)
def test_personal_data_is_ciphertext_in_a_dump_of_the_database(
    postgres: PostgresServer, postgres_url: str, client: FlaskClient, services: Services,
    platform_key: str,
) -> None:
    cert = make_certificate("physician_qualification", seed=77)
    canary = cert.fields["id_number"]
    verification_id = needs_review(client, services, platform_key, seed=77, holder_id_number=canary)
    dump = postgres.dump(_database(postgres_url))
    assert verification_id in dump  # the dump does hold the rows
    for secret in (canary, canary[:17], cert.fields["name"], "王小明"):
        assert secret not in dump, secret
