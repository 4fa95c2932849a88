"""Opaque page cursors, bound to the tenant that was given them.

A cursor is AES-GCM over the position it stands for (``created_at|id``), with the
tenant's platform id as associated data, under a key derived from the service secret
by HKDF with its own ``info``. A client can neither read it (no ids or times leak) nor
make one, and a cursor given to one platform does not open for another: ``InvalidCursor``
(400) either way.

>>> cursors = Cursors.from_secret(b"a test secret of enough length")
>>> token = cursors.seal("2025-03-01T08:00:00+00:00|abc", "platform-a")
>>> "abc" in token, cursors.open(token, "platform-a")
(False, '2025-03-01T08:00:00+00:00|abc')
>>> cursors.open(token, "platform-b")
Traceback (most recent call last):
...
verify.errors.InvalidCursor: The cursor is not valid for this key.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from verify.errors import InvalidCursor

CURSOR_INFO = b"verify list cursor v1"
_NONCE = 12


class Cursors:
    """Seals and opens page cursors for one tenant at a time."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    @classmethod
    def from_secret(cls, secret: bytes) -> Cursors:
        return cls(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=CURSOR_INFO).derive(secret))

    def seal(self, position: str, tenant: str) -> str:
        nonce = os.urandom(_NONCE)
        sealed = nonce + self._aead.encrypt(nonce, position.encode(), _aad(tenant))
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()

    def open(self, cursor: str, tenant: str) -> str:
        """The position ``cursor`` stands for; ``InvalidCursor`` if it is malformed, forged or another tenant's."""
        try:
            sealed = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], _aad(tenant)).decode()
        except (binascii.Error, ValueError, InvalidTag) as exc:
            raise InvalidCursor("The cursor is not valid for this key.") from exc


def _aad(tenant: str) -> bytes:
    return f"verify:cursor:v1|{tenant}".encode()
