"""API keys: admin keys scoped to one platform or seeing every platform, keys with an expiry, ``keys list``.

An admin key made for one platform (``keys create --role admin --platform NAME``) sees only that
platform's objects; ``--all-platforms`` keeps the old behaviour, and so do admin keys made before
scopes existed and the first admin key of ``flask setup``. An expired key answers 401 like a
revoked one, on every route, at once (the in-process auth cache does not outlive the expiry).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select

from tests.api.test_labels import issue
from tests.certificates import make_certificate, render_pdf
from tests.conftest import bearer, make_app, new_key
from tests.review_cases import copy_case, needs_review
from tests.uploads import submit
from tests.web.console import csrf_of, sign_in
from verify.config import load_settings
from verify.services.context import Services
from verify.services.keys import authenticate, create_key, ensure_platform
from verify.store.db import alembic_config
from verify.store.models import Base, Label, Verification


def _cli_key(app: Flask, *args: str) -> str:
    created = app.test_cli_runner().invoke(args=["keys", "create", *args])
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1]
    assert re.fullmatch(r"vk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}", key), created.output  # alone on the last line
    return key


def _objects(services: Services, platform: str, account: str) -> dict[str, str]:
    """An approved verification of ``platform`` with its label; its fields as the pipeline writes them."""
    label = issue(services, account, platform=platform)
    with services.store.write() as session:
        verification = session.scalars(select(Label.verification_id).where(Label.id == label["id"])).one()
        session.get(Verification, verification).fields = {"category": {
            "value": "专职律师", "raw": "专职律师", "confidence": 1.0, "source": "text"}}
    return {"label": label["id"], "verification": verification, "account": account}


def test_an_admin_key_for_one_platform_sees_only_that_platform(
    app: Flask, client: FlaskClient, services: Services, platform_key: str
) -> None:
    scoped = _cli_key(app, "--platform", "acme-video", "--role", "admin")
    everywhere = _cli_key(app, "--platform", "operator", "--role", "admin", "--all-platforms")
    ensure_platform(services.store, "rival-live", services.clock())
    own, foreign = _objects(services, "acme-video", "own-1"), _objects(services, "rival-live", "foreign-1")
    case = needs_review(client, services, platform_key)
    own_item, foreign_item = copy_case(services, case), copy_case(services, case, platform="rival-live")

    def status(key: str, method: str, path: str, **body: Any) -> int:
        return client.open(path, method=method, headers=bearer(key), json=body or None).status_code

    assert status(scoped, "GET", f"/v1/verifications/{own['verification']}") == 200
    assert status(scoped, "GET", f"/v1/verifications/{foreign['verification']}") == 404
    assert status(scoped, "POST", f"/v1/labels/{foreign['label']}/suspend") == 404
    assert status(scoped, "POST", f"/v1/labels/{own['label']}/suspend") == 200
    assert client.get(f"/v1/accounts/{foreign['account']}/labels", headers=bearer(scoped)).json["labels"] == []
    assert status(scoped, "GET", f"/v1/review/items/{foreign_item}") == 404
    listed = {row["id"] for row in client.get("/v1/review/items", headers=bearer(scoped)).json["items"]}
    assert own_item in listed and foreign_item not in listed
    assert status(scoped, "GET", "/v1/platforms/rival-live/policy") == 404
    assert status(scoped, "PUT", "/v1/platforms/rival-live/policy", approval="review_all") == 404
    assert status(scoped, "PUT", "/v1/platforms/acme-video/policy", approval="review_all") == 200
    assert status(scoped, "DELETE", f"/v1/verifications/{foreign['verification']}") == 404

    assert status(everywhere, "GET", f"/v1/verifications/{foreign['verification']}") == 200
    assert status(everywhere, "GET", f"/v1/review/items/{foreign_item}") == 200
    assert status(everywhere, "PUT", "/v1/platforms/rival-live/policy", approval="auto") == 200
    listed = {row["id"] for row in client.get("/v1/review/items", headers=bearer(everywhere)).json["items"]}
    assert {own_item, foreign_item} <= listed


def test_only_admin_keys_can_see_every_platform(app: Flask, services: Services) -> None:
    refused = app.test_cli_runner().invoke(
        args=["keys", "create", "--platform", "acme", "--role", "reviewer", "--all-platforms"])
    assert refused.exit_code != 0 and "admin" in refused.output and "vk_" not in refused.output
    with pytest.raises(ValueError, match="admin"):
        create_key(services.store, "acme", "platform", datetime.now(UTC), all_platforms=True)


def test_the_first_admin_key_of_setup_sees_every_platform(app: Flask, services: Services) -> None:
    assert app.test_cli_runner().invoke(args=["setup"]).exit_code == 0
    first = services.settings.first_admin_key_path.read_text().strip()  # not printed: stdout is no terminal
    principal = authenticate(services.store, first)
    assert principal is not None and principal.sees_every_platform
    foreign = _objects(services, "rival-live", "foreign-2")
    assert app.test_client().get(f"/v1/verifications/{foreign['verification']}",
                                 headers=bearer(first)).status_code == 200


def test_keys_list_shows_scope_and_expiry(app: Flask, services: Services) -> None:
    runner = app.test_cli_runner()
    scoped = _cli_key(app, "--platform", "acme-video", "--role", "admin", "--expires-in", "90d")
    everywhere = _cli_key(app, "--platform", "operator", "--role", "admin", "--all-platforms",
                          "--expires-at", "2999-01-02T03:04:05Z")
    plain = _cli_key(app, "--platform", "acme-video", "--role", "platform")
    lines = {line.split()[0]: line for line in runner.invoke(args=["keys", "list"]).output.splitlines()}
    expected = (services.clock() + timedelta(days=90)).date().isoformat()
    assert "scope=platform" in lines[scoped.split("_")[1]] and f"expires={expected}" in lines[scoped.split("_")[1]]
    assert "scope=all-platforms" in lines[everywhere.split("_")[1]]
    assert "expires=2999-01-02T03:04:05+00:00" in lines[everywhere.split("_")[1]]
    assert "scope=platform" in lines[plain.split("_")[1]] and "expires=never" in lines[plain.split("_")[1]]


@pytest.mark.parametrize("options", [
    ["--expires-in", "90x"], ["--expires-in", "0d"], ["--expires-in", "-3d"], ["--expires-at", "2001-01-01"],
    ["--expires-at", "not a date"], ["--expires-in", "1d", "--expires-at", "2999-01-01"],
])
def test_a_bad_expiry_is_refused_and_no_key_is_made(app: Flask, options: list[str]) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["keys", "create", "--platform", "acme", "--role", "platform", *options])
    assert result.exit_code != 0 and "vk_" not in result.output
    assert runner.invoke(args=["keys", "list"]).output.strip() == ""


def _fill(rule: str) -> str:
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: "1" if m.group(0).startswith("<int:") else "x" * 32, rule)


def test_an_expired_key_is_401_on_every_route(app: Flask, client: FlaskClient, services: Services) -> None:
    now = services.clock()
    key = create_key(services.store, "operator", "admin", now, all_platforms=True,
                     expires_at=now + timedelta(hours=1))[1]
    assert client.get("/v1/verifications", headers=bearer(key)).status_code == 200  # valid, and now cached
    services.clock.set(now + timedelta(hours=1))
    routes = sorted({(method, _fill(rule.rule)) for rule in app.url_map.iter_rules()
                     for method in rule.methods - {"HEAD", "OPTIONS"} if rule.rule.startswith("/v1/")})
    guarded = 0
    for method, path in routes:
        if client.open(path, method=method).status_code != 401:
            continue  # a public route (status lists)
        guarded += 1
        answer = client.open(path, method=method, headers=bearer(key), json={})
        assert answer.status_code == 401 and answer.json["type"].endswith("/unauthorized"), (method, path)
    assert guarded >= 20


def test_an_expired_reviewer_key_cannot_sign_in_and_its_console_session_ends(
    client: FlaskClient, services: Services
) -> None:
    now = services.clock()
    key = create_key(services.store, "acme-video", "reviewer", now, expires_at=now + timedelta(hours=2))[1]
    sign_in(client, key)
    assert client.get("/review/").status_code == 200
    services.clock.set(now + timedelta(hours=2))
    assert client.get("/review/").status_code == 302
    token = csrf_of(client.get("/review/login").text)
    assert client.post("/review/login", data={"api_key": key, "csrf_token": token}).status_code == 401


def test_admin_keys_made_before_scopes_keep_seeing_every_platform(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    url = load_settings(overrides={"data_dir": data_dir}).database
    command.upgrade(alembic_config(url), "0002")
    secrets = {"a" * 16: "A" * 43, "b" * 16: "B" * 43}
    with sqlite3.connect(data_dir / "verify.db") as db:
        db.execute("INSERT INTO platforms (id, name, created_at, approval_policy) VALUES "
                   "('p1', 'operator', '2024-01-01 00:00:00', 'auto')")
        for (key_id, secret), role in zip(secrets.items(), ("admin", "reviewer"), strict=True):
            db.execute("INSERT INTO api_keys (id, platform_id, role, secret_hash, created_at) VALUES "
                       "(?, 'p1', ?, ?, '2024-01-01 00:00:00')", (key_id, role, hashlib.sha256(secret.encode())
                                                                   .hexdigest()))
    db.close()
    app = make_app(data_dir)
    services: Services = app.extensions["verify"]
    try:
        admin, reviewer = (authenticate(services.store, f"vk_{key_id}_{secret}") for key_id, secret in secrets.items())
        assert admin is not None and admin.sees_every_platform and admin.expires_at is None
        assert reviewer is not None and not reviewer.sees_every_platform
        assert new_key(services, "acme-video", "platform")
    finally:
        services.store.dispose()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()


# --- 13: a revoked key is refused ----------------------------------------------------------------
def test_13_a_revoked_key_is_401_on_every_route(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", ocr_engine="none", auth_cache_seconds=0.0)
    try:
        runner, client = app.test_cli_runner(), app.test_client()
        key = new_key(app.extensions["verify"], "acme-video", "platform")
        assert client.get("/v1/verifications", headers=bearer(key)).status_code == 200
        assert runner.invoke(args=["keys", "revoke", key.split("_")[1]]).exit_code == 0
        for answer in (client.get("/v1/verifications", headers=bearer(key)),
                       submit(client, key, render_pdf(make_certificate("physician_practice", 71))),
                       client.post("/v1/labels/check", json={"token": "x"}, headers=bearer(key))):
            assert answer.status_code == 401 and answer.json["type"].endswith("/unauthorized")
        with app.extensions["verify"].store.read() as session:
            assert session.query(Verification).count() == 0
    finally:
        app.extensions["verify"].store.dispose()
