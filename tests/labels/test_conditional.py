"""Conditional requests on what platforms cache: the JWKS and the status lists answer 304 to a matching tag."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.test_labels import change, issue, pin
from tests.conftest import make_app, new_key
from verify.services.context import Services


@pytest.fixture
def second(services: Services) -> Iterator[Flask]:
    """Another worker process's app on the same database and keys."""
    other = make_app(services.settings.data_dir, clock=services.clock)  # one machine: one time
    yield other
    other.extensions["verify"].store.dispose()


def test_the_jwks_has_an_etag_and_a_matching_if_none_match_is_304(client: FlaskClient, services: Services) -> None:
    first = client.get("/.well-known/jwks.json")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag.startswith('"')
    again = client.get("/.well-known/jwks.json", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == tag and again.headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/.well-known/jwks.json", headers={"If-None-Match": '"other"'}).status_code == 200

    services.keyring.rotate(services.clock())  # a new key: a new document, a new tag
    rotated = client.get("/.well-known/jwks.json", headers={"If-None-Match": tag})
    assert rotated.status_code == 200 and rotated.headers["ETag"] != tag


def test_the_jwks_tag_is_the_same_in_every_worker(client: FlaskClient, second: Flask) -> None:
    assert client.get("/.well-known/jwks.json").headers["ETag"] == \
        second.test_client().get("/.well-known/jwks.json").headers["ETag"]


def test_a_status_list_is_304_while_its_statuses_are_unchanged(client: FlaskClient, services: Services,
                                                               second: Flask) -> None:
    clock = pin(services.clock)  # the second app's too
    label = issue(services, "tagged-1")
    first = client.get("/v1/status-lists/1")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag.startswith('W/"')
    cached = client.get("/v1/status-lists/1", headers={"If-None-Match": tag})
    assert cached.status_code == 304 and cached.data == b""
    assert cached.headers["Cache-Control"] == first.headers["Cache-Control"]

    clock.advance(services.settings.status_list_ttl_seconds + 1)  # rebuilt (a new iat), nothing changed
    rebuilt = client.get("/v1/status-lists/1", headers={"If-None-Match": tag})
    assert rebuilt.status_code == 304
    assert second.test_client().get("/v1/status-lists/1", headers={"If-None-Match": tag}).status_code == 304

    key = new_key(services, "acme-video", "platform")
    assert change(client, key, label["id"], "revoke", reason="x").status_code == 200
    revoked = client.get("/v1/status-lists/1", headers={"If-None-Match": tag})
    assert revoked.status_code == 200 and revoked.headers["ETag"] != tag


def test_a_tag_is_never_sent_with_an_error(app: Flask) -> None:
    assert "ETag" not in app.test_client().get("/v1/status-lists/9").headers
