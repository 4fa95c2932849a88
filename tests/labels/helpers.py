"""Shared values and helpers for the labels tests: a fixed clock, label issuing, a token forger."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from verify.domain import CredentialKind
from verify.labels import Keyring, issue_label, label_text
from verify.labels.jwk import b64url_encode

SECRET = b"test-secret-not-for-production"
ISSUER = "https://verify.example"
PLATFORM = "platform-a"
ACCOUNT = "account-42"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
LIFETIME = timedelta(days=180)


def issue(keyring: Keyring, **overrides: Any) -> str:
    arguments: dict[str, Any] = {
        "issuer": ISSUER,
        "platform": PLATFORM,
        "account_id": ACCOUNT,
        "label_id": "lbl_01",
        "kind": CredentialKind.PHYSICIAN_PRACTICE,
        "text": label_text(CredentialKind.PHYSICIAN_PRACTICE, {"level": "执业医师", "category": "临床"}),
        "issued_at": NOW,
        "expires_at": NOW + LIFETIME,
    }
    arguments.update(overrides)
    return issue_label(keyring, **arguments)


def segment(value: Any) -> str:
    """A base64url segment of ``value`` (a dict is JSON-encoded, bytes are taken as they are)."""
    raw = value if isinstance(value, bytes) else json.dumps(value, separators=(",", ":")).encode()
    return b64url_encode(raw)


def good_header(keyring: Keyring) -> dict[str, Any]:
    return {"alg": "EdDSA", "kid": keyring.current.kid, "typ": "vnd.verify.label+jwt"}


def good_claims(**changes: Any) -> dict[str, Any]:
    iat = int(NOW.timestamp())
    claims: dict[str, Any] = {
        "iss": ISSUER, "sub": ACCOUNT, "aud": PLATFORM, "platform": PLATFORM, "jti": "lbl_forged",
        "iat": iat, "nbf": iat, "exp": iat + 3600, "domain": "medical", "title": "执业医师",
        "display": "医疗卫生 · 执业医师（临床）", "kind": "physician_practice", "vocab": "1",
    }
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not ...}


Signer = Callable[[bytes], bytes]


def forge(header: Any, claims: Any, signer: Ed25519PrivateKey | Signer | None) -> str:
    """A compact JWS with these exact header and claims, signed by ``signer`` (None: empty signature)."""
    signing_input = f"{segment(header)}.{segment(claims)}"
    if signer is None:
        return signing_input + "."
    sign = signer.sign if isinstance(signer, Ed25519PrivateKey) else signer
    return f"{signing_input}.{b64url_encode(sign(signing_input.encode()))}"
