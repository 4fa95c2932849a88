"""Rotating the service secret, and what it means for backups (catalogue 75, 80).

``flask keys rotate-secret`` re-wraps every data key, the signing key and the audit anchor;
afterwards the database opens with the new secret alone, and a backup taken before the
rotation no longer opens with it: once the old secret is destroyed, so is that backup.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.certificates import make_certificate
from tests.conftest import bearer, make_app, new_key, process_all
from tests.security.client import submit
from tests.uploads import signed_pdf
from verify.crypto import rotation
from verify.crypto.at_rest import document_aad, value_aad
from verify.crypto.envelope import Envelope, SealBroken
from verify.store.models import Document, Verification

CERTIFICATE = make_certificate("physician_practice", 71)
PDF = signed_pdf(CERTIFICATE)


@dataclass
class Deployment:
    data_dir: Path
    secret: bytes  # the secret before any rotation
    verification_id: str
    label_token: str

    @property
    def secret_file(self) -> Path:
        return self.data_dir / "secret.key"

    @property
    def database(self) -> Path:
        return self.data_dir / "verify.db"

    def app(self) -> Flask:
        return make_app(self.data_dir, ocr_engine="none")


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    """A data dir with one approved, labelled verification whose holder and fields are sealed."""
    data_dir = tmp_path / "data"
    app = make_app(data_dir, ocr_engine="none")
    services = app.extensions["verify"]
    key = new_key(services, "acme-video", "platform")
    client = app.test_client()
    answer = submit(client, key, PDF, holder_name=CERTIFICATE.fields["name"],
                    holder_id_number=CERTIFICATE.fields["id_number"])
    process_all(services)
    body = client.get(answer.headers["Location"], headers=bearer(key)).json
    assert body["status"] == "approved", body["reasons"]
    services.store.dispose()
    yield Deployment(data_dir, (data_dir / "secret.key").read_text().strip().encode(), body["id"],
                     body["label"]["token"])


def _backup(database: Path, target: Path) -> Path:
    source, copy = sqlite3.connect(database), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return target


def _sealed(database: Path) -> tuple[tuple[bytes, bytes], list[tuple[str, bytes]]]:
    """The document's (wrapped key, aad), and every sealed value of the verification with its aad."""
    connection = sqlite3.connect(database)
    try:
        document_id, verification_id, wrapped, platform_id = connection.execute(
            "select d.id, d.verification_id, d.wrapped_key, v.platform_id from documents d "
            "join verifications v on v.id = d.verification_id").fetchone()
        holder_name, holder_id_number, fields = connection.execute(
            "select holder_name, holder_id_number, fields from verifications where id = ?", (verification_id,)
        ).fetchone()
    finally:
        connection.close()
    values = [(holder_name, value_aad(platform_id, verification_id, "holder_name")),
              (holder_id_number, value_aad(platform_id, verification_id, "holder_id_number"))]
    values += [(entry[part], value_aad(platform_id, verification_id, f"fields.{name}.{part}"))
               for name, entry in json.loads(fields).items() for part in ("value", "raw") if entry.get(part)]
    assert len(values) > 10  # every field read from the certificate: birth date, institution, issuer ...
    return (wrapped, document_aad(platform_id, verification_id, document_id)), values


def _opens(secret: bytes, database: Path) -> bool:
    envelope = Envelope.from_secret(secret)
    (wrapped, aad), values = _sealed(database)
    try:
        envelope.unwrap(wrapped, aad)
        for value, value_aad_ in values:
            envelope.unwrap_text_key(value, value_aad_)
    except SealBroken:
        return False
    return True


def _rotate(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["keys", "rotate-secret", *args])


def test_80_after_rotation_the_data_opens_with_the_new_secret_alone_and_old_backups_do_not(
    deployment: Deployment, tmp_path: Path,
) -> None:
    backup = _backup(deployment.database, tmp_path / "backup-before-rotation.db")
    app = deployment.app()
    result = _rotate(app)
    app.extensions["verify"].store.dispose()
    assert result.exit_code == 0, result.output
    assert "1 service key(s)" in result.output  # the lookup key of the keyed digests
    new = deployment.secret_file.read_text().strip().encode()
    assert new != deployment.secret and not list(deployment.data_dir.glob("secret.key.next"))

    assert _opens(new, deployment.database) and not _opens(deployment.secret, deployment.database)
    assert not _opens(new, backup)  # the backup is unreadable once the old secret is destroyed...
    assert _opens(deployment.secret, backup)  # ...and only then: a backup must never hold the secret

    restarted = deployment.app()  # starts on the new secret: signing key, audit anchor, personal data
    services = restarted.extensions["verify"]
    try:
        with services.store.read() as session:
            assert session.scalars(select(Document.content)).one() != PDF  # ciphertext at rest
            assert session.scalars(select(Document)).one().content == PDF
            verification = session.get(Verification, deployment.verification_id)
            assert verification is not None
            assert verification.holder_id_number == CERTIFICATE.fields["id_number"]
            assert {name: field["value"] for name, field in verification.fields.items()} == CERTIFICATE.fields
        key = new_key(services, "acme-video", "platform")
        checked = restarted.test_client().post("/v1/labels/check", headers=bearer(key),
                                               json={"token": deployment.label_token})
        assert checked.json["valid"] is True, checked.json
        again = submit(restarted.test_client(), key, PDF, account_id="acct-2", holder_name=CERTIFICATE.fields["name"],
                       holder_id_number=CERTIFICATE.fields["id_number"])
        process_all(services)
        reasons = restarted.test_client().get(again.headers["Location"], headers=bearer(key)).json["reasons"]
        assert "credential_in_use" in reasons  # digests made before the rotation still match
        audit = restarted.test_cli_runner().invoke(args=["audit", "verify"])
        assert audit.exit_code == 0, audit.output
        assert _rotate(restarted).exit_code == 0  # and it can rotate again
    finally:
        services.store.dispose()


def test_80_an_interrupted_rotation_is_finished_by_running_it_again(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = deployment.app()

    def power_cut(*_args: Any) -> int:
        raise OSError("power cut")

    monkeypatch.setattr(rotation, "_reencrypt_signing_key", power_cut)  # data keys are re-wrapped by now
    assert _rotate(app).exit_code != 0
    assert deployment.secret_file.read_text().strip().encode() == deployment.secret  # still the old one
    staged = (deployment.data_dir / "secret.key.next").read_text().strip().encode()
    assert _opens(staged, deployment.database)  # half way: the data is under the staged secret
    monkeypatch.undo()

    result = _rotate(app)
    app.extensions["verify"].store.dispose()
    assert result.exit_code == 0, result.output
    assert deployment.secret_file.read_text().strip().encode() == staged
    restarted = deployment.app()  # the signing key opens with the new secret
    restarted.extensions["verify"].store.dispose()


def test_75_a_key_the_new_secret_cannot_open_is_reported_and_the_old_secret_stays(deployment: Deployment) -> None:
    app = deployment.app()
    services = app.extensions["verify"]
    (wrapped, aad), _ = _sealed(deployment.database)
    foreign = Envelope.from_secret(b"a secret from some other deployment").wrap(
        Envelope.from_secret(deployment.secret).unwrap(wrapped, aad), aad)
    with services.store.write() as session:
        session.execute(update(Document).values(wrapped_key=foreign), execution_options={"synchronize_session": False})
    result = _rotate(app)
    services.store.dispose()
    assert result.exit_code != 0
    assert "documents:" in result.output and "do not open with the new secret" in result.output
    assert deployment.secret_file.read_text().strip().encode() == deployment.secret


def test_80_a_secret_from_the_environment_needs_the_new_one_in_a_file(
    deployment: Deployment, tmp_path: Path,
) -> None:
    app = make_app(deployment.data_dir, ocr_engine="none", secret_key=deployment.secret.decode())
    assert "--new-secret-file" in _rotate(app).output
    new_file = tmp_path / "new.key"
    new_file.write_text("a brand new secret of enough length\n")
    result = _rotate(app, "--new-secret-file", str(new_file))
    app.extensions["verify"].store.dispose()
    assert result.exit_code == 0 and "Set VERIFY_SECRET_KEY" in result.output
    assert _opens(b"a brand new secret of enough length", deployment.database)
