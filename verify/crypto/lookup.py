"""Keyed digests: match a credential number or an ID number across cases without storing it.

A digest is HMAC-SHA256 under the service's lookup key, over a purpose and the value
(``credential:physician_practice`` + the number; ``holder`` + the 18-digit ID number). Without
the key a digest cannot be tested against guesses, so the table of digests says nothing of the
numbers behind it; with it, the service can ask "is this number already labelled, and for the
same person?" without keeping the number.

The lookup key is 32 random bytes made once and kept in the database (``service_keys``),
wrapped by the key-encryption key derived from the service secret, like every data key: a
rotation of the secret re-wraps it (verify.crypto.rotation), so digests made before stay
comparable, and a database without the secret opens nothing.

>>> key = LookupKey(bytes(32))
>>> key.digest("holder", "110105194912310021") == key.digest("holder", "110105194912310021")
True
>>> key.digest("holder", "1") != key.digest("credential:x", "1"), len(key.digest("holder", "1"))
(True, 64)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from verify.crypto.envelope import Envelope
from verify.store.db import Store
from verify.store.models import ServiceKey

NAME = "lookup"
_loading = threading.Lock()


class LookupKey:
    """Makes keyed digests; the key never leaves this object."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("a lookup key is 32 bytes")
        self._key = key

    def digest(self, purpose: str, value: str) -> str:
        return hmac.new(self._key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def service_key_aad(name: str) -> bytes:
    """The associated data of a service key's wrapping: a key moved to another name does not open."""
    return f"verify:service-key:v1|{name}".encode()


def load_lookup_key(store: Store, envelope: Envelope, now: datetime) -> LookupKey:
    """The service's lookup key, made and stored (wrapped) on first use; concurrent first uses agree."""
    with _loading:
        with store.read() as session:
            row = session.get(ServiceKey, NAME)
            if row is not None:
                return LookupKey(envelope.unwrap(row.wrapped, service_key_aad(NAME)))
        key = os.urandom(32)
        try:
            with store.write() as session:
                session.add(ServiceKey(name=NAME, wrapped=envelope.wrap(key, service_key_aad(NAME)), created_at=now))
            return LookupKey(key)
        except IntegrityError:  # another process stored one first: use that one
            with store.read() as session:
                row = session.get(ServiceKey, NAME)
                assert row is not None
                return LookupKey(envelope.unwrap(row.wrapped, service_key_aad(NAME)))
