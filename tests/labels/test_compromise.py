"""Catalogue 69, emergency key revocation: a compromised signing key is withdrawn at once, its labels signed again."""

from __future__ import annotations

import jwt
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.test_labels import change, entry, issue, status_list
from tests.conftest import bearer, make_app
from verify.services.context import Services
from verify.services.keys import authenticate
from verify.services.labels import checking
from verify.store.models import AuditEvent, Label


def _check(client: FlaskClient, key: str, token: str) -> dict:
    return client.post("/v1/labels/check", json={"token": token}, headers=bearer(key)).json


def _kids(client: FlaskClient) -> list[str]:
    return [k["kid"] for k in client.get("/.well-known/jwks.json").json["keys"]]


def test_69_a_compromised_key_is_refused_at_once_and_its_labels_work_again_signed_by_the_new_key(
    app: Flask, client: FlaskClient, services: Services, platform_key: str,
) -> None:
    first, second = issue(services, "acct-1"), issue(services, "acct-2", category="兼职律师")
    revoked = issue(services, "acct-3")
    assert change(client, platform_key, revoked["id"], "revoke", reason="test").status_code == 200
    leaked = services.keyring.current.kid
    principal = authenticate(services.store, platform_key)
    assert principal is not None
    other_worker = make_app(services.settings.data_dir).extensions["verify"]  # another process, same data
    assert checking.check(other_worker, principal, first["token"], None).valid  # verified and cached there
    assert _check(client, platform_key, first["token"])["valid"] is True

    result = app.test_cli_runner().invoke(args=["signing", "compromised", leaked])
    assert result.exit_code == 0, result.output
    assert "2 label(s) signed again" in result.output

    # This process: the leaked key's tokens are refused at once, and the JWKS no longer carries it.
    for old in (first, second):
        assert _check(client, platform_key, old["token"]) == {"valid": False, "reason": "unknown_key", "label": None}
    kids = _kids(client)
    assert leaked not in kids and services.keyring.current.kid == kids[0] != leaked

    # The same labels, signed again: same id and status entry, new kid; any JOSE library accepts them.
    with services.store.read() as session:
        rows = {row.id: row for row in session.scalars(select(Label))}
        resigned = session.scalars(select(AuditEvent).where(AuditEvent.action == "label.resign")).all()
        withdrawn = session.scalars(select(AuditEvent).where(AuditEvent.action == "signing.compromise")).all()
    assert {event.subject_id for event in resigned} == {first["id"], second["id"]}
    assert [event.subject_id for event in withdrawn] == [leaked]
    assert rows[revoked["id"]].kid == leaked  # a revoked label stays as it was
    jwks = client.get("/.well-known/jwks.json").json
    for old in (first, second):
        fresh = rows[old["id"]].token
        header = jwt.get_unverified_header(fresh)
        assert header["kid"] == services.keyring.current.kid
        key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == header["kid"])).key
        claims = jwt.decode(fresh, key, algorithms=["EdDSA"], audience="acme-video", issuer=services.settings.issuer)
        assert claims["jti"] == old["id"] and claims == jwt.decode(old["token"], options={"verify_signature": False})
        assert _check(client, platform_key, fresh)["valid"] is True
    listed = status_list(client)["claims"]
    assert entry(listed, rows[revoked["id"]].status_index) == 1 and entry(listed, first["status_index"]) == 0

    # Another process on this machine, which had the leaked key loaded and the token cached, refuses it at once.
    assert checking.check(other_worker, principal, first["token"], None).reason == "unknown_key"
    assert checking.check(other_worker, principal, rows[first["id"]].token, None).valid

    again = app.test_cli_runner().invoke(args=["signing", "compromised", leaked])
    assert again.exit_code == 0 and "0 label(s) signed again" in again.output
    other_worker.store.dispose()
