"""Ed25519 signing keys kept in one directory, encrypted at rest, shared by every process.

Layout of the directory (the service passes ``settings.keys_dir``)::

    keyring.json    manifest: per key kid, x, file, created_at, retired_at, encrypted, compromised_at
    keyring.lock    flock(2) target: exclusive while writing, shared while reading
    <kid>.pem       the current private key, PKCS8 PEM, encrypted with a key derived from the secret

``kid`` is the RFC 7638 thumbprint of the public JWK. Rotation makes a new current key,
marks the old one retired and deletes its private key file (a retired key never signs
again); its public value stays in the manifest so labels it signed can still be checked
and published in the JWKS until they have all expired. A *compromised* key (its private part
leaked) is withdrawn at once instead: out of the JWKS and refused by every check.

Files are written 0600 (tmp file, fsync, ``os.replace``); first-key creation and rotation
run under an exclusive lock, so workers starting together make one key between them.

>>> import tempfile
>>> from datetime import UTC, datetime, timedelta
>>> with tempfile.TemporaryDirectory() as d:
...     ring = Keyring.open(Path(d), b"s3cret", now=datetime(2025, 1, 1, tzinfo=UTC))
...     old = ring.current.kid
...     new = ring.rotate(datetime(2025, 2, 1, tzinfo=UTC))
...     keys = ring.jwks(datetime(2025, 3, 1, tzinfo=UTC), timedelta(days=180))["keys"]
...     [k["kid"] for k in keys] == [new, old], ring.public_key(old) is not None
(True, True)
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from verify.durable import replace_file, write_file
from verify.labels.errors import KeyringError, WrongSecret
from verify.labels.jwk import b64url_decode, b64url_encode, public_jwk, public_x, thumbprint

MANIFEST = "keyring.json"
#: A key another process withdrew stops being trusted here within this. Fixed, not a setting: it bounds a
#: compromised key's life on other machines (README: "within 5 s"), and a check costs one stat() of the
#: manifest per this many seconds, too little to be worth trading against that promise.
RELOAD_SECONDS = 5.0
LOCK = "keyring.lock"
_FORMAT = 1
_KID = re.compile(r"[A-Za-z0-9_-]{43}")
_KDF_INFO = b"verify.labels keyring v1: PKCS8 encryption password"


@dataclass(frozen=True)
class KeyRecord:
    """One key as the manifest lists it; ``file`` is None once a retired key's private part is gone."""

    kid: str
    x: str
    created_at: datetime
    retired_at: datetime | None
    file: str | None
    encrypted: bool
    compromised_at: datetime | None = None  # withdrawn: never published nor trusted again

    def published_at(self, now: datetime, max_label_lifetime: timedelta) -> bool:
        """Whether the JWKS must still carry this key: current, or retired less than a label lifetime ago
        (never once compromised)."""
        if self.compromised_at is not None:
            return False
        return self.retired_at is None or self.retired_at + max_label_lifetime > now

    def to_json(self) -> dict[str, Any]:
        return {
            "kid": self.kid,
            "x": self.x,
            "created_at": self.created_at.isoformat(),
            "retired_at": self.retired_at.isoformat() if self.retired_at else None,
            "file": self.file,
            "encrypted": self.encrypted,
            "compromised_at": self.compromised_at.isoformat() if self.compromised_at else None,
        }


@dataclass(frozen=True)
class SigningKey:
    """The current key: its ``kid`` and the private key that signs labels."""

    kid: str
    private_key: Ed25519PrivateKey


@dataclass(frozen=True)
class _Snapshot:
    records: tuple[KeyRecord, ...]
    public_keys: dict[str, Ed25519PublicKey]
    current: SigningKey
    stamp: tuple[int, int, int]


class Keyring:
    """Our signing keys: ``current`` signs, ``public_key(kid)`` checks, ``jwks`` publishes.

    Build it with :meth:`Keyring.open`. ``encrypted`` is False when no secret was given
    (development only: the app should warn).
    """

    def __init__(self, directory: Path, secret: bytes | None, snapshot: _Snapshot) -> None:
        self.directory = directory
        self.encrypted = secret is not None
        self._password = _password(secret)
        self._snapshot = snapshot
        self._stat_at = time.monotonic()

    @classmethod
    def open(cls, directory: Path, secret: bytes | None, *, now: datetime | None = None) -> Keyring:
        """Load the keys in ``directory``, creating it and a first key if there are none.

        ``secret`` (bytes, not empty) encrypts private keys at rest; None stores them
        unencrypted, for development. Raises :class:`WrongSecret` if the current key
        does not decrypt with ``secret``, :class:`KeyringError` for any other problem.
        """
        if secret is not None and not secret:
            raise KeyringError("The signing-key secret is empty; pass None for an unencrypted dev keyring.")
        directory = Path(directory)
        password = _password(secret)
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            with _locked(directory, fcntl.LOCK_SH):
                snapshot = _load(directory, password)
            if snapshot is None:
                with _locked(directory, fcntl.LOCK_EX):
                    snapshot = _load(directory, password)
                    if snapshot is None:
                        created = _utc(now or datetime.now(UTC))
                        _write_records(directory, (_new_key(directory, password, created),))
                        snapshot = _load(directory, password)
        except OSError as exc:
            raise KeyringError(f"The signing keys in {directory} cannot be used: {exc.strerror}.") from exc
        if snapshot is None:
            raise KeyringError(f"The signing-key manifest in {directory} vanished while being created.")
        return cls(directory, secret, snapshot)

    @property
    def current(self) -> SigningKey:
        """The key that signs new labels."""
        return self._snapshot.current

    @property
    def records(self) -> tuple[KeyRecord, ...]:
        """Every key in the manifest, oldest first."""
        return self._snapshot.records

    def public_key(self, kid: object) -> Ed25519PublicKey | None:
        """Our public key with this ``kid``, or None; ``kid`` is only ever a dictionary key.

        On a miss the manifest is stat-ed once, so a key made by another process is found; a
        manifest that cannot be reloaded then leaves the keys already loaded in place.
        """
        if not isinstance(kid, str):
            return None
        if time.monotonic() - self._stat_at >= RELOAD_SECONDS:  # a key compromised by another process
            self._stat_at = time.monotonic()
            with contextlib.suppress(KeyringError):
                self.reload_if_changed()
        key = self._snapshot.public_keys.get(kid)
        if key is None:
            try:
                reloaded = self.reload_if_changed()
            except KeyringError:
                return None
            if reloaded:
                key = self._snapshot.public_keys.get(kid)
        return key

    def reload_if_changed(self) -> bool:
        """Reload if the manifest changed on disk (one ``os.stat``); True if it did."""
        try:
            stamp = _stamp(os.stat(self.directory / MANIFEST))
        except OSError:
            return False
        if stamp == self._snapshot.stamp:
            return False
        try:
            with _locked(self.directory, fcntl.LOCK_SH):
                snapshot = _load(self.directory, self._password)
        except OSError as exc:
            raise KeyringError(f"The keys in {self.directory} cannot be read: {exc.strerror}.") from exc
        if snapshot is None:
            return False
        self._snapshot = snapshot
        return True

    def rotate(self, now: datetime) -> str:
        """Make a new current key, retire the old one (its private file is deleted); return the new kid."""
        return self._change(_utc(now), compromised=None)

    def compromise(self, kid: str, now: datetime) -> str:
        """Withdraw ``kid`` (its private key leaked): out of the JWKS and of every check at once (other
        processes within ``RELOAD_SECONDS``); if it was the current key a new one signs from now on.
        Returns the current kid. Raises :class:`KeyringError` for a kid that is not ours.
        """
        return self._change(_utc(now), compromised=kid)

    def _change(self, now: datetime, *, compromised: str | None) -> str:
        try:
            with _locked(self.directory, fcntl.LOCK_EX):
                snapshot = _load(self.directory, self._password)
                if snapshot is None:
                    raise KeyringError(f"The signing-key manifest in {self.directory} is missing.")
                records = snapshot.records
                if compromised is not None and compromised not in {r.kid for r in records}:
                    raise KeyringError(f"There is no signing key {compromised}.")
                rotate = compromised is None or compromised == snapshot.current.kid
                old_files = [r.file for r in records if r.file] if rotate else []
                if rotate:
                    records = (*(_retired(r, now) for r in records), _new_key(self.directory, self._password, now))
                records = tuple(replace(r, compromised_at=r.compromised_at or now) if r.kid == compromised else r
                                for r in records)
                _write_records(self.directory, records)
                for name in old_files:
                    with contextlib.suppress(FileNotFoundError):
                        (self.directory / name).unlink()
                loaded = _load(self.directory, self._password)
        except OSError as exc:
            raise KeyringError(f"The keys in {self.directory} cannot rotate: {exc.strerror}.") from exc
        if loaded is None:
            raise KeyringError(f"The signing-key manifest in {self.directory} vanished during rotation.")
        self._snapshot = loaded
        return loaded.current.kid

    def jwks(self, now: datetime, max_label_lifetime: timedelta) -> dict[str, list[dict[str, str]]]:
        """The JWK Set to publish: current key first, then keys retired less than a label lifetime ago."""
        now = _utc(now)
        published = [r for r in self._snapshot.records if r.published_at(now, max_label_lifetime)]
        published.sort(key=lambda r: (r.retired_at is not None, -(r.retired_at or now).timestamp()))
        return {"keys": [public_jwk(r.x, r.kid) for r in published]}


def _retired(record: KeyRecord, now: datetime) -> KeyRecord:
    """The record as it is after rotation: retired now (if it was current), private file gone."""
    if record.retired_at:
        return record
    return replace(record, retired_at=now, file=None)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("Times must be timezone-aware.")
    return moment.astimezone(UTC)


def _password(secret: bytes | None) -> bytes | None:
    """The PKCS8 password: HKDF-SHA256 of the secret (PKCS8 itself then applies PBKDF2)."""
    if secret is None:
        return None
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KDF_INFO).derive(secret)
    return b64url_encode(derived).encode("ascii")


@contextlib.contextmanager
def _locked(directory: Path, mode: int) -> Iterator[None]:
    fd = os.open(directory / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)


def _stamp(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _new_key(directory: Path, password: bytes | None, now: datetime) -> KeyRecord:
    """Generate a key and write its private file; the caller then lists it in the manifest."""
    private = Ed25519PrivateKey.generate()
    x = public_x(private.public_key())
    kid = thumbprint(x)
    encryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    write_file(directory / f"{kid}.pem", pem, exclusive=True)
    return KeyRecord(kid, x, now, None, f"{kid}.pem", password is not None)


def _write_records(directory: Path, records: tuple[KeyRecord, ...]) -> None:
    """Replace the manifest atomically: tmp file, fsync, ``os.replace``, fsync the directory."""
    document = {"format": _FORMAT, "keys": [r.to_json() for r in records]}
    replace_file(directory / MANIFEST, json.dumps(document, indent=2).encode("utf-8") + b"\n")


def _load(directory: Path, password: bytes | None) -> _Snapshot | None:
    """Read the manifest and the current private key; None if there is no manifest yet."""
    try:
        with open(directory / MANIFEST, "rb") as fh:
            stamp = _stamp(os.fstat(fh.fileno()))
            raw = fh.read()
    except FileNotFoundError:
        return None
    records = _parse_manifest(raw, directory)
    current = [r for r in records if r.retired_at is None]
    if len(current) != 1:
        raise KeyringError(f"{directory / MANIFEST} must list exactly one current key, not {len(current)}.")
    signing = _load_private(directory, current[0], password)
    public_keys = {r.kid: Ed25519PublicKey.from_public_bytes(b64url_decode(r.x)) for r in records
                   if r.compromised_at is None}
    return _Snapshot(records, public_keys, signing, stamp)


def _parse_manifest(raw: bytes, directory: Path) -> tuple[KeyRecord, ...]:
    where = directory / MANIFEST
    try:
        document = json.loads(raw.decode("utf-8"))
        if document.get("format") != _FORMAT:
            raise ValueError("unknown format")
        records = tuple(_parse_record(item) for item in document["keys"])
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise KeyringError(f"{where} is damaged ({exc}).") from exc
    if len({r.kid for r in records}) != len(records):
        raise KeyringError(f"{where} lists a key twice.")
    return records


def _parse_record(item: dict[str, Any]) -> KeyRecord:
    kid, x, file = item["kid"], item["x"], item["file"]
    if not isinstance(kid, str) or not _KID.fullmatch(kid) or not isinstance(x, str):
        raise ValueError("bad kid or x")
    if len(b64url_decode(x)) != 32 or thumbprint(x) != kid:
        raise ValueError(f"kid {kid} is not the thumbprint of its key")
    if file is not None and file != f"{kid}.pem":
        raise ValueError(f"unexpected file name for {kid}")
    retired, compromised = item["retired_at"], item.get("compromised_at")
    return KeyRecord(
        kid=kid,
        x=x,
        created_at=_utc(datetime.fromisoformat(item["created_at"])),
        retired_at=_utc(datetime.fromisoformat(retired)) if retired is not None else None,
        file=file,
        encrypted=bool(item["encrypted"]),
        compromised_at=_utc(datetime.fromisoformat(compromised)) if compromised is not None else None,
    )


def _load_private(directory: Path, record: KeyRecord, password: bytes | None) -> SigningKey:
    if record.file is None:
        raise KeyringError(f"The current key {record.kid} has no private key file.")
    if record.encrypted and password is None:
        raise KeyringError("The signing keys are encrypted: set the secret (VERIFY_SECRET_KEY) to use them.")
    if not record.encrypted and password is not None:
        raise KeyringError(
            f"The current signing key {record.kid} is stored unencrypted but a secret is configured: "
            "start with an empty keys directory (or without the secret) instead of mixing the two."
        )
    pem = (directory / record.file).read_bytes()
    try:
        private = serialization.load_pem_private_key(pem, password)
    except (ValueError, TypeError) as exc:
        if record.encrypted:
            raise WrongSecret(f"The signing key {record.kid} does not decrypt with this secret.") from exc
        raise KeyringError(f"The signing key file {record.file} is damaged.") from exc
    if not isinstance(private, Ed25519PrivateKey) or public_x(private.public_key()) != record.x:
        raise KeyringError(f"The signing key file {record.file} does not hold key {record.kid}.")
    return SigningKey(record.kid, private)
