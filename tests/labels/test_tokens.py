"""Label tokens: issuance, standard JOSE interoperability and every refusal (RFC 8725 defences)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.labels.helpers import (
    ACCOUNT,
    ISSUER,
    LIFETIME,
    NOW,
    PLATFORM,
    forge,
    good_claims,
    good_header,
    issue,
    segment,
)
from verify.domain import CredentialKind
from verify.labels import (
    LABEL_TABLE_VERSION,
    LABEL_TYP,
    LABEL_VCT,
    MAX_TOKEN_BYTES,
    Keyring,
    LabelError,
    Reason,
    TokenCheck,
    check_label,
    label_text,
)
from verify.labels.jwk import b64url_decode, b64url_encode
from verify.labels.key_files import DirectoryShelf

ED25519_ORDER = 2**252 + 27742317777372353535851937790883648493


def check(keyring: Keyring, token: Any, **options: Any) -> TokenCheck:
    options.setdefault("issuer", ISSUER)
    options.setdefault("now", NOW)
    return check_label(keyring, token, **options)


def refused(result: TokenCheck, reason: str) -> bool:
    return not result.valid and result.reason == reason


def parts(token: str) -> list[str]:
    return token.split(".")


# --- issuance -------------------------------------------------------------------------------------------


def test_a_fresh_label_checks_valid(keyring: Keyring, label: str) -> None:
    result = check(keyring, label, account_id=ACCOUNT, platform=PLATFORM)
    assert result == TokenCheck(True, None, result.claims, keyring.current.kid)


def test_header_and_claims(keyring: Keyring, label: str) -> None:
    header = json.loads(b64url_decode(parts(label)[0]))
    claims = json.loads(b64url_decode(parts(label)[1]))
    assert header == {"alg": "EdDSA", "kid": keyring.current.kid, "typ": LABEL_TYP}
    iat = int(NOW.timestamp())
    assert claims == {
        "iss": ISSUER, "sub": ACCOUNT, "aud": PLATFORM, "platform": PLATFORM, "jti": "lbl_01",
        "iat": iat, "nbf": iat, "exp": iat + int(LIFETIME.total_seconds()),
        "vct": LABEL_VCT, "kind": "physician_practice", "vocab": LABEL_TABLE_VERSION, "domain": "medical",
        "title": "执业医师", "display": "医疗卫生 · 执业医师（临床）", "scope": "临床",
    }
    assert check(keyring, label).claims == claims


def test_a_label_of_vocabulary_1_keeps_verifying_under_a_later_table(keyring: Keyring) -> None:
    assert LABEL_TABLE_VERSION != "1"
    old = forge(good_header(keyring), good_claims(vocab="1"), keyring.current.private_key)
    result = check(keyring, old)
    assert result.valid and result.claims is not None and result.claims["vocab"] == "1"


def test_scope_is_left_out_when_there_is_none(keyring: Keyring) -> None:
    text = label_text(CredentialKind.LAWYER_PRACTICE, {"category": "专职律师"})
    claims = check(keyring, issue(keyring, kind=CredentialKind.LAWYER_PRACTICE, text=text)).claims
    assert claims is not None and "scope" not in claims and claims["display"] == "法律 · 专职律师"


def test_labels_carry_no_personal_data(keyring: Keyring, label: str) -> None:
    claims = check(keyring, label).claims
    assert claims is not None
    assert not {"name", "id_number", "birth_date", "gender", "number", "institution"} & set(claims)


def test_any_jose_library_verifies_a_label(keyring: Keyring) -> None:
    """CONTRACT: plain PyJWT with the published JWK accepts the label (PyJWT reads the real clock)."""
    now = datetime.now(UTC)
    label = issue(keyring, issued_at=now, expires_at=now + LIFETIME)
    jwk = jwt.PyJWK(keyring.jwks(NOW, LIFETIME)["keys"][0])
    claims = jwt.decode(label, jwk, algorithms=["EdDSA"], audience=PLATFORM, issuer=ISSUER,
                        options={"require": ["iss", "sub", "aud", "jti", "iat", "exp"]})
    assert claims["sub"] == ACCOUNT and claims["display"] == "医疗卫生 · 执业医师（临床）"
    assert jwt.get_unverified_header(label)["typ"] == LABEL_TYP
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(label, jwk, algorithms=["EdDSA"], audience="platform-b")


@pytest.mark.parametrize(
    "overrides",
    [
        {"account_id": ""},
        {"platform": ""},
        {"label_id": ""},
        {"issued_at": NOW.replace(tzinfo=None)},
        {"expires_at": NOW},
        {"expires_at": NOW - timedelta(days=1)},
    ],
)
def test_issuing_refuses_bad_arguments(keyring: Keyring, overrides: dict[str, Any]) -> None:
    with pytest.raises(LabelError):
        issue(keyring, **overrides)


def test_issuing_refuses_a_label_over_the_size_cap(keyring: Keyring) -> None:
    with pytest.raises(LabelError, match="limit"):
        issue(keyring, account_id="a" * MAX_TOKEN_BYTES)


def test_rotation_keeps_old_labels_valid_and_signs_with_the_new_key(keyring: Keyring, label: str) -> None:
    old = keyring.current.kid
    new = keyring.rotate(NOW)
    assert check(keyring, label).kid == old
    fresh = issue(keyring)
    assert jwt.get_unverified_header(fresh)["kid"] == new
    assert check(keyring, fresh).valid and check(keyring, label).valid


def test_a_worker_issues_and_checks_with_a_key_rotated_elsewhere(keyring: Keyring, keys_dir: Path) -> None:
    issuing_worker = Keyring.open(DirectoryShelf(keys_dir), b"test-secret-not-for-production")
    new = Keyring.open(DirectoryShelf(keys_dir), b"test-secret-not-for-production").rotate(NOW)  # `signing rotate`
    fresh = issue(issuing_worker)
    assert jwt.get_unverified_header(fresh)["kid"] == new
    assert check(keyring, fresh).valid  # the checking worker had not reloaded yet


# --- algorithm ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_unsecured_tokens_are_refused(keyring: Keyring, alg: str) -> None:
    header = {**good_header(keyring), "alg": alg}
    assert refused(check(keyring, forge(header, good_claims(), None)), "alg_not_allowed")


def _public_key_encodings(keyring: Keyring) -> dict[str, bytes]:
    public = keyring.public_key(keyring.current.kid)
    assert public is not None
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    jwk = keyring.jwks(NOW, LIFETIME)["keys"][0]
    return {
        "raw": raw,
        "x": jwk["x"].encode(),
        "pem": public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
        "der": public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo),
        "ssh": public.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH),
        "jwk": json.dumps(jwk).encode(),
    }


@pytest.mark.parametrize("encoding", ["raw", "x", "pem", "der", "ssh", "jwk"])
def test_hmac_with_our_public_key_as_secret_is_refused(keyring: Keyring, encoding: str) -> None:
    """Algorithm confusion (CVE-2022-29217, CVE-2026-48526): HS256 keyed with the public key."""
    secret = _public_key_encodings(keyring)[encoding]
    header = {**good_header(keyring), "alg": "HS256"}
    token = forge(header, good_claims(), lambda data: hmac.new(secret, data, hashlib.sha256).digest())
    assert refused(check(keyring, token), "alg_not_allowed")


@pytest.mark.parametrize(
    "alg", ["RS256", "ES256", "PS256", "HS512", "Ed25519", "eddsa", "EdDSA ", 0, None, ["EdDSA"]]
)
def test_other_algorithms_are_refused_even_with_a_good_signature(keyring: Keyring, alg: Any) -> None:
    token = forge({**good_header(keyring), "alg": alg}, good_claims(), keyring.current.private_key)
    assert refused(check(keyring, token), "alg_not_allowed")


def test_missing_alg_is_malformed(keyring: Keyring) -> None:
    header = {"kid": keyring.current.kid, "typ": LABEL_TYP}
    assert refused(check(keyring, forge(header, good_claims(), keyring.current.private_key)), "malformed")


# --- key id and key-source headers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kid", ["x" * 43, "../../../../dev/null", "' OR '1'='1", "'; DROP TABLE labels; --", "x" * 2000, ""]
)
def test_unknown_kid_is_only_unknown(keyring: Keyring, kid: str) -> None:
    header = {**good_header(keyring), "kid": kid}
    result = check(keyring, forge(header, good_claims(), keyring.current.private_key))
    assert refused(result, "unknown_key") and result.kid is None


@pytest.mark.parametrize("kid", [None, 1, {"kid": "x"}, ["x"], True])
def test_kid_that_is_not_a_string_is_malformed(keyring: Keyring, kid: Any) -> None:
    header = {**good_header(keyring), "kid": kid}
    assert refused(check(keyring, forge(header, good_claims(), keyring.current.private_key)), "malformed")


def test_missing_kid_is_malformed(keyring: Keyring) -> None:
    header = {"alg": "EdDSA", "typ": LABEL_TYP}
    assert refused(check(keyring, forge(header, good_claims(), keyring.current.private_key)), "malformed")


def test_a_key_outside_our_keyring_is_unknown(keyring: Keyring) -> None:
    attacker = Ed25519PrivateKey.generate()
    header = {**good_header(keyring), "kid": "attacker"}
    assert refused(check(keyring, forge(header, good_claims(), attacker)), "unknown_key")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access during a label check")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("name", ["jku", "x5u", "jwk", "x5c"])
def test_key_source_headers_are_never_followed(keyring: Keyring, name: str) -> None:
    attacker = Ed25519PrivateKey.generate()
    x = b64url_encode(attacker.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    values = {"jku": "https://attacker.example/jwks.json", "x5u": "https://attacker.example/cert.pem",
              "jwk": {"kty": "OKP", "crv": "Ed25519", "x": x}, "x5c": ["MIIB"]}
    for signer in (attacker, keyring.current.private_key):
        header = {**good_header(keyring), name: values[name]}
        result = check(keyring, forge(header, good_claims(), signer))
        assert refused(result, "malformed") and result.detail == "header_not_allowed"


@pytest.mark.parametrize("crit", [["exp"], ["x-foo"], []])
def test_crit_is_refused(keyring: Keyring, crit: list[str]) -> None:
    header = {**good_header(keyring), "crit": crit, "x-foo": 1}
    result = check(keyring, forge(header, good_claims(), keyring.current.private_key))
    assert refused(result, "malformed") and result.detail == "crit_unsupported"


@pytest.mark.parametrize("typ", [..., "JWT", "at+jwt", "vnd.verify.label", "", 5, None])
def test_wrong_type_is_malformed(keyring: Keyring, typ: Any) -> None:
    header = {name: value for name, value in {**good_header(keyring), "typ": typ}.items() if value is not ...}
    result = check(keyring, forge(header, good_claims(), keyring.current.private_key))
    assert refused(result, "malformed") and result.detail == "wrong_type"


@pytest.mark.parametrize("typ", ["application/vnd.verify.label+jwt", "VND.Verify.Label+JWT"])
def test_type_matches_as_a_media_type(keyring: Keyring, typ: str) -> None:
    header = {**good_header(keyring), "typ": typ}
    assert check(keyring, forge(header, good_claims(), keyring.current.private_key)).valid


# --- structure and size ---------------------------------------------------------------------------------


def test_oversized_tokens_are_refused_before_parsing(keyring: Keyring, label: str) -> None:
    huge = label + "A" * (1024 * 1024)
    started = time.perf_counter()
    result = check(keyring, huge)
    assert time.perf_counter() - started < 0.01
    assert refused(result, "malformed")
    padded = forge(good_header(keyring), good_claims(pad="x" * MAX_TOKEN_BYTES), keyring.current.private_key)
    assert refused(check(keyring, padded), "malformed")
    assert refused(check(keyring, huge.encode()), "malformed")


def test_bytes_bytearray_and_memoryview_are_accepted(keyring: Keyring, label: str) -> None:
    for token in (label.encode(), bytearray(label.encode()), memoryview(label.encode())):
        assert check(keyring, token).valid


def _structure_cases(label: str) -> dict[str, Any]:
    h, p, s = parts(label)
    bad_headers = {
        "header array": segment([1, 2]),
        "header string": segment(b'"EdDSA"'),
        "header not json": segment(b"{alg:EdDSA}"),
        "header not utf-8": segment(b"\xff\xfe{}"),
        "header utf-16": segment(json.dumps({"alg": "EdDSA"}).encode("utf-16")),
        "header NaN": segment(b'{"alg":"EdDSA","x":NaN}'),
        "header 1 mod 4": "AAAAA",
        "deep nesting": segment(b"[" * 1500 + b"]" * 1500),
    }
    return {
        "two segments": f"{h}.{p}",
        "four segments": f"{h}.{p}.{s}.{s}",
        "five segments (JWE)": f"{h}.{p}.{s}.{s}.{s}",
        "padding": f"{h}==.{p}.{s}",
        "standard base64": f"{h}.{p}.{s}".replace("_", "/").replace("-", "+") + "+/",
        "whitespace": f"{h}. {p}.{s}",
        "newline": f"{h}.{p}.{s}\n",
        "not ascii": f"{h}.{p}.{s}é",
        "empty": "",
        "dots": "..",
        **{name: f"{header}.{p}.{s}" for name, header in bad_headers.items()},
        "None": None,
        "int": 12345,
        "list": [label],
        "dict": {"token": label},
    }


def test_duplicate_header_members_are_malformed(keyring: Keyring, label: str) -> None:
    kid = keyring.current.kid
    header = f'{{"alg":"none","alg":"EdDSA","kid":"{kid}","typ":"{LABEL_TYP}"}}'.encode()
    signing_input = f"{segment(header)}.{parts(label)[1]}"
    signature = b64url_encode(keyring.current.private_key.sign(signing_input.encode()))
    assert refused(check(keyring, f"{signing_input}.{signature}"), "malformed")


def test_duplicate_claims_are_malformed(keyring: Keyring) -> None:
    claims = json.dumps(good_claims())[:-1] + ',"sub":"someone-else"}'
    token = forge(good_header(keyring), claims.encode(), keyring.current.private_key)
    assert refused(check(keyring, token), "malformed")


# --- claims ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("claim", ["iss", "sub", "aud", "jti", "iat", "exp"])
def test_required_claims(keyring: Keyring, claim: str) -> None:
    token = forge(good_header(keyring), good_claims(**{claim: ...}), keyring.current.private_key)
    result = check(keyring, token)
    assert refused(result, "malformed") and result.detail == "missing_claim"


@pytest.mark.parametrize(
    "changes",
    [{"iss": 1}, {"sub": None}, {"jti": 7}, {"aud": 3}, {"aud": [PLATFORM, 4]}, {"exp": "soon"},
     {"exp": True}, {"iat": None}, {"nbf": "now"}, {"exp": 10**30}, {"exp": 1e400}],
)
def test_mistyped_claims_are_malformed(keyring: Keyring, changes: dict[str, Any]) -> None:
    token = forge(good_header(keyring), good_claims(**changes), keyring.current.private_key)
    assert refused(check(keyring, token), "malformed")


def test_payload_that_is_not_an_object_is_malformed(keyring: Keyring) -> None:
    token = forge(good_header(keyring), [good_claims()], keyring.current.private_key)
    assert refused(check(keyring, token), "malformed")


@pytest.mark.parametrize(
    "iss", ["https://verify.example.evil", "https://verify.example/", "verify.example", "https://verify",
            "HTTPS://VERIFY.EXAMPLE", "https://verify.exampl"],
)
def test_issuer_must_match_exactly(keyring: Keyring, iss: str) -> None:
    token = forge(good_header(keyring), good_claims(iss=iss), keyring.current.private_key)
    result = check(keyring, token)
    assert refused(result, "malformed") and result.detail == "wrong_issuer"


# --- time -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exp_offset", "valid"), [(-61, False), (-60, True), (-59, True), (3600, True)]
)
def test_expiry_with_leeway(keyring: Keyring, exp_offset: int, valid: bool) -> None:
    iat = int(NOW.timestamp())
    token = forge(good_header(keyring), good_claims(iat=iat - 7200, nbf=iat - 7200, exp=iat + exp_offset),
                  keyring.current.private_key)
    result = check(keyring, token)
    assert result.valid is valid
    if not valid:
        assert result.reason == "expired" and result.claims is not None


@pytest.mark.parametrize(("claim", "offset"), [("nbf", 120), ("iat", 120), ("iat", 86400 * 365)])
def test_not_yet_valid(keyring: Keyring, claim: str, offset: int) -> None:
    iat = int(NOW.timestamp())
    token = forge(good_header(keyring), good_claims(**{claim: iat + offset}), keyring.current.private_key)
    result = check(keyring, token)
    assert refused(result, "expired") and result.detail == "not_yet_valid"


def test_leeway_is_a_parameter(keyring: Keyring, label: str) -> None:
    after = NOW + LIFETIME + timedelta(seconds=30)
    assert check(keyring, label, now=after).valid
    assert refused(check(keyring, label, now=after, leeway=timedelta(0)), "expired")
    assert refused(check(keyring, label, now=NOW - timedelta(seconds=61)), "expired")


def test_time_is_never_read_inside(keyring: Keyring, label: str) -> None:
    assert refused(check(keyring, label, now=NOW + timedelta(days=365)), "expired")


def test_naive_now_is_a_programming_error(keyring: Keyring, label: str) -> None:
    with pytest.raises(ValueError, match="timezone"):
        check(keyring, label, now=NOW.replace(tzinfo=None))


# --- tampering ------------------------------------------------------------------------------------------


def test_every_single_bit_flip_of_the_signature_is_a_bad_signature(keyring: Keyring, label: str) -> None:
    h, p, s = parts(label)
    signature = b64url_decode(s)
    for bit in range(len(signature) * 8):
        flipped = bytearray(signature)
        flipped[bit // 8] ^= 1 << (bit % 8)
        assert refused(check(keyring, f"{h}.{p}.{b64url_encode(bytes(flipped))}"), "bad_signature"), bit


def test_signature_shape_errors_are_bad_signatures(keyring: Keyring, label: str) -> None:
    h, p, s = parts(label)
    signature = b64url_decode(s)
    r, big_s = signature[:32], int.from_bytes(signature[32:], "little")
    malleated = r + (big_s + ED25519_ORDER).to_bytes(32, "little")
    cases = {
        "truncated": b64url_encode(signature[:63]),
        "long": b64url_encode(signature + b"\0"),
        "S + L": b64url_encode(malleated),
        "zero": b64url_encode(bytes(64)),
        "empty": "",
        "non-canonical base64": s[:-1] + chr(ord(s[-1]) + 1),
    }
    for name, bad in cases.items():
        assert refused(check(keyring, f"{h}.{p}.{bad}"), "bad_signature"), name


@pytest.mark.parametrize(
    "changes", [{"sub": "account-43"}, {"title": "主任医师"}, {"exp": 2**40}, {"aud": "platform-b"}]
)
def test_altered_payload_is_a_bad_signature(keyring: Keyring, label: str, changes: dict[str, Any]) -> None:
    h, p, s = parts(label)
    claims = {**json.loads(b64url_decode(p)), **changes}
    assert refused(check(keyring, f"{h}.{segment(claims)}.{s}"), "bad_signature")


def test_altered_header_is_a_bad_signature(keyring: Keyring, label: str) -> None:
    h, p, s = parts(label)
    header = {**json.loads(b64url_decode(h)), "extra": 1}
    assert refused(check(keyring, f"{segment(header)}.{p}.{s}"), "bad_signature")


def test_a_label_moved_to_another_account(keyring: Keyring, label: str) -> None:
    result = check(keyring, label, account_id="account-43", platform=PLATFORM)
    assert refused(result, "wrong_account")


def test_a_label_moved_to_another_platform(keyring: Keyring, label: str) -> None:
    result = check(keyring, label, account_id=ACCOUNT, platform="platform-b")
    assert refused(result, "wrong_platform")


def test_platform_claim_must_agree_with_the_audience(keyring: Keyring) -> None:
    token = forge(good_header(keyring), good_claims(aud=[PLATFORM], platform="platform-b"),
                  keyring.current.private_key)
    assert refused(check(keyring, token, platform=PLATFORM), "wrong_platform")
    listed = forge(good_header(keyring), good_claims(aud=[PLATFORM]), keyring.current.private_key)
    assert check(keyring, listed, platform=PLATFORM).valid


def test_reasons_are_the_contract_list() -> None:
    assert {r.value for r in Reason} == {"malformed", "bad_signature", "unknown_key", "alg_not_allowed",
                                         "expired", "revoked", "wrong_account", "wrong_platform"}


# --- robustness -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Keyring, str]:
    """One keyring and label for the property tests (hypothesis runs many examples per test)."""
    ring = Keyring.open(DirectoryShelf(tmp_path_factory.mktemp("shared") / "keys"), None, now=NOW)
    return ring, issue(ring)


@settings(max_examples=300, deadline=None)
@given(junk=st.one_of(st.text(max_size=600), st.binary(max_size=600), st.none(), st.integers()))
def test_junk_never_raises(shared: tuple[Keyring, str], junk: Any) -> None:
    result = check(shared[0], junk)
    assert not result.valid and result.reason in {r.value for r in Reason}


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_single_character_change_invalidates(shared: tuple[Keyring, str], data: st.DataObject) -> None:
    ring, token = shared
    index = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(st.sampled_from("ABCQgwxyz019-_.=+/ é").filter(lambda c: c != token[index]))
    result = check(ring, token[:index] + replacement + token[index + 1:])
    assert not result.valid and result.reason in {r.value for r in Reason}


def test_check_of_a_standard_base64_signature_is_refused(keyring: Keyring, label: str) -> None:
    h, p, s = parts(label)
    standard = base64.b64encode(b64url_decode(s)).decode()
    assert not check(keyring, f"{h}.{p}.{standard}").valid


# --- 64: structure ----------------------------------------------------------------------------------
def test_64_every_malformed_structure_is_refused_as_malformed(tmp_path: Path) -> None:
    keyring = Keyring.open(DirectoryShelf(tmp_path / "keys"), None, now=NOW - timedelta(days=1))
    label = issue(keyring)
    assert check_label(keyring, label, issuer=ISSUER, now=NOW).valid
    reasons = {name: check_label(keyring, token, issuer=ISSUER, now=NOW).reason
               for name, token in _structure_cases(label).items()}
    assert reasons == dict.fromkeys(reasons, "malformed")
