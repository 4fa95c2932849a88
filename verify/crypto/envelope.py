"""Envelope encryption: AES-256-GCM under a fresh data key per object, the key wrapped by a KEK.

Each object (an uploaded document, one personal value) gets its own random 256-bit data
key and a random 96-bit nonce; since a data key seals exactly one plaintext, a nonce can
never repeat under a key. The data key is wrapped with AES-GCM under the key-encryption
key (KEK), which is derived from the service secret by HKDF with its own ``info`` string
(so it is never the key that protects signing keys or the audit anchor). Both layers
authenticate the same *associated data* — tenant and record ids — so a blob or wrapped
key copied to another row, or flipped by one bit, fails to open with ``SealBroken``
instead of yielding anything. Destroying the wrapped key makes the ciphertext unreadable
everywhere, backups included (crypto-shredding).

Layouts (all lengths in bytes)::

    wrapped key   "K1" | KEK id (8) | nonce (12) | AES-GCM(data key) (32 + 16 tag)
    sealed bytes  "D1" | nonce (12) | AES-GCM(plaintext) (n + 16 tag)
    sealed text   "enc1." base64url(wrapped key) "." base64url(sealed bytes)

Sealed text is self-contained (its wrapped key travels with it) and fits short values in
text or JSON columns. Source: cryptography's AEAD docs
(https://cryptography.io/en/latest/hazmat/primitives/aead/), OWASP Cryptographic Storage.

>>> envelope = Envelope.from_secret(b"a test secret of enough length")
>>> sealed = envelope.seal_text("11010519491231002X", b"tenant|record|field")
>>> sealed.startswith("enc1.") and "1101051949" not in sealed
True
>>> envelope.open_text(sealed, b"tenant|record|field")
'11010519491231002X'
>>> envelope.open_text(sealed, b"other-tenant|record|field")
Traceback (most recent call last):
...
verify.crypto.envelope.SealBroken: sealed data failed authentication
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEK_INFO = b"verify personal data key-encryption key v1"
TEXT_PREFIX = "enc1."
_KEY_MAGIC, _DATA_MAGIC = b"K1", b"D1"
_NONCE, _KEY, _KID = 12, 32, 8


class SealBroken(Exception):
    """A sealed value or wrapped key failed authentication, is malformed, or its KEK is unknown."""

    def __init__(self, message: str = "sealed data failed authentication") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Sealed:
    """One sealed object: the wrapped data key and the ciphertext it opens."""

    wrapped_key: bytes
    blob: bytes


def derive_kek(secret: bytes) -> bytes:
    """The 256-bit key-encryption key for personal data, derived from the service secret."""
    return HKDF(algorithm=hashes.SHA256(), length=_KEY, salt=None, info=KEK_INFO).derive(secret)


def kek_id(kek: bytes) -> bytes:
    """A short public id of a KEK (stored in each wrapped key, so rotation knows which KEK wrapped it)."""
    return hashlib.sha256(b"verify kek id|" + kek).digest()[:_KID]


class Envelope:
    """Seals and opens personal data under a current KEK; ``previous`` KEKs still open old keys."""

    def __init__(self, kek: bytes, previous: Sequence[bytes] = ()) -> None:
        if len(kek) != _KEY or any(len(k) != _KEY for k in previous):
            raise ValueError("a key-encryption key is 32 bytes")
        self._current = kek_id(kek)
        self._keks = {kek_id(k): AESGCM(k) for k in (*previous, kek)}

    @classmethod
    def from_secret(cls, secret: bytes, previous: Sequence[bytes] = ()) -> Envelope:
        """An envelope whose KEK is derived from ``secret`` (and from each ``previous`` secret)."""
        return cls(derive_kek(secret), [derive_kek(s) for s in previous])

    # --- data keys ---------------------------------------------------------------------
    def wrap(self, data_key: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return _KEY_MAGIC + self._current + nonce + self._keks[self._current].encrypt(nonce, data_key, aad)

    def unwrap(self, wrapped: bytes, aad: bytes) -> bytes:
        if len(wrapped) != 2 + _KID + _NONCE + _KEY + 16 or not wrapped.startswith(_KEY_MAGIC):
            raise SealBroken("wrapped key is malformed")
        kid, nonce, body = wrapped[2:2 + _KID], wrapped[2 + _KID:2 + _KID + _NONCE], wrapped[2 + _KID + _NONCE:]
        kek = self._keks.get(kid)
        if kek is None:
            raise SealBroken("wrapped key names an unknown key-encryption key")
        try:
            return kek.decrypt(nonce, body, aad)
        except InvalidTag as exc:
            raise SealBroken() from exc

    def is_current(self, wrapped: bytes) -> bool:
        """Whether ``wrapped`` was wrapped by the current KEK (rotation re-wraps the others)."""
        return wrapped[2:2 + _KID] == self._current

    def rewrap(self, wrapped: bytes, aad: bytes) -> bytes:
        """The same data key wrapped under the current KEK (for KEK rotation)."""
        return self.wrap(self.unwrap(wrapped, aad), aad)

    # --- bytes -------------------------------------------------------------------------
    def seal(self, plaintext: bytes, aad: bytes) -> Sealed:
        """Seal ``plaintext`` under a fresh data key; both layers bind ``aad``."""
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(_NONCE)
        blob = _DATA_MAGIC + nonce + AESGCM(data_key).encrypt(nonce, plaintext, aad)
        return Sealed(self.wrap(data_key, aad), blob)

    def open(self, sealed: Sealed, aad: bytes) -> bytes:
        """The plaintext of ``sealed``; ``SealBroken`` if anything was changed, swapped or malformed."""
        data_key = self.unwrap(sealed.wrapped_key, aad)
        blob = sealed.blob
        if len(blob) < 2 + _NONCE + 16 or not blob.startswith(_DATA_MAGIC):
            raise SealBroken("sealed data is malformed")
        try:
            return AESGCM(data_key).decrypt(blob[2:2 + _NONCE], blob[2 + _NONCE:], aad)
        except InvalidTag as exc:
            raise SealBroken() from exc

    # --- short text --------------------------------------------------------------------
    def seal_text(self, value: str, aad: bytes) -> str:
        sealed = self.seal(value.encode(), aad)
        return TEXT_PREFIX + _b64(sealed.wrapped_key) + "." + _b64(sealed.blob)

    def open_text(self, value: str, aad: bytes) -> str:
        sealed = _split_text(value)
        try:
            return self.open(sealed, aad).decode()
        except UnicodeDecodeError as exc:
            raise SealBroken("sealed text is malformed") from exc

    def rewrap_text(self, value: str, aad: bytes) -> str:
        """Sealed text whose data key is wrapped under the current KEK; the ciphertext is unchanged."""
        sealed = _split_text(value)
        if self.is_current(sealed.wrapped_key):
            return value
        return TEXT_PREFIX + _b64(self.rewrap(sealed.wrapped_key, aad)) + "." + _b64(sealed.blob)

    def unwrap_text_key(self, value: str, aad: bytes) -> bytes:
        """The data key of sealed text (proves a KEK can open it without decrypting the value)."""
        return self.unwrap(_split_text(value).wrapped_key, aad)


def is_sealed_text(value: object) -> bool:
    return isinstance(value, str) and value.startswith(TEXT_PREFIX)


def _split_text(value: str) -> Sealed:
    if not is_sealed_text(value):
        raise SealBroken("value is not sealed")
    try:
        wrapped, blob = (_unb64(part) for part in value[len(TEXT_PREFIX):].split("."))
    except ValueError as exc:
        raise SealBroken("sealed text is malformed") from exc
    return Sealed(wrapped, blob)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc
