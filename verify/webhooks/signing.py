"""Standard Webhooks signatures (standardwebhooks.com, spec 1.0): what a receiver checks before it trusts a call.

Each endpoint has a secret: ``whsec_`` + base64 of 32 random bytes, shown once when it is made,
kept sealed by the envelope (``secret_aad`` binds it to its platform and endpoint). A delivery
carries ``webhook-id`` (the event's id: the same on every retry and redelivery, the receiver's
key for dropping duplicates), ``webhook-timestamp`` (Unix seconds of this attempt) and
``webhook-signature``: ``v1,`` + base64 HMAC-SHA256 over ``{id}.{timestamp}.{body}`` for each
secret in use, separated by spaces — during a rotation's grace period the old and the new one,
so a receiver that still has either accepts.

>>> secret = SECRET_PREFIX + base64.b64encode(bytes(32)).decode()
>>> signature(secret, "evt1", 1767225600, b'{"type":"webhook.test"}')
'v1,xT7tpXL9xXSVE6L/J+eRLgYk4Q2QqQq1kC6X6O2oihs='
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh endpoint secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(os.urandom(SECRET_BYTES)).decode()


def secret_aad(platform_id: str, endpoint_id: str) -> bytes:
    """The associated data sealing an endpoint's secret: a secret moved to another endpoint does not open."""
    return f"verify:webhook-secret:v1|{platform_id}|{endpoint_id}".encode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """``v1,`` + base64 HMAC-SHA256 of ``{message_id}.{timestamp}.{body}`` under the secret's bytes."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def signed_headers(secrets: Sequence[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt, signed with every secret in ``secrets``."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(secret, message_id, timestamp, body) for secret in secrets),
    }
