"""Ed25519 signing keys, encrypted at rest, shared by every process through the *shelf* that keeps them.

The service keeps its keys in the database (``verify.store.key_table.DatabaseShelf``), so every node
of a cluster signs with the same current key and no node needs a shared disk; tools and tests without
a database keep them in a directory (``verify.labels.key_files.DirectoryShelf``, the layout versions
before the database used). A shelf holds the records (kid, x, created, retired, compromised) and the
private part of the current key: a PKCS8 PEM encrypted with a password derived (HKDF) from the service
secret, or unencrypted when there is no secret (development only). Every change runs under the
shelf's exclusive lock, so processes starting together make one first key between them, and moves the
shelf's *stamp*: a cheap value a process compares with the one it loaded to know whether to read again.

``kid`` is the RFC 7638 thumbprint of the public JWK. Rotation makes a new current key, marks the old
one retired and drops its private part (a retired key never signs again); its public value stays so
labels it signed can still be checked and published in the JWKS until they have all expired. A
*compromised* key (its private part leaked) is withdrawn at once instead: out of the JWKS and refused
by every check.

>>> import tempfile
>>> from pathlib import Path
>>> from verify.labels.key_files import DirectoryShelf
>>> with tempfile.TemporaryDirectory() as d:
...     ring = Keyring.open(DirectoryShelf(Path(d)), b"s3cret", now=datetime(2025, 1, 1, tzinfo=UTC))
...     old = ring.current.kid
...     new = ring.rotate(datetime(2025, 2, 1, tzinfo=UTC))
...     keys = ring.jwks(datetime(2025, 3, 1, tzinfo=UTC), timedelta(days=180))["keys"]
...     [k["kid"] for k in keys] == [new, old], ring.public_key(old) is not None
(True, True)
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from verify.labels.errors import KeyringError, WrongSecret
from verify.labels.jwk import b64url_decode, b64url_encode, public_jwk, public_x, thumbprint

#: A key another process withdrew stops being trusted here within this, even when nothing else told this
#: process (the label change counters do, at once): one look at the shelf's stamp per this many seconds.
RELOAD_SECONDS = 5.0
_KDF_INFO = b"verify.labels keyring v1: PKCS8 encryption password"


@dataclass(frozen=True)
class KeyRecord:
    """One key as the shelf lists it; ``file`` names its private part, None once a retired key's is gone."""

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
class Shelved:
    """What a shelf holds: every record (oldest first), the current key's PEM, and the stamp of this state."""

    records: tuple[KeyRecord, ...]
    current_pem: bytes
    stamp: Hashable


#: An edit of the shelf's content: from the records (None: an empty shelf) to the new records and the PEMs
#: to store by kid; private parts of records whose ``file`` became None are dropped by the shelf.
Edit = Callable[[tuple[KeyRecord, ...] | None], tuple[tuple[KeyRecord, ...], dict[str, bytes]]]


class KeyShelf(Protocol):
    """Where the keys live; every method raises :class:`KeyringError` when it cannot be used."""

    where: str  # named in error messages

    def stamp(self) -> Hashable:
        """A value that changes whenever the keys change (cheap: asked every ``RELOAD_SECONDS``)."""
        ...

    def read(self) -> Shelved | None:
        """The keys now; None while the shelf is empty."""
        ...

    def update(self, edit: Edit) -> None:
        """Apply ``edit`` atomically under the shelf's exclusive lock (no other update runs meanwhile)."""
        ...


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
    stamp: Hashable


class Keyring:
    """Our signing keys: ``current`` signs, ``public_key(kid)`` checks, ``jwks`` publishes.

    ``Keyring(shelf, secret)`` reads nothing until first used (``create_app`` touches no database);
    :meth:`Keyring.open` reads at once. ``encrypted`` is False when no secret was given (development only).
    """

    def __init__(self, shelf: KeyShelf, secret: bytes | None) -> None:
        if secret is not None and not secret:
            raise KeyringError("The signing-key secret is empty; pass None for an unencrypted dev keyring.")
        self.shelf = shelf
        self.encrypted = secret is not None
        self._password = _password(secret)
        self._loaded: _Snapshot | None = None
        self._loading = threading.Lock()
        self._stat_at = time.monotonic()

    @classmethod
    def open(cls, shelf: KeyShelf, secret: bytes | None, *, now: datetime | None = None) -> Keyring:
        """The keys on ``shelf``, with a first key made (at ``now``) if there are none.

        Raises :class:`WrongSecret` if the current key does not decrypt with ``secret``,
        :class:`KeyringError` for any other problem.
        """
        ring = cls(shelf, secret)
        ring.load(now=now)
        return ring

    def load(self, *, now: datetime | None = None) -> None:
        """Read the keys, making a first one if the shelf is empty."""
        with self._loading:
            shelved = self.shelf.read()
            if shelved is None:
                created = _utc(now or datetime.now(UTC))
                self.shelf.update(lambda records: (records, {}) if records else self._first_key(created))
                shelved = self.shelf.read()
            if shelved is None:
                raise KeyringError(f"The signing keys in {self.shelf.where} vanished while being created.")
            self._loaded = self._snapshot_of(shelved)

    @property
    def _snapshot(self) -> _Snapshot:
        if self._loaded is None:
            self.load()
        assert self._loaded is not None
        return self._loaded

    @property
    def current(self) -> SigningKey:
        """The key that signs new labels."""
        return self._snapshot.current

    @property
    def records(self) -> tuple[KeyRecord, ...]:
        """Every key on the shelf, oldest first."""
        return self._snapshot.records

    def public_key(self, kid: object) -> Ed25519PublicKey | None:
        """Our public key with this ``kid``, or None; ``kid`` is only ever a dictionary key.

        On a miss the shelf's stamp is read once, so a key made by another process is found; a shelf
        that cannot be read then leaves the keys already loaded in place.
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
        """Reload if the keys changed on the shelf (one look at its stamp); True if they did."""
        if self._loaded is None:
            self.load()
            return True
        if self.shelf.stamp() == self._loaded.stamp:
            return False
        shelved = self.shelf.read()
        if shelved is None:
            return False
        self._loaded = self._snapshot_of(shelved)
        return True

    def rotate(self, now: datetime) -> str:
        """Make a new current key, retire the old one (its private part is dropped); return the new kid."""
        return self._change(_utc(now), compromised=None)

    def compromise(self, kid: str, now: datetime) -> str:
        """Withdraw ``kid`` (its private key leaked): out of the JWKS and of every check at once (other
        processes: when the label change counters tell them, within ``RELOAD_SECONDS`` at most).
        If it was the current key a new one signs from now on. Returns the current kid.
        Raises :class:`KeyringError` for a kid that is not ours.
        """
        return self._change(_utc(now), compromised=kid)

    def reseal(self, new_secret: bytes) -> bool:
        """Encrypt the current private key under ``new_secret`` (``keys rotate-secret``); False if it already is.

        Raises :class:`WrongSecret` if it opens with neither this keyring's secret nor the new one.
        """
        password = _password(new_secret)
        assert password is not None
        shelved = self.shelf.read()
        if shelved is None:
            raise KeyringError(f"There are no signing keys in {self.shelf.where}.")
        current = current_record(shelved.records, self.shelf.where)
        with contextlib.suppress(WrongSecret):
            _private_key(current, shelved.current_pem, password)
            return False
        private = _private_key(current, shelved.current_pem, self._password)
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.BestAvailableEncryption(password))
        self.shelf.update(lambda records: (records or (), {current.kid: pem}))
        return True

    def _change(self, now: datetime, *, compromised: str | None) -> str:
        def edit(records: tuple[KeyRecord, ...] | None) -> tuple[tuple[KeyRecord, ...], dict[str, bytes]]:
            if not records:
                raise KeyringError(f"There are no signing keys in {self.shelf.where}.")
            if compromised is not None and compromised not in {r.kid for r in records}:
                raise KeyringError(f"There is no signing key {compromised}.")
            current = current_record(records, self.shelf.where)
            pems: dict[str, bytes] = {}
            if compromised is None or compromised == current.kid:
                new, pem = _new_key(self._password, now)
                records, pems = (*(_retired(r, now) for r in records), new), {new.kid: pem}
            return tuple(replace(r, compromised_at=r.compromised_at or now) if r.kid == compromised else r
                         for r in records), pems

        self.shelf.update(edit)
        shelved = self.shelf.read()
        if shelved is None:
            raise KeyringError(f"The signing keys in {self.shelf.where} vanished during rotation.")
        self._loaded = self._snapshot_of(shelved)
        return self._loaded.current.kid

    def jwks(self, now: datetime, max_label_lifetime: timedelta) -> dict[str, list[dict[str, str]]]:
        """The JWK Set to publish: current key first, then keys retired less than a label lifetime ago."""
        now = _utc(now)
        published = [r for r in self._snapshot.records if r.published_at(now, max_label_lifetime)]
        published.sort(key=lambda r: (r.retired_at is not None, -(r.retired_at or now).timestamp()))
        return {"keys": [public_jwk(r.x, r.kid) for r in published]}

    def _first_key(self, now: datetime) -> tuple[tuple[KeyRecord, ...], dict[str, bytes]]:
        record, pem = _new_key(self._password, now)
        return (record,), {record.kid: pem}

    def _snapshot_of(self, shelved: Shelved) -> _Snapshot:
        current = current_record(shelved.records, self.shelf.where)
        signing = SigningKey(current.kid, _private_key(current, shelved.current_pem, self._password))
        public_keys = {r.kid: Ed25519PublicKey.from_public_bytes(b64url_decode(r.x)) for r in shelved.records
                       if r.compromised_at is None}
        return _Snapshot(shelved.records, public_keys, signing, shelved.stamp)


def current_record(records: tuple[KeyRecord, ...], where: str) -> KeyRecord:
    """The one record that is not retired; :class:`KeyringError` if there is not exactly one."""
    current = [r for r in records if r.retired_at is None]
    if len(current) != 1:
        raise KeyringError(f"{where} must list exactly one current key, not {len(current)}.")
    return current[0]


def _retired(record: KeyRecord, now: datetime) -> KeyRecord:
    """The record as it is after rotation: retired now (if it was current), private part gone."""
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


def _new_key(password: bytes | None, now: datetime) -> tuple[KeyRecord, bytes]:
    """A new key's record and its private part (PKCS8 PEM, encrypted when there is a password)."""
    private = Ed25519PrivateKey.generate()
    x = public_x(private.public_key())
    kid = thumbprint(x)
    encryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    return KeyRecord(kid, x, now, None, f"{kid}.pem", password is not None), pem


def _private_key(record: KeyRecord, pem: bytes, password: bytes | None) -> Ed25519PrivateKey:
    if record.encrypted and password is None:
        raise KeyringError("The signing keys are encrypted: set the secret (VERIFY_SECRET_KEY) to use them.")
    if not record.encrypted and password is not None:
        raise KeyringError(
            f"The current signing key {record.kid} is stored unencrypted but a secret is configured: "
            "start with no signing keys (or without the secret) instead of mixing the two."
        )
    try:
        private = serialization.load_pem_private_key(pem, password)
    except (ValueError, TypeError) as exc:
        if record.encrypted:
            raise WrongSecret(f"The signing key {record.kid} does not decrypt with this secret.") from exc
        raise KeyringError(f"The private part of signing key {record.kid} is damaged.") from exc
    if not isinstance(private, Ed25519PrivateKey) or public_x(private.public_key()) != record.x:
        raise KeyringError(f"The private part stored for signing key {record.kid} is another key.")
    return private


