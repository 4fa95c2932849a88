"""Keyring: creation, encryption at rest, reload, rotation, JWKS retention, concurrent first creation."""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import random
import socket
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from tests.labels.helpers import ISSUER, LIFETIME, NOW, SECRET, forge, good_claims, good_header
from verify.labels import Keyring, KeyringError, WrongSecret, check_label
from verify.labels.jwk import b64url_decode, thumbprint
from verify.labels.key_files import LOCK, MANIFEST, DirectoryShelf


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def manifest(directory: Path) -> dict:
    return json.loads((directory / MANIFEST).read_text())


def test_first_open_creates_one_key_with_private_files(keys_dir: Path) -> None:
    ring = Keyring.open(DirectoryShelf(keys_dir), SECRET, now=NOW)
    (record,) = ring.records
    assert ring.encrypted
    assert record.kid == ring.current.kid == thumbprint(record.x)
    assert record.created_at == NOW and record.retired_at is None
    assert sorted(p.name for p in keys_dir.iterdir()) == sorted([MANIFEST, LOCK, f"{record.kid}.pem"])
    assert mode(keys_dir) == 0o700
    assert {mode(p) for p in keys_dir.iterdir()} == {0o600}
    assert manifest(keys_dir)["keys"][0] == {
        "kid": record.kid, "x": record.x, "created_at": NOW.isoformat(), "retired_at": None,
        "file": f"{record.kid}.pem", "encrypted": True, "compromised_at": None,
    }


def test_reopening_loads_the_same_key(keyring: Keyring, keys_dir: Path) -> None:
    again = Keyring.open(DirectoryShelf(keys_dir), SECRET)
    assert again.current.kid == keyring.current.kid
    assert again.records == keyring.records


def test_private_key_is_encrypted_at_rest(keyring: Keyring, keys_dir: Path) -> None:
    pem = (keys_dir / f"{keyring.current.kid}.pem").read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    seed = keyring.current.private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    der = b"".join(pem.splitlines()[1:-1])
    assert seed not in pem and seed not in base64.b64decode(der)
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(pem, None)
    with pytest.raises(ValueError):
        serialization.load_pem_private_key(pem, SECRET)  # the password is derived, not the secret itself


def test_wrong_secret_fails_clearly(keyring: Keyring, keys_dir: Path) -> None:
    with pytest.raises(WrongSecret, match="does not decrypt"):
        Keyring.open(DirectoryShelf(keys_dir), b"another secret")


def test_encrypted_keys_need_the_secret(keyring: Keyring, keys_dir: Path) -> None:
    with pytest.raises(KeyringError, match="VERIFY_SECRET_KEY"):
        Keyring.open(DirectoryShelf(keys_dir), None)


def test_development_keyring_is_unencrypted_and_flagged(keys_dir: Path) -> None:
    ring = Keyring.open(DirectoryShelf(keys_dir), None, now=NOW)
    assert not ring.encrypted
    assert (keys_dir / f"{ring.current.kid}.pem").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    with pytest.raises(KeyringError, match="unencrypted"):
        Keyring.open(DirectoryShelf(keys_dir), SECRET)


def test_empty_secret_is_refused(keys_dir: Path) -> None:
    with pytest.raises(KeyringError, match="empty"):
        Keyring.open(DirectoryShelf(keys_dir), b"")


def test_rotation_retires_the_old_key_and_deletes_its_private_file(keyring: Keyring, keys_dir: Path) -> None:
    old = keyring.current.kid
    new = keyring.rotate(NOW)
    assert new != old and keyring.current.kid == new
    by_kid = {r.kid: r for r in keyring.records}
    assert by_kid[old].retired_at == NOW and by_kid[old].file is None
    assert by_kid[new].retired_at is None and by_kid[new].created_at == NOW
    assert not (keys_dir / f"{old}.pem").exists()
    assert keyring.public_key(old) is not None and keyring.public_key(new) is not None
    assert Keyring.open(DirectoryShelf(keys_dir), SECRET).current.kid == new
    assert not [p for p in keys_dir.iterdir() if p.name.endswith(".tmp")]


def test_jwks_keeps_retired_keys_for_one_label_lifetime(keyring: Keyring) -> None:
    first = keyring.current.kid
    second = keyring.rotate(NOW)
    third = keyring.rotate(NOW + timedelta(days=10))

    def kids(at: datetime) -> list[str]:
        return [k["kid"] for k in keyring.jwks(at, LIFETIME)["keys"]]

    assert kids(NOW + timedelta(days=10)) == [third, second, first]
    assert kids(NOW + LIFETIME - timedelta(seconds=1)) == [third, second, first]
    assert kids(NOW + LIFETIME + timedelta(seconds=1)) == [third, second]
    assert kids(NOW + timedelta(days=10) + LIFETIME) == [third]


def test_jwks_members_are_public_only(keyring: Keyring) -> None:
    keyring.rotate(NOW)
    for jwk in keyring.jwks(NOW, LIFETIME)["keys"]:
        assert set(jwk) == {"kty", "crv", "x", "kid", "use", "alg"}
        assert (jwk["kty"], jwk["crv"], jwk["use"], jwk["alg"]) == ("OKP", "Ed25519", "sig", "EdDSA")
        assert jwk["kid"] == thumbprint(jwk["x"]) and len(b64url_decode(jwk["x"])) == 32


def test_reload_notices_rotation_by_another_process(keyring: Keyring, keys_dir: Path) -> None:
    assert keyring.reload_if_changed() is False
    other = Keyring.open(DirectoryShelf(keys_dir), SECRET)
    new = other.rotate(NOW)
    assert keyring.reload_if_changed() is True
    assert keyring.current.kid == new
    assert keyring.reload_if_changed() is False


def test_public_key_lookup_finds_a_key_made_elsewhere(keyring: Keyring, keys_dir: Path) -> None:
    new = Keyring.open(DirectoryShelf(keys_dir), SECRET).rotate(NOW)
    assert keyring.public_key(new) is not None


@pytest.mark.parametrize("kid", ["", "../../etc/passwd", "' OR '1'='1", "x" * 5000, None, 1, {"a": 1}, ["k"]])
def test_public_key_is_only_a_dictionary_lookup(keyring: Keyring, kid: object) -> None:
    assert keyring.public_key(kid) is None


def test_damaged_manifest_is_a_keyring_error(keyring: Keyring, keys_dir: Path) -> None:
    (keys_dir / MANIFEST).write_text("{not json")
    with pytest.raises(KeyringError, match="damaged"):
        Keyring.open(DirectoryShelf(keys_dir), SECRET)


@pytest.mark.parametrize(
    ("member", "value"),
    [("kid", "A" * 43), ("file", "../../../etc/passwd"), ("x", "AAAA"), ("created_at", "yesterday")],
)
def test_manifest_entries_are_validated(keyring: Keyring, keys_dir: Path, member: str, value: str) -> None:
    document = manifest(keys_dir)
    document["keys"][0][member] = value
    (keys_dir / MANIFEST).write_text(json.dumps(document))
    with pytest.raises(KeyringError):
        Keyring.open(DirectoryShelf(keys_dir), SECRET)


def test_naive_times_are_refused(keyring: Keyring) -> None:
    with pytest.raises(ValueError, match="timezone"):
        keyring.rotate(datetime(2025, 1, 1))


def _open_and_report(directory: str, barrier: Any, results: Any) -> None:
    """Run in a spawned process: open the keyring as soon as every process is ready."""
    barrier.wait()
    results.put(Keyring.open(DirectoryShelf(Path(directory)), SECRET, now=datetime.now(UTC)).current.kid)


def test_concurrent_first_creation_makes_one_key(keys_dir: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = 4
    barrier, results = context.Barrier(workers), context.Queue()
    arguments = (str(keys_dir), barrier, results)
    processes = [context.Process(target=_open_and_report, args=arguments) for _ in range(workers)]
    for process in processes:
        process.start()
    kids = {results.get(timeout=30) for _ in processes}
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert len(kids) == 1
    assert len(manifest(keys_dir)["keys"]) == 1
    assert [p.name for p in keys_dir.iterdir() if p.suffix == ".pem"] == [f"{kids.pop()}.pem"]


def test_files_are_private_even_with_a_permissive_umask(keys_dir: Path) -> None:
    previous = os.umask(0)
    try:
        ring = Keyring.open(DirectoryShelf(keys_dir), SECRET, now=NOW)
        ring.rotate(NOW)
    finally:
        os.umask(previous)
    assert {mode(p) for p in keys_dir.iterdir()} == {0o600}


def test_a_damaged_manifest_does_not_unload_keys_in_use(keyring: Keyring, keys_dir: Path) -> None:
    kid = keyring.current.kid
    (keys_dir / MANIFEST).write_text("{damaged")
    assert keyring.public_key("some-other-kid") is None
    assert keyring.public_key(kid) is not None
    with pytest.raises(KeyringError):
        keyring.reload_if_changed()


# --- 54: a flood of unknown kids -------------------------------------------------------------------
def test_54_ten_thousand_unknown_kids_read_no_key_set_and_open_no_socket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring = Keyring.open(DirectoryShelf(tmp_path / "keys"), None, now=NOW - timedelta(days=1))
    loads = []
    real_read = DirectoryShelf.read

    def counting_read(shelf: DirectoryShelf) -> Any:
        loads.append(shelf)
        return real_read(shelf)

    def no_network(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("network access during a label check")

    monkeypatch.setattr(DirectoryShelf, "read", counting_read)
    for name in ("socket", "create_connection", "getaddrinfo"):
        monkeypatch.setattr(socket, name, no_network)
    rng = random.Random(54)

    def flood(count: int) -> None:
        for _ in range(count):
            kid = "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", k=43))
            token = forge({**good_header(keyring), "kid": kid}, good_claims(), keyring.current.private_key)
            result = check_label(keyring, token, issuer=ISSUER, now=NOW)
            assert (result.valid, result.reason) == (False, "unknown_key")

    flood(5_000)
    assert loads == []  # nothing changed on disk: no key-set reload at all
    Keyring.open(DirectoryShelf(tmp_path / "keys"), None).rotate(NOW)  # `flask signing rotate` in another process
    loads.clear()
    flood(5_000)
    assert len(loads) == 1  # one reload for the one change, however many unknown kids follow
