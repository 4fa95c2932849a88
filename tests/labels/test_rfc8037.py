"""RFC 8037 Appendix A known answers: our key encoding, thumbprint (kid) and signatures match."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tests.labels.helpers import ACCOUNT, ISSUER, LIFETIME, NOW, PLATFORM, issue
from verify.labels import Keyring, check_label
from verify.labels.jwk import b64url_decode, b64url_encode, public_jwk, public_x, thumbprint
from verify.labels.key_files import MANIFEST, DirectoryShelf

# RFC 8037 Appendix A (https://www.rfc-editor.org/rfc/rfc8037#appendix-A)
A1_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
A2_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
A3_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
A4_HEADER = "eyJhbGciOiJFZERTQSJ9"  # {"alg":"EdDSA"}
A4_PAYLOAD = "RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"  # "Example of Ed25519 signing"
A4_SIGNATURE = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
A4_JWS = f"{A4_HEADER}.{A4_PAYLOAD}.{A4_SIGNATURE}"


def vector_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(b64url_decode(A1_D))


def test_a1_a2_public_key_from_private_key() -> None:
    assert public_x(vector_key().public_key()) == A2_X


def test_a3_thumbprint() -> None:
    assert thumbprint(A2_X) == A3_THUMBPRINT


def test_a4_signature_is_exactly_the_published_one() -> None:
    assert json.loads(b64url_decode(A4_HEADER)) == {"alg": "EdDSA"}
    assert b64url_decode(A4_PAYLOAD) == b"Example of Ed25519 signing"
    signature = vector_key().sign(f"{A4_HEADER}.{A4_PAYLOAD}".encode())
    assert b64url_encode(signature) == A4_SIGNATURE


def test_a5_verification_with_the_public_jwk() -> None:
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(A2_X))
    public.verify(b64url_decode(A4_SIGNATURE), f"{A4_HEADER}.{A4_PAYLOAD}".encode())
    key = jwt.PyJWK(public_jwk(A2_X, A3_THUMBPRINT))
    assert jwt.api_jws.decode(A4_JWS, key, algorithms=["EdDSA"]) == b"Example of Ed25519 signing"


def _vector_keyring(directory: Path) -> Keyring:
    """A development keyring whose only key is the RFC 8037 A.1 key, written in our on-disk format."""
    directory.mkdir()
    pem = vector_key().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (directory / f"{A3_THUMBPRINT}.pem").write_bytes(pem)
    record = {"kid": A3_THUMBPRINT, "x": A2_X, "created_at": NOW.isoformat(), "retired_at": None,
              "file": f"{A3_THUMBPRINT}.pem", "encrypted": False}
    (directory / MANIFEST).write_text(json.dumps({"format": 1, "keys": [record]}))
    return Keyring.open(DirectoryShelf(directory), None)


def test_keyring_kid_and_jwks_follow_the_vectors(tmp_path: Path) -> None:
    ring = _vector_keyring(tmp_path / "keys")
    assert ring.current.kid == A3_THUMBPRINT
    assert ring.jwks(NOW, LIFETIME)["keys"] == [
        {"kty": "OKP", "crv": "Ed25519", "x": A2_X, "kid": A3_THUMBPRINT, "use": "sig", "alg": "EdDSA"}
    ]
    token = issue(ring)
    assert jwt.get_unverified_header(token)["kid"] == A3_THUMBPRINT
    assert check_label(ring, token, issuer=ISSUER, now=NOW, account_id=ACCOUNT, platform=PLATFORM).valid


def test_the_bare_a4_token_is_not_a_label(tmp_path: Path) -> None:
    """Signed by our key but untyped and without a kid: refused before any signature work."""
    ring = _vector_keyring(tmp_path / "keys")
    result = check_label(ring, A4_JWS, issuer=ISSUER, now=NOW)
    assert (result.valid, result.reason, result.detail) == (False, "malformed", "wrong_type")
