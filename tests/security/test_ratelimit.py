"""Rate limits per API key and upload quotas per account (catalogue 11, 22)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.certificates import make_certificate, render_pdf
from tests.conftest import bearer, make_app, new_key
from tests.security.client import submit
from verify.api.common import EDGE
from verify.services.keys import Principal
from verify.store.models import Verification

PDF = render_pdf(make_certificate("physician_practice", 12))


def _app(tmp_path: Path, **limits: Any) -> Flask:
    return make_app(tmp_path / "data", ocr_engine="none", limits=limits)


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Flask]:
    app = _app(tmp_path, uploads_per_minute=60, upload_burst=3, checks_per_second=1, check_burst=2,
               account_uploads_per_day=0)
    yield app
    app.extensions["verify"].store.dispose()


def _limited(answer: Any, slug: str) -> int:
    assert answer.status_code == 429 and answer.content_type == "application/problem+json"
    assert answer.json["type"] == "https://verify.example/problems/" + slug
    return int(answer.headers["Retry-After"])


def test_22_uploads_past_the_burst_get_429_with_retry_after_and_other_keys_are_unaffected(limited: Flask) -> None:
    services, client = limited.extensions["verify"], limited.test_client()
    noisy, quiet = new_key(services, "noisy", "platform"), new_key(services, "quiet", "platform")
    answers = [submit(client, noisy, PDF, account_id=f"a{i}").status_code for i in range(4)]
    assert answers == [202, 202, 202, 429]
    assert _limited(submit(client, noisy, PDF, account_id="a9"), "rate_limited") == 1  # 60/min: one a second
    assert submit(client, quiet, PDF).status_code == 202  # a noisy neighbour costs nothing
    with services.store.read() as session:
        assert session.query(Verification).count() == 4  # a limited request stores nothing


def test_22_label_checks_are_limited_per_key(limited: Flask) -> None:
    services, client = limited.extensions["verify"], limited.test_client()
    key, other = new_key(services, "noisy", "platform"), new_key(services, "quiet", "platform")
    answers = [client.post("/v1/labels/check", json={"token": "x"}, headers=bearer(key)) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert _limited(answers[-1], "rate_limited") >= 1
    assert client.post("/v1/labels/check", json={"token": "x"}, headers=bearer(other)).status_code == 200
    time.sleep(1.05)  # one token a second
    assert client.post("/v1/labels/check", json={"token": "x"}, headers=bearer(key)).status_code == 200


def test_11_the_account_quota_is_per_account_and_frees_up_after_a_day(tmp_path: Path) -> None:
    app = _app(tmp_path, account_uploads_per_day=2)
    services, client = app.extensions["verify"], app.test_client()
    key, rival = new_key(services, "acme", "platform"), new_key(services, "rival", "platform")
    assert [submit(client, key, PDF, account_id="a1").status_code for _ in range(2)] == [202, 202]
    retry = _limited(submit(client, key, PDF, account_id="a1"), "quota_exceeded")
    assert 86_000 < retry <= 86_400
    assert submit(client, key, PDF, account_id="a2").status_code == 202  # another account of the same platform
    assert submit(client, rival, PDF, account_id="a1").status_code == 202  # the same account id elsewhere
    later = services.clock() + timedelta(days=1, seconds=1)
    services.clock.set(later)
    assert submit(client, key, PDF, account_id="a1").status_code == 202
    app.extensions["verify"].store.dispose()


def test_11_the_account_quota_counts_bytes_too(tmp_path: Path) -> None:
    app = _app(tmp_path, account_bytes_per_day=len(PDF) * 2 + 10)
    client = app.test_client()
    key = new_key(app.extensions["verify"], "acme", "platform")
    assert [submit(client, key, PDF).status_code for _ in range(2)] == [202, 202]
    _limited(submit(client, key, PDF), "quota_exceeded")
    app.extensions["verify"].store.dispose()


def test_an_idempotent_replay_is_not_charged_to_the_quota(tmp_path: Path) -> None:
    app = _app(tmp_path, account_uploads_per_day=1)
    client = app.test_client()
    key = new_key(app.extensions["verify"], "acme", "platform")
    first = submit(client, key, PDF, headers={"Idempotency-Key": "k1"})
    again = submit(client, key, PDF, headers={"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 202 and first.json == again.json
    app.extensions["verify"].store.dispose()


def test_charging_a_label_check_costs_microseconds(tmp_path: Path) -> None:
    app = _app(tmp_path, checks_per_second=1e9, check_burst=10**9)
    principal = Principal("k1", "p1", "acme", "platform")
    limits = app.extensions[EDGE].rate_limits
    limits.charge(principal, "labels.check")  # the key's bucket is made
    started = time.perf_counter()
    for _ in range(20_000):
        limits.charge(principal, "labels.check")
    per_call = (time.perf_counter() - started) / 20_000
    assert per_call < 20e-6, f"{per_call * 1e6:.1f} µs per check"
    app.extensions["verify"].store.dispose()


def test_zero_switches_a_limit_off(tmp_path: Path) -> None:
    app = _app(tmp_path, uploads_per_minute=0, upload_burst=1, account_uploads_per_day=0)
    client = app.test_client()
    key = new_key(app.extensions["verify"], "acme", "platform")
    assert {submit(client, key, PDF, account_id=f"a{i}").status_code for i in range(5)} == {202}
    app.extensions["verify"].store.dispose()
