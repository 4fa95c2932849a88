"""``flask keys rotate-secret`` re-wraps the endpoints' webhook secrets too: they sign the same after it.

A webhook secret is kept sealed under the key-encryption key like every other secret; rotating the
service secret must re-wrap it (the platform's receiver keeps the secret it was shown), and a
secret that does not open with the new service secret alone is reported, the old secret kept.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import update
from standardwebhooks import Webhook

from tests.conftest import bearer, make_app, new_key
from tests.webhooks.receiver import Receiver
from verify.crypto.envelope import Envelope, SealBroken
from verify.services import dispatch
from verify.store.models import WebhookEndpoint
from verify.webhooks.signing import secret_aad

LOOPBACK = {"webhook_allowed_networks": "127.0.0.0/8", "webhook_allow_http": True}


def _secrets(database: Path) -> list[tuple[str, str, str]]:
    """(platform id, endpoint id, sealed secret) of every sealed webhook secret, current and previous."""
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute("select platform_id, id, secret, previous_secret from webhook_endpoints").fetchall()
    finally:
        connection.close()
    return [(platform, endpoint, sealed) for platform, endpoint, *sealed_values in rows
            for sealed in sealed_values if sealed]


def _open_all(secret: bytes, database: Path) -> bool:
    envelope = Envelope.from_secret(secret)
    try:
        for platform, endpoint, sealed in _secrets(database):
            envelope.unwrap_text_key(sealed, secret_aad(platform, endpoint))
    except SealBroken:
        return False
    return True


def test_rotation_rewraps_webhook_secrets_and_they_sign_as_before(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    app = make_app(data_dir, ocr_engine="none", **LOOPBACK)
    services = app.extensions["verify"]
    key = new_key(services, "acme-video", "platform")
    client = app.test_client()
    with Receiver() as receiver:
        created = client.post("/v1/webhooks/endpoints", json={"url": receiver.url}, headers=bearer(key)).json
        rotated = client.post(f"/v1/webhooks/endpoints/{created['id']}/rotate-secret", headers=bearer(key)).json
        old = (data_dir / "secret.key").read_text().strip().encode()
        assert len(_secrets(data_dir / "verify.db")) == 2  # the new secret and the one still in its grace period
        result = app.test_cli_runner().invoke(args=["keys", "rotate-secret"])
        services.store.dispose()
        assert result.exit_code == 0, result.output
        new = (data_dir / "secret.key").read_text().strip().encode()
        assert _open_all(new, data_dir / "verify.db") and not _open_all(old, data_dir / "verify.db")

        restarted = make_app(data_dir, ocr_engine="none", **LOOPBACK)
        services = restarted.extensions["verify"]
        try:
            test = restarted.test_client().post(f"/v1/webhooks/endpoints/{created['id']}/test", headers=bearer(key))
            assert test.status_code == 202
            assert dispatch.deliver_due(services) == 1
        finally:
            services.store.dispose()
    [request] = receiver.received
    for secret in (rotated["secret"], created["secret"]):  # both still sign: the grace period goes on
        assert Webhook(secret).verify(request.body, request.headers)["type"] == "webhook.test"


def test_a_webhook_secret_the_new_service_secret_cannot_open_is_reported(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    app = make_app(data_dir, ocr_engine="none", **LOOPBACK)
    services = app.extensions["verify"]
    key = new_key(services, "acme-video", "platform")
    created = app.test_client().post("/v1/webhooks/endpoints", json={"url": "https://hooks.example.com/"},
                                     headers=bearer(key)).json
    foreign = Envelope.from_secret(b"a secret from some other deployment").seal_text(
        created["secret"], secret_aad(_platform(data_dir), created["id"]))
    with services.store.write() as session:
        session.execute(update(WebhookEndpoint).values(secret=foreign),
                        execution_options={"synchronize_session": False})
    old = (data_dir / "secret.key").read_text().strip().encode()
    result = app.test_cli_runner().invoke(args=["keys", "rotate-secret"])
    services.store.dispose()
    assert result.exit_code != 0
    assert f"webhook_endpoints:{created['id']}:secret" in result.output
    assert (data_dir / "secret.key").read_text().strip().encode() == old


def _platform(data_dir: Path) -> str:
    connection = sqlite3.connect(data_dir / "verify.db")
    try:
        return connection.execute("select platform_id from webhook_endpoints").fetchone()[0]
    finally:
        connection.close()
