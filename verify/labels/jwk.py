"""Base64url and RFC 7638 JWK thumbprints for Ed25519 (OKP) keys.

>>> b64url_encode(b"\\xff\\xfe")
'__4'
>>> b64url_decode("__4")
b'\\xff\\xfe'
>>> thumbprint("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")  # RFC 8037 A.3
'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

_BASE64URL = re.compile(rb"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str | bytes) -> bytes:
    """Decode unpadded base64url; raises ``ValueError`` on anything else (padding, other characters)."""
    raw = text.encode("ascii") if isinstance(text, str) else bytes(text)
    if len(raw) % 4 == 1 or not _BASE64URL.fullmatch(raw):
        raise ValueError("not unpadded base64url")
    return base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))


def public_x(key: Ed25519PublicKey) -> str:
    """The JWK ``x`` member: the raw 32-byte public key, base64url (RFC 8037 §2)."""
    return b64url_encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def thumbprint(x: str) -> str:
    """RFC 7638 thumbprint of the Ed25519 JWK with public value ``x`` (our ``kid``)."""
    members = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"), sort_keys=True)
    return b64url_encode(hashlib.sha256(members.encode("ascii")).digest())


def public_jwk(x: str, kid: str) -> dict[str, str]:
    """The published JWK of one verification key (never any private member)."""
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "use": "sig", "alg": "EdDSA"}
