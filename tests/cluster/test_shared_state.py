"""Two nodes on one PostgreSQL database, each with its own data dir: what one does, the other knows at once.

Each node here is an app of its own (its own data dir, so its own machine counter, keyring and label
caches), as two machines would be; the cluster test (tests/cluster/test_cluster.py) runs the same
with real processes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.certificates import make_certificate
from tests.conftest import bearer, make_app, new_key
from tests.hand_made import submit_read_as
from tests.uploads import holder_form
from verify.labels import Keyring
from verify.labels.key_files import DirectoryShelf
from verify.services.context import Services
from verify.services.labels import compromise

SECRET = "cluster-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def nodes(tmp_path: Path, postgres_url: str) -> Iterator[tuple[Flask, Flask]]:
    """Two nodes sharing the database and the secret, nothing else."""
    apps = tuple(make_app(tmp_path / name, database_url=postgres_url, ocr_engine="none", secret_key=SECRET,
                          auth_cache_seconds=0.0) for name in ("node-a", "node-b"))
    yield apps  # type: ignore[misc]
    for app in apps:
        app.extensions["verify"].store.dispose()


def _services(app: Flask) -> Services:
    return app.extensions["verify"]


def _issue(app: Flask, key: str) -> dict:
    cert = make_certificate("teacher_qualification", seed=4)
    answer = submit_read_as(app.test_client(), _services(app), key, cert, signed=True, profession="teacher",
                            account_id="teach-1", **holder_form(cert))
    done = app.test_client().get(answer.headers["Location"], headers=bearer(key)).json
    assert done["status"] == "approved", done["reasons"]
    return done["label"]


def _check(app: Flask, key: str, token: str) -> dict:
    answer = app.test_client().post("/v1/labels/check", json={"token": token}, headers=bearer(key))
    assert answer.status_code == 200, answer.json
    return answer.json


def test_nodes_sign_with_one_key_kept_in_the_database(nodes: tuple[Flask, Flask]) -> None:
    a, b = nodes
    assert _services(a).keyring.current.kid == _services(b).keyring.current.kid
    for app in nodes:
        assert not (_services(app).settings.data_dir / "keys").exists()  # the data dir holds scratch only
    jwks = [app.test_client().get("/.well-known/jwks.json").json for app in nodes]
    assert jwks[0] == jwks[1]


def test_a_label_revoked_on_one_node_is_revoked_on_the_other_at_once(nodes: tuple[Flask, Flask]) -> None:
    a, b = nodes
    key = new_key(_services(a), "acme-video", "platform")
    label = _issue(a, key)
    assert _check(a, key, label["token"])["valid"]  # a's board has read: only the counter can tell it more
    assert b.test_client().post(f"/v1/labels/{label['id']}/revoke", json={"reason": "left"},
                                headers=bearer(key)).status_code == 200
    assert _check(a, key, label["token"]) == {"valid": False, "reason": "revoked", "label": None}


def test_suspend_and_resume_cross_nodes_both_ways(nodes: tuple[Flask, Flask]) -> None:
    a, b = nodes
    key = new_key(_services(a), "acme-video", "platform")
    label = _issue(a, key)
    assert _check(a, key, label["token"])["valid"] and _check(b, key, label["token"])["valid"]
    a.test_client().post(f"/v1/labels/{label['id']}/suspend", json={}, headers=bearer(key))
    assert _check(b, key, label["token"])["reason"] == "revoked"
    b.test_client().post(f"/v1/labels/{label['id']}/resume", json={}, headers=bearer(key))
    assert _check(a, key, label["token"])["valid"]


def test_a_rotation_on_one_node_signs_the_next_label_on_the_other(nodes: tuple[Flask, Flask]) -> None:
    a, b = nodes
    old = _services(b).keyring.current.kid
    assert a.test_cli_runner().invoke(args=["signing", "rotate"]).exit_code == 0
    new = _services(a).keyring.current.kid
    assert new != old
    key = new_key(_services(a), "acme-video", "platform")
    label = _issue(b, key)  # b signs: with the key a made
    assert label["token"] and _services(b).keyring.current.kid == new
    assert _check(a, key, label["token"])["valid"]


def test_a_key_withdrawn_on_one_node_is_refused_by_the_other_at_once(nodes: tuple[Flask, Flask]) -> None:
    a, b = nodes
    key = new_key(_services(a), "acme-video", "platform")
    token = _issue(a, key)["token"]
    assert _check(b, key, token)["valid"]
    old = _services(a).keyring.current.kid
    compromise.withdraw_signing_key(_services(a), old)
    assert _check(b, key, token)["reason"] == "unknown_key"  # within no timer: the counter moved
    assert old not in {k["kid"] for k in b.test_client().get("/.well-known/jwks.json").json["keys"]}


def test_a_secret_rotation_reaches_every_node(tmp_path: Path, postgres_url: str) -> None:
    a = make_app(tmp_path / "a", database_url=postgres_url, ocr_engine="none")  # secret.key in a's data dir
    new_secret = tmp_path / "new-secret"
    new_secret.write_text("rotated-secret-0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ-abc\n")
    key = new_key(_services(a), "acme-video", "platform")
    token = _issue(a, key)["token"]
    result = a.test_cli_runner().invoke(args=["keys", "rotate-secret", "--new-secret-file", str(new_secret)])
    assert result.exit_code == 0, result.output
    a.extensions["verify"].store.dispose()
    b = make_app(tmp_path / "b", database_url=postgres_url, ocr_engine="none",
                 secret_key=new_secret.read_text().strip())  # another node, started with the new secret only
    assert _check(b, key, token)["valid"]
    assert b.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
    b.extensions["verify"].store.dispose()


def test_keys_an_older_version_kept_in_the_data_dir_are_adopted(tmp_path: Path, postgres_url: str) -> None:
    data_dir = tmp_path / "single"
    old = Keyring.open(DirectoryShelf(data_dir / "keys"), SECRET.encode())  # as a version before kept them
    app = make_app(data_dir, database_url=postgres_url, ocr_engine="none", secret_key=SECRET)
    assert _services(app).keyring.current.kid == old.current.kid  # labels it signed still check
    other = make_app(tmp_path / "other", database_url=postgres_url, ocr_engine="none", secret_key=SECRET)
    assert _services(other).keyring.current.kid == old.current.kid  # and a new node signs with it
    for node in (app, other):
        _services(node).store.dispose()
