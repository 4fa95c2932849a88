"""``Idempotency-Key`` under races, across tenants and over time (catalogue 84, 86, 87).

82, 83 and 85 (sequential replay, reuse with another payload, no key) are in
tests/api/test_verifications.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from tests.certificates import make_certificate, render_pdf
from tests.conftest import make_app, new_key
from tests.security.client import submit
from verify.services import privacy
from verify.services.context import Services
from verify.store.models import Document, IdempotencyRecord, Verification

PDF = render_pdf(make_certificate("physician_practice", 31))
OTHER_PDF = render_pdf(make_certificate("physician_practice", 32))


@pytest.fixture
def one_upload_left(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """An app whose accounts may upload one document a day, so a duplicate that were counted would be refused."""
    app = make_app(tmp_path / "data", ocr_engine="none", limits={"account_uploads_per_day": 1})
    services = app.extensions["verify"]
    yield app, new_key(services, "acme-video", "platform")
    services.store.dispose()


def _count(services: Services, model: Any) -> int:
    with services.store.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_84_concurrent_duplicates_store_one_verification_and_all_get_its_answer(
    one_upload_left: tuple[Flask, str],
) -> None:
    app, key = one_upload_left
    services: Services = app.extensions["verify"]
    racers = 6
    start = threading.Barrier(racers)
    answers: list[Any] = [None] * racers

    def slow_insert(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO verifications"):
            time.sleep(0.3)  # the first writer holds its transaction open while the others arrive

    def race(index: int) -> None:
        client = app.test_client()
        start.wait()
        answers[index] = submit(client, key, PDF, headers={"Idempotency-Key": "same-key"})

    event.listen(services.store.engine, "before_cursor_execute", slow_insert)
    try:
        threads = [threading.Thread(target=race, args=(i,)) for i in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        event.remove(services.store.engine, "before_cursor_execute", slow_insert)

    assert [a.status_code for a in answers] == [202] * racers, [a.get_json() for a in answers]
    assert len({a.json["id"] for a in answers}) == 1
    assert all(a.json == answers[0].json for a in answers)  # replays are the first answer, byte for byte
    assert (_count(services, Verification), _count(services, Document)) == (1, 1)
    later = submit(app.test_client(), key, PDF, headers={"Idempotency-Key": "same-key"})
    assert (later.status_code, later.json) == (202, answers[0].json)


def test_86_keys_are_per_platform(one_upload_left: tuple[Flask, str]) -> None:
    app, key_a = one_upload_left
    services: Services = app.extensions["verify"]
    key_b = new_key(services, "rival-live", "platform")
    client = app.test_client()
    first_a = submit(client, key_a, PDF, headers={"Idempotency-Key": "order-1"})
    same_b = submit(client, key_b, PDF, headers={"Idempotency-Key": "order-1"})  # same key, same request
    assert (first_a.status_code, same_b.status_code) == (202, 202)
    assert same_b.json["id"] != first_a.json["id"]  # B got its own verification, not A's answer
    key_c = new_key(services, "third-site", "platform")
    other_c = submit(client, key_c, OTHER_PDF, headers={"Idempotency-Key": "order-1"})
    assert other_c.status_code == 202  # another request under A's key is no conflict for C
    assert submit(client, key_a, PDF, headers={"Idempotency-Key": "order-1"}).json["id"] == first_a.json["id"]
    assert submit(client, key_b, PDF, headers={"Idempotency-Key": "order-1"}).json["id"] == same_b.json["id"]
    assert _count(services, Verification) == 3


def test_87_a_key_is_forgotten_after_the_configured_window(one_upload_left: tuple[Flask, str]) -> None:
    app, key = one_upload_left
    services: Services = app.extensions["verify"]
    window = timedelta(hours=services.settings.idempotency_key_hours)
    start = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    client = app.test_client()

    services.clock.set(start)
    first = submit(client, key, PDF, headers={"Idempotency-Key": "k-87"})
    services.clock.set(start + window - timedelta(seconds=1))
    replayed = submit(client, key, PDF, headers={"Idempotency-Key": "k-87"})
    assert replayed.json["id"] == first.json["id"]
    assert submit(client, key, OTHER_PDF, headers={"Idempotency-Key": "k-87"}).status_code == 409

    services.clock.set(start + window + timedelta(seconds=1))
    fresh = submit(client, key, OTHER_PDF, headers={"Idempotency-Key": "k-87"})  # another request: no 409 now
    assert fresh.status_code == 202 and fresh.json["id"] != first.json["id"]
    assert submit(client, key, OTHER_PDF, headers={"Idempotency-Key": "k-87"}).json["id"] == fresh.json["id"]


def test_87_expired_keys_are_purged_with_retention(one_upload_left: tuple[Flask, str]) -> None:
    app, key = one_upload_left
    services: Services = app.extensions["verify"]
    window = timedelta(hours=services.settings.idempotency_key_hours)
    start = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    client = app.test_client()
    services.clock.set(start)
    submit(client, key, PDF, headers={"Idempotency-Key": "old"})
    services.clock.set(start + window / 2)
    submit(client, key, OTHER_PDF, account_id="acct-2", headers={"Idempotency-Key": "young"})

    services.clock.set(start + window + timedelta(minutes=1))
    privacy.purge_expired(services)
    with services.store.read() as session:
        assert session.scalars(select(IdempotencyRecord.key)).all() == ["young"]
