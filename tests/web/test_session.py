"""The console session: an absolute lifetime from sign-in, a sign-out that ends it on the server, Secure by setting.

The cookie only names a session kept in the database; signing out deletes it there, so a copy
of the cookie taken before is refused. ``VERIFY_SESSION_HOURS`` counts from sign-in, however
busy the session is. ``VERIFY_SESSION_COOKIE_SECURE`` (auto|always|never) marks the cookie
Secure behind a proxy that terminates TLS, where the service itself sees plain HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.clock import TestClock
from tests.conftest import make_app, new_key
from tests.web.console import csrf_of, post, sign_in
from verify.services.context import Services
from verify.store.models import ConsoleSession

COOKIE = "verify_review"


def _cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie(COOKIE, path="/review")
    assert cookie is not None, "no console cookie"
    return cookie.value


def _copy(app: Flask, cookie: str) -> FlaskClient:
    """Another browser holding a copy of the cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie, path="/review")
    return thief


def test_a_copied_cookie_is_refused_after_sign_out(app: Flask, client: FlaskClient, services: Services) -> None:
    key = new_key(services, "acme-video", "reviewer")
    csrf = sign_in(client, key)
    copied = _cookie(client)
    assert _copy(app, copied).get("/review/").status_code == 200  # the copy works while the session lives
    assert post(client, "/review/logout", csrf).status_code == 303
    thief = _copy(app, copied)
    answer = thief.get("/review/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/review/login")
    assert post(thief, "/review/next", csrf).status_code == 303  # refused: to the sign-in page, nothing claimed
    assert client.get("/review/").status_code == 302
    with services.store.read() as session:
        assert session.scalar(select(func.count()).select_from(ConsoleSession)) == 0


def test_signing_out_ends_only_that_session(app: Flask, services: Services) -> None:
    key = new_key(services, "acme-video", "reviewer")
    desk, laptop = app.test_client(), app.test_client()
    csrf = sign_in(desk, key)
    sign_in(laptop, key)
    assert post(desk, "/review/logout", csrf).status_code == 303
    assert laptop.get("/review/").status_code == 200


@pytest.fixture
def clocked(tmp_path: Path) -> Iterator[tuple[Flask, TestClock]]:
    clock = TestClock(datetime.now(UTC))
    app = make_app(tmp_path / "data", session_hours=2.0, clock=clock)
    yield app, clock
    app.extensions["verify"].store.dispose()


def test_a_session_ends_its_lifetime_after_sign_in_however_busy(clocked: tuple[Flask, TestClock]) -> None:
    app, clock = clocked
    client = app.test_client()
    sign_in(client, new_key(app.extensions["verify"], "acme-video", "reviewer"))
    started = clock.at
    for minutes in range(0, 120, 10):  # a page every ten minutes: each answer sets the cookie again
        clock.at = started + timedelta(minutes=minutes)
        assert client.get("/review/").status_code == 200, minutes
    latest = _cookie(client)
    clock.at = started + timedelta(hours=2)
    assert _copy(app, latest).get("/review/").status_code == 302
    assert client.get("/review/").status_code == 302


def test_a_new_sign_in_starts_a_new_lifetime(clocked: tuple[Flask, TestClock]) -> None:
    app, clock = clocked
    client = app.test_client()
    key = new_key(app.extensions["verify"], "acme-video", "reviewer")
    sign_in(client, key)
    clock.at += timedelta(hours=2)
    assert client.get("/review/").status_code == 302
    sign_in(client, key)
    clock.at += timedelta(hours=1)
    assert client.get("/review/").status_code == 200


def _signed_in_cookie(app: Flask, base_url: str) -> str:
    client = app.test_client()
    token = csrf_of(client.get("/review/login", base_url=base_url).text)
    key = new_key(app.extensions["verify"], "acme-video", "reviewer")
    answer = client.post("/review/login", base_url=base_url, data={"api_key": key, "csrf_token": token})
    assert answer.status_code == 303
    return next(value for name, value in answer.headers.items()
                if name == "Set-Cookie" and value.startswith(f"{COOKIE}="))


@pytest.mark.parametrize(("setting", "secure_over_http", "secure_over_https"), [
    ("auto", False, True), ("always", True, True), ("never", False, False),
])
def test_the_secure_flag_follows_the_setting(
    tmp_path: Path, setting: str, secure_over_http: bool, secure_over_https: bool
) -> None:
    app = make_app(tmp_path / "data", session_cookie_secure=setting)
    try:
        assert ("Secure" in _signed_in_cookie(app, "http://localhost")) is secure_over_http
        assert ("Secure" in _signed_in_cookie(app, "https://localhost")) is secure_over_https
    finally:
        app.extensions["verify"].store.dispose()


def test_an_unknown_secure_setting_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="VERIFY_SESSION_COOKIE_SECURE must be one of auto, always, never"):
        make_app(tmp_path / "data", session_cookie_secure="sometimes")
