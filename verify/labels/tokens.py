"""Domain labels as compact JWS (RFC 7515) signed with Ed25519 (``alg`` ``EdDSA``, RFC 8037).

A label's header is ``{"alg": "EdDSA", "kid": <RFC 7638 thumbprint>, "typ": "vnd.verify.label+jwt"}``;
its claims are ``iss, sub`` (account id), ``aud`` and ``platform`` (the platform), ``jti``
(label id), ``iat, nbf, exp``, ``vct``, ``kind``, ``vocab``, ``domain``, ``title``, ``display``
and ``scope``, ``department`` and ``institution`` (an organisation, never a person) when there are. No
personal data: no name, no ID number, no document text.
Any standard JOSE library verifies it with the keys from the JWKS.

:func:`check_label` is the hot path. It never raises on any token and refuses, in this
order (RFC 8725 defences; ``detail`` names the finer rule for logs and metrics):

==================  ==============================================================================
reason              when
==================  ==============================================================================
malformed           over 4 KiB (before any decoding), not three base64url segments, header or payload
                    not a JSON object (or with duplicate members), ``alg`` missing, a key-source
                    header (``jku``, ``x5u``, ``jwk``, ``x5c``) or ``crit``, a wrong ``typ``,
                    ``kid`` missing or not a string, a required claim missing or mistyped, ``iss``
                    not exactly ours
alg_not_allowed     ``alg`` other than ``EdDSA`` (``none``, ``HS256``, ``RS256``, ``Ed25519`` ...)
unknown_key         ``kid`` not one of our keys (it is only ever a dictionary key)
bad_signature       the signature does not verify over the exact header and payload text
expired             ``exp`` passed, or ``nbf``/``iat`` still ahead (detail ``not_yet_valid``), with leeway
wrong_account       ``sub`` is not the account asked about
wrong_platform      ``aud``/``platform`` is not the platform asking
==================  ==============================================================================

``revoked`` is decided by the caller from ``jti`` (or the ``status`` claim's Token Status List entry).

The check runs in two steps so that the expensive one can be cached: :func:`verify_token`
(size, shape, header, key, signature, claim types: the same for every caller and moment)
and :func:`judge_claims` (issuer, time, account, platform: per request).

>>> import tempfile
>>> from datetime import UTC, datetime, timedelta
>>> from pathlib import Path
>>> from verify.labels.key_files import DirectoryShelf
>>> from verify.labels.table import label_text
>>> at = datetime(2025, 6, 1, tzinfo=UTC)
>>> with tempfile.TemporaryDirectory() as d:
...     ring = Keyring.open(DirectoryShelf(Path(d)), None, now=at)
...     text = label_text(CredentialKind.LAWYER_PRACTICE, {"category": "专职律师"})
...     token = issue_label(ring, issuer="https://verify.example", platform="p", account_id="a1",
...                         label_id="l1", kind=CredentialKind.LAWYER_PRACTICE, text=text,
...                         issued_at=at, expires_at=at + timedelta(days=180))
...     ok = check_label(ring, token, issuer="https://verify.example", now=at, platform="p")
...     moved = check_label(ring, token, issuer="https://verify.example", now=at, account_id="a2")
>>> ok.valid, ok.claims["display"], moved.reason
(True, '法律 · 专职律师', <Reason.WRONG_ACCOUNT: 'wrong_account'>)
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature

from verify.domain import CredentialKind
from verify.labels.errors import LabelError
from verify.labels.jwk import b64url_decode, b64url_encode
from verify.labels.keyring import Keyring
from verify.labels.table import LABEL_TABLE_VERSION, LabelText

ALGORITHM = "EdDSA"
LABEL_TYP = "vnd.verify.label+jwt"
LABEL_VCT = "https://verify.example/vct/domain-label/v1"
MAX_TOKEN_BYTES = 4096
REQUIRED_CLAIMS = ("iss", "sub", "aud", "jti", "iat", "exp")
#: Header parameters we never honour: key sources (RFC 8725 §3.10), extensions (``crit``, RFC 7515 §4.1.11).
FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "jwk", "x5c", "crit", "b64", "zip", "enc"})

_SHAPE = re.compile(rb"([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)")
_TYPES = frozenset({LABEL_TYP, "application/" + LABEL_TYP})
_MAX_TIME = 2**53
_SIGNATURE_CHARS = 86  # 64 bytes, unpadded base64url
_SIGNATURE_LAST = b"AQgw"  # the last character of a canonical encoding of 64 bytes carries 2 bits
#: Header segments that passed every header rule in a token whose signature then verified, with their
#: ``kid``: our own few headers (one per key), so a new token's header is not decoded again. The key
#: is still looked up for every token; the rules never depend on the keyring, so the memo is global.
_good_headers: dict[bytes, str] = {}
_GOOD_HEADERS_LIMIT = 64


class Reason(StrEnum):
    """Why a label is not valid (the API's ``reason``)."""

    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_KEY = "unknown_key"
    ALG_NOT_ALLOWED = "alg_not_allowed"
    EXPIRED = "expired"
    REVOKED = "revoked"
    WRONG_ACCOUNT = "wrong_account"
    WRONG_PLATFORM = "wrong_platform"


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of checking one token.

    ``claims`` is set once the signature verified (also when the label is then refused for
    time, account or platform); ``kid`` once it named one of our keys; ``detail`` is a finer
    code for logs (e.g. ``crit_unsupported``, ``wrong_issuer``, ``not_yet_valid``).
    """

    valid: bool
    reason: str | None
    claims: dict[str, Any] | None
    kid: str | None
    detail: str | None = None


def issue_label(
    keyring: Keyring,
    *,
    issuer: str,
    platform: str,
    account_id: str,
    label_id: str,
    kind: CredentialKind,
    text: LabelText,
    issued_at: datetime,
    expires_at: datetime,
    status: Mapping[str, Any] | None = None,
) -> str:
    """Sign a label with the keyring's current key (reloaded first if another process rotated it).

    ``status`` is the label's ``status`` claim, e.g. ``{"status_list": {"idx": 7, "uri": ...}}``
    (draft-ietf-oauth-status-list §6.2). Raises :class:`LabelError` for an empty identifier,
    a naive or inverted time span, or a label that would exceed ``MAX_TOKEN_BYTES``.
    """
    for name, value in (("issuer", issuer), ("platform", platform), ("account_id", account_id),
                        ("label_id", label_id)):
        if not isinstance(value, str) or not value:
            raise LabelError(f"A label needs a non-empty {name}.")
    iat, exp = _numeric_date(issued_at), _numeric_date(expires_at)
    if exp <= iat:
        raise LabelError("A label must expire after it is issued.")
    claims: dict[str, Any] = {
        "iss": issuer, "sub": account_id, "aud": platform, "platform": platform, "jti": label_id,
        "iat": iat, "nbf": iat, "exp": exp, "vct": LABEL_VCT, "kind": str(kind), "vocab": LABEL_TABLE_VERSION,
        "domain": text.domain, "title": text.title, "display": text.display,
    }
    if text.scope:
        claims["scope"] = text.scope
    if text.department:
        claims["department"] = text.department
    if text.institution:
        claims["institution"] = text.institution
    if status is not None:
        claims["status"] = dict(status)
    token = sign_jwt(keyring, LABEL_TYP, claims)
    if len(token) > MAX_TOKEN_BYTES:
        raise LabelError(f"The label would be {len(token)} bytes, over the {MAX_TOKEN_BYTES}-byte limit.")
    return token


def sign_jwt(keyring: Keyring, typ: str, claims: Mapping[str, Any]) -> str:
    """A compact JWS of ``claims`` with header ``{alg: EdDSA, kid, typ}``, signed by the current key.

    The keyring is reloaded first if another process rotated it.
    """
    keyring.reload_if_changed()
    signing = keyring.current
    header = {"alg": ALGORITHM, "kid": signing.kid, "typ": typ}
    signing_input = f"{_segment(header)}.{_segment(claims)}"
    signature = signing.private_key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"


def resign(keyring: Keyring, token: str) -> str:
    """``token`` (one of our labels, read from our own store) signed again by the current key, claims unchanged.

    For a key compromise: the label keeps its id, status index, times and text; only ``kid`` and
    the signature change.
    """
    claims = json.loads(b64url_decode(token.split(".")[1]))
    return sign_jwt(keyring, LABEL_TYP, claims)


def check_label(
    keyring: Keyring,
    token: str | bytes,
    *,
    issuer: str,
    now: datetime,
    account_id: str | None = None,
    platform: str | None = None,
    leeway: timedelta = timedelta(seconds=60),
) -> TokenCheck:
    """Check a label token at time ``now``; never raises on any ``token`` (see the module table).

    ``account_id`` and ``platform``, when given, must match ``sub`` and ``aud``/``platform``.
    Raises ``ValueError`` only for a naive ``now`` (a programming error, not input).
    """
    at = _numeric_time(now)
    verified = verify_token(keyring, token)
    if not verified.valid:
        return verified
    assert verified.claims is not None and verified.kid is not None
    return judge_claims(verified.claims, verified.kid, issuer=issuer, at=at, account_id=account_id,
                        platform=platform, leeway=leeway)


def verify_token(keyring: Keyring, token: str | bytes) -> TokenCheck:
    """The first, cacheable step of :func:`check_label`: shape, header, key, signature and claim types.

    ``valid`` means only that the token is one of ours, intact and well-formed; it says
    nothing yet about issuer, time, account or platform. Never raises on any ``token``.
    """
    try:
        return _verify(keyring, token)
    except Exception:  # the contract: any input gets an answer; a crash here would be a 500
        return _refuse(Reason.MALFORMED, "unreadable")


def judge_claims(claims: dict[str, Any], kid: str, *, issuer: str, at: float, account_id: str | None = None,
                 platform: str | None = None, leeway: timedelta = timedelta(seconds=60)) -> TokenCheck:
    """The second, per-request step of :func:`check_label` over verified ``claims`` at time ``at``.

    ``at`` is seconds since the epoch. Refuses in the module table's order: issuer
    (``malformed``), time, account, platform.
    """
    slack = leeway.total_seconds()
    if claims["iss"] != issuer:
        return _refuse(Reason.MALFORMED, "wrong_issuer", kid=kid, claims=claims)
    if at > claims["exp"] + slack:
        return _refuse(Reason.EXPIRED, "expired", kid=kid, claims=claims)
    if at + slack < max(claims["iat"], claims.get("nbf", claims["iat"])):
        return _refuse(Reason.EXPIRED, "not_yet_valid", kid=kid, claims=claims)
    if account_id is not None and claims["sub"] != account_id:
        return _refuse(Reason.WRONG_ACCOUNT, "wrong_account", kid=kid, claims=claims)
    if platform is not None and not _for_platform(claims, platform):
        return _refuse(Reason.WRONG_PLATFORM, "wrong_audience", kid=kid, claims=claims)
    return TokenCheck(True, None, claims, kid)


def _verify(keyring: Keyring, token: object) -> TokenCheck:
    raw = _token_bytes(token)
    if raw is None:
        return _refuse(Reason.MALFORMED, "too_large_or_not_text")
    shape = _SHAPE.fullmatch(raw)
    if shape is None:
        return _refuse(Reason.MALFORMED, "not_compact_jws")
    header_b64, payload_b64, signature_b64 = shape.groups()
    kid = _good_headers.get(header_b64)
    if kid is None:
        refused = _header_refusal(header_b64)
        if isinstance(refused, TokenCheck):
            return refused
        kid = refused
    key = keyring.public_key(kid)
    if key is None:
        return _refuse(Reason.UNKNOWN_KEY, "unknown_kid")
    if len(signature_b64) != _SIGNATURE_CHARS or signature_b64[-1] not in _SIGNATURE_LAST:
        return _refuse(Reason.BAD_SIGNATURE, "bad_signature", kid=kid)
    try:
        key.verify(b64url_decode(signature_b64), header_b64 + b"." + payload_b64)
    except InvalidSignature:
        return _refuse(Reason.BAD_SIGNATURE, "bad_signature", kid=kid)
    claims = _json_object(payload_b64)
    if claims is None:
        return _refuse(Reason.MALFORMED, "bad_payload", kid=kid)
    problem = _claims_problem(claims)
    if problem:
        return _refuse(Reason.MALFORMED, problem, kid=kid)
    if len(_good_headers) < _GOOD_HEADERS_LIMIT:
        _good_headers[header_b64] = kid
    return TokenCheck(True, None, claims, kid)


def _header_refusal(header_b64: bytes) -> TokenCheck | str:
    """The refusal a header segment earns under the module table's rules, or its ``kid`` if it passes."""
    header = _json_object(header_b64)
    if header is None:
        return _refuse(Reason.MALFORMED, "bad_header")
    if "alg" not in header:
        return _refuse(Reason.MALFORMED, "missing_alg")
    if header["alg"] != ALGORITHM:
        return _refuse(Reason.ALG_NOT_ALLOWED, "alg_not_allowed")
    forbidden = FORBIDDEN_HEADERS.intersection(header)
    if forbidden:
        return _refuse(Reason.MALFORMED, "crit_unsupported" if "crit" in forbidden else "header_not_allowed")
    typ = header.get("typ")
    if not isinstance(typ, str) or typ.lower() not in _TYPES:
        return _refuse(Reason.MALFORMED, "wrong_type")
    kid = header.get("kid")
    if not isinstance(kid, str):
        return _refuse(Reason.MALFORMED, "missing_kid")
    return kid


def _refuse(reason: Reason, detail: str, *, kid: str | None = None,
            claims: dict[str, Any] | None = None) -> TokenCheck:
    return TokenCheck(False, reason, claims, kid, detail)


def _token_bytes(token: object) -> bytes | None:
    """The token as ASCII bytes, or None if it is not text or is over the size cap."""
    if isinstance(token, str):
        if len(token) > MAX_TOKEN_BYTES or not token.isascii():
            return None
        return token.encode("ascii")
    if isinstance(token, bytes | bytearray | memoryview):
        view = memoryview(token)
        return None if view.nbytes > MAX_TOKEN_BYTES else view.tobytes()
    return None


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise ValueError("duplicate member")
    return members


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_members, parse_constant=_reject_constant)


def _json_object(segment: bytes) -> dict[str, Any] | None:
    """Decode a base64url segment (charset already checked) holding a UTF-8 JSON object, or None.

    Duplicate members, ``NaN``/``Infinity`` and non-UTF-8 text are refused (RFC 8725 §2.6).
    """
    try:
        data = base64.urlsafe_b64decode(segment + b"=" * (-len(segment) % 4))
        value = _DECODER.decode(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _is_number(value: object) -> bool:
    """A JSON number usable as a NumericDate (not a bool, not huge, not infinite)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and -_MAX_TIME < value < _MAX_TIME


def _claims_problem(claims: dict[str, Any]) -> str | None:
    """A finer code if a required claim is missing or of the wrong type, else None."""
    if any(name not in claims for name in REQUIRED_CLAIMS):
        return "missing_claim"
    if not all(isinstance(claims[name], str) for name in ("iss", "sub", "jti")):
        return "bad_claim"
    if not all(_is_number(claims[name]) for name in ("iat", "exp")):
        return "bad_claim"
    if "nbf" in claims and not _is_number(claims["nbf"]):
        return "bad_claim"
    aud = claims["aud"]
    if not (isinstance(aud, str) or (isinstance(aud, list) and all(isinstance(a, str) for a in aud))):
        return "bad_claim"
    return None


def _for_platform(claims: dict[str, Any], platform: str) -> bool:
    aud = claims["aud"]
    audience_ok = aud == platform if isinstance(aud, str) else platform in aud
    return audience_ok and claims.get("platform", platform) == platform


def _segment(value: Mapping[str, Any]) -> str:
    return b64url_encode(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _numeric_time(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError("Times must be timezone-aware.")
    return moment.timestamp()


def _numeric_date(moment: datetime) -> int:
    """RFC 7519 NumericDate: whole seconds since the epoch."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise LabelError("Label times must be timezone-aware datetimes.")
    return int(moment.timestamp())
