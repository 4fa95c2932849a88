"""Failed authentication is limited per source and never flushes the auth cache (issue 13.4).

API keys and the console's sign-in share one token bucket of failed attempts per source
address (``Limits.auth_failures_per_minute`` / ``auth_failure_burst``); past it, a request
whose key is not already known answers ``429 rate_limited`` with Retry-After and costs no
database query. Keys that authenticated stay cached however many bad keys are tried.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tests.conftest import bearer, make_app, new_key
from tests.web.console import csrf_of
from verify.api import auth

CHECK = {"token": "x"}


def _bad_key() -> str:
    return f"vk_{secrets.token_hex(8)}_{secrets.token_urlsafe(32)}"


@contextmanager
def _statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block."""
    seen: list[str] = []
    engine = app.extensions["verify"].store.engine

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path / "data", ocr_engine="none",
                   limits={"auth_failures_per_minute": 6, "auth_failure_burst": 5, "checks_per_second": 0})
    yield app
    app.extensions["verify"].store.dispose()


def _from(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_bad_keys_past_the_burst_get_429_with_retry_after_and_cost_no_query(app: Flask) -> None:
    client = _from(app, "203.0.113.7")
    answers = [client.post("/v1/labels/check", json=CHECK, headers=bearer(_bad_key())) for _ in range(5)]
    assert [a.status_code for a in answers] == [401] * 5
    with _statements(app) as statements:
        refused = [client.post("/v1/labels/check", json=CHECK, headers=bearer(_bad_key())) for _ in range(50)]
    assert {a.status_code for a in refused} == {429}
    assert refused[0].json["type"] == "https://verify.example/problems/rate_limited"
    assert 1 <= int(refused[0].headers["Retry-After"]) <= 10  # 6 a minute: one every 10 s
    assert statements == []
    other = _from(app, "198.51.100.2")  # another source is not held back
    assert other.post("/v1/labels/check", json=CHECK, headers=bearer(_bad_key())).status_code == 401


def test_a_known_key_keeps_working_from_a_source_that_is_held_back(app: Flask) -> None:
    services = app.extensions["verify"]
    key = new_key(services, "acme-video", "platform")
    client = _from(app, "203.0.113.8")
    assert client.post("/v1/labels/check", json=CHECK, headers=bearer(key)).status_code == 200
    for _ in range(10):
        client.post("/v1/labels/check", json=CHECK, headers=bearer(_bad_key()))
    assert client.post("/v1/labels/check", json=CHECK, headers=bearer(key)).status_code == 200


def test_ipv6_sources_are_counted_by_their_64(app: Flask) -> None:
    for host in range(5):
        assert _from(app, f"2001:db8:1:2::{host + 1}").get(
            "/v1/review/items", headers=bearer(_bad_key())).status_code == 401
    assert _from(app, "2001:db8:1:2:ffff::9").get("/v1/review/items", headers=bearer(_bad_key())).status_code == 429
    assert _from(app, "2001:db8:1:3::1").get("/v1/review/items", headers=bearer(_bad_key())).status_code == 401


def test_x_forwarded_for_is_ignored_unless_proxies_are_configured(tmp_path: Path) -> None:
    limits = {"auth_failures_per_minute": 6, "auth_failure_burst": 1}
    direct = make_app(tmp_path / "direct", ocr_engine="none", limits=limits)
    behind = make_app(tmp_path / "behind", ocr_engine="none", limits=limits, proxy_hops=1)
    try:
        for app, second in ((direct, 429), (behind, 401)):
            client = _from(app, "192.0.2.1")
            answers = [client.get("/v1/review/items", headers={**bearer(_bad_key()), "X-Forwarded-For": forwarded})
                       for forwarded in ("198.51.100.1", "198.51.100.2")]
            assert [a.status_code for a in answers] == [401, second]
    finally:
        direct.extensions["verify"].store.dispose()
        behind.extensions["verify"].store.dispose()


def test_a_flood_of_bad_keys_does_not_evict_good_keys_from_the_auth_cache(tmp_path: Path) -> None:
    """Before, every unknown key was cached too, and the cache was cleared when 10,000 were in it."""
    app = make_app(tmp_path / "data", ocr_engine="none", auth_cache_seconds=3600.0,
                   limits={"auth_failures_per_minute": 0})
    try:
        key = new_key(app.extensions["verify"], "acme-video", "platform")
        with app.test_request_context("/v1/labels/check", method="POST"):
            assert auth.principal_for(key) is not None
            for _ in range(10_001):
                assert auth.principal_for(_bad_key()) is None
            with _statements(app) as statements:
                assert auth.principal_for(key) is not None
        assert statements == []
    finally:
        app.extensions["verify"].store.dispose()


def _sign_in(client: FlaskClient, key: str) -> Any:
    token = csrf_of(client.get("/review/login").text)
    return client.post("/review/login", data={"api_key": key, "csrf_token": token, "next": "/review/"})


def test_console_sign_in_failures_are_limited_per_source_too(app: Flask) -> None:
    services = app.extensions["verify"]
    reviewer = new_key(services, "acme-video", "reviewer")
    client = _from(app, "203.0.113.9")
    assert [_sign_in(client, _bad_key()).status_code for _ in range(5)] == [401] * 5
    with _statements(app) as statements:
        refused = _sign_in(client, reviewer)
    assert refused.status_code == 429 and "尝试次数过多" in refused.text
    assert int(refused.headers["Retry-After"]) >= 1
    assert not [s for s in statements if "api_keys" in s]  # the key was not looked up
    assert _sign_in(_from(app, "198.51.100.3"), reviewer).status_code == 303
