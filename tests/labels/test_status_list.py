"""Token Status List encoding against draft-ietf-oauth-status-list's own examples, and the signed list."""

from __future__ import annotations

import base64
import zlib
from datetime import timedelta

import jwt
import pytest
from flask.testing import FlaskClient

from tests.api.test_labels import issue as issue_label
from tests.conftest import bearer
from tests.labels.helpers import ISSUER, NOW, issue
from verify.labels import Keyring, LabelError, check_label
from verify.labels.jwk import public_jwk
from verify.labels.status_list import (
    MAX_DECODED_BYTES,
    STATUS_LIST_TYP,
    Status,
    StatusList,
    build_status_list,
    issue_status_list,
    locate,
    status_list_uri,
)
from verify.services.context import Services

# §4.1: 16 one-bit entries -> bytes b9 a3 -> compressed 78dadbb918000217015d; §4.2: its JSON form.
ONE_BIT = {0: 1, 3: 1, 4: 1, 5: 1, 7: 1, 8: 1, 9: 1, 13: 1, 15: 1}
# §4.1: 12 two-bit entries -> bytes c9 44 f9 -> compressed 78da3be9f2130003df0207.
TWO_BITS = {0: 1, 1: 2, 3: 3, 5: 1, 7: 1, 8: 1, 9: 2, 10: 3, 11: 3}

# Appendix C.1 and C.2: 2^20 entries, all 0 but these; lst as the draft prints it, line by line.
C1_SET = (0, 1993, 25460, 159495, 495669, 554353, 645645, 723232, 854545, 934534, 1000345)
C1_LST = "".join((
    "eNrt3AENwCAMAEGogklACtKQPg9LugC9k_ACvreiogE",
    "AAKkeCQAAAAAAAAAAAAAAAAAAAIBylgQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "AAAAAAAAAAAAAAAAAAAXG9IAAAAAAAAAPwsJAAAAAAAAAAAAAAAvhsSAAAAAAAAAAA",
    "A7KpLAAAAAAAAAAAAAAAAAAAAAJsLCQAAAAAAAAAAADjelAAAAAAAAAAAKjDMAQAAA",
    "ACAZC8L2AEb",
))
C2_SET = {0: 1, 1993: 2, 25460: 1, 159495: 3, 495669: 1, 554353: 1, 645645: 2, 723232: 1, 854545: 1, 934534: 2,
          1000345: 3}
C2_LST = "".join((
    "eNrt2zENACEQAEEuoaBABP5VIO01fCjIHTMStt9ovGV",
    "IAAAAAABAbiEBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEB5WwIAAAAAA",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAID0ugQAAAAAAAAAAAAAAAAAQG12SgAAA",
    "AAAAAAAAAAAAAAAAAAAAAAAAOCSIQEAAAAAAAAAAAAAAAAAAAAAAAD8ExIAAAAAAAA",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwJEuAQAAAAAAAAAAAAAAAAAAAAAAAMB9S",
    "wIAAAAAAAAAAAAAAAAAAACoYUoAAAAAAAAAAAAAAEBqH81gAQw",
))


def filled(size: int, bits: int, entries: dict[int, int]) -> StatusList:
    status_list = StatusList(size, bits)
    for index, value in entries.items():
        status_list[index] = value
    return status_list


def independent_entry(claim: dict, idx: int) -> int:
    """A reader that shares no code with ours: base64url, zlib, then the bits of entry ``idx``."""
    lst, bits = claim["lst"], claim["bits"]
    raw = zlib.decompress(base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4)))
    return (raw[idx * bits // 8] >> (idx * bits % 8)) & ((1 << bits) - 1)


def test_the_drafts_byte_arrays_and_compressed_bytes() -> None:
    one = filled(16, 1, ONE_BIT)
    assert bytes(one.data) == bytes.fromhex("b9a3")
    assert base64.urlsafe_b64decode(one.encode() + "==") == bytes.fromhex("78dadbb918000217015d")
    assert one.as_claim() == {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}
    two = filled(12, 2, TWO_BITS)
    assert bytes(two.data) == bytes.fromhex("c944f9")
    assert base64.urlsafe_b64decode(two.encode() + "=") == bytes.fromhex("78da3be9f2130003df0207")
    assert two.as_claim() == {"bits": 2, "lst": "eNo76fITAAPfAgc"}


@pytest.mark.parametrize(("bits", "entries", "lst"), [
    (1, dict.fromkeys(C1_SET, 1), C1_LST),
    (2, C2_SET, C2_LST),
])
def test_the_drafts_appendix_c_vectors(bits: int, entries: dict[int, int], lst: str) -> None:
    assert filled(1 << 20, bits, entries).encode() == lst
    decoded = StatusList.decode(lst, bits)
    assert decoded.size == 1 << 20
    assert {i: decoded[i] for i in range(decoded.size) if decoded[i]} == entries


def test_entries_are_independent_and_bounded() -> None:
    status_list = StatusList(9)
    status_list[4] = Status.SUSPENDED
    status_list[5] = Status.INVALID
    status_list[4] = Status.VALID
    assert [status_list[i] for i in range(9)] == [0, 0, 0, 0, 0, 1, 0, 0, 0]
    assert len(status_list.data) == 3
    for bad in (-1, 9):
        with pytest.raises(IndexError):
            status_list[bad] = 1
    with pytest.raises(ValueError, match="does not fit"):
        status_list[0] = 4
    with pytest.raises(ValueError):
        StatusList(8, bits=3)


def test_decoding_refuses_garbage_and_bombs() -> None:
    for garbage in ("not base64!", "AAAA", base64.urlsafe_b64encode(zlib.compress(b"\0" * 10)[:-3]).decode()):
        with pytest.raises(ValueError):
            StatusList.decode(garbage.rstrip("="), 2)
    bomb = base64.urlsafe_b64encode(zlib.compress(bytes(MAX_DECODED_BYTES + 1), 9)).decode().rstrip("=")
    with pytest.raises(ValueError, match="size limit"):
        StatusList.decode(bomb, 2)


def test_global_indices_map_to_lists_and_uris() -> None:
    assert locate(0, 16) == (1, 0) and locate(15, 16) == (1, 15) and locate(16, 16) == (2, 0)
    built = build_status_list([(3, Status.INVALID), (17, Status.SUSPENDED), (40, Status.INVALID)], number=2, size=16)
    assert [built[i] for i in range(16)] == [0, 2] + [0] * 14
    assert status_list_uri("https://v.example", 3) == "https://v.example/v1/status-lists/3"


def test_the_signed_list_verifies_with_pyjwt(keyring: Keyring) -> None:
    uri = status_list_uri(ISSUER, 1)
    token = issue_status_list(keyring, issuer=ISSUER, uri=uri, status_list=filled(16, 2, {3: 1, 7: 2}),
                              issued_at=NOW, expires_at=NOW + timedelta(days=1), ttl=300)
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "kid": keyring.current.kid, "typ": STATUS_LIST_TYP}
    record = keyring.records[-1]
    key = jwt.PyJWK(public_jwk(record.x, record.kid)).key
    claims = jwt.decode(token, key, algorithms=["EdDSA"], options={"require": ["sub", "iat", "exp"],
                                                                   "verify_exp": False, "verify_iat": False})
    assert claims["sub"] == uri and claims["ttl"] == 300 and claims["exp"] - claims["iat"] == 86400
    assert [independent_entry(claims["status_list"], i) for i in (2, 3, 7)] == [0, 1, 2]
    assert check_label(keyring, token, issuer=ISSUER, now=NOW).detail == "wrong_type"  # never taken as a label
    with pytest.raises(LabelError):
        issue_status_list(keyring, issuer=ISSUER, uri=uri, status_list=StatusList(8), issued_at=NOW,
                          expires_at=NOW, ttl=300)


def test_a_label_carries_its_status_reference(keyring: Keyring) -> None:
    reference = {"status_list": {"idx": 7, "uri": status_list_uri(ISSUER, 1)}}
    result = check_label(keyring, issue(keyring, status=reference), issuer=ISSUER, now=NOW)
    assert result.valid and result.claims is not None
    assert result.claims["status"] == reference


# --- 58: a status-list token is not a label -----------------------------------------------------------
def test_58_a_status_list_token_signed_by_our_key_is_refused_as_a_label(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    issue_label(services, "typed-1")
    status_list = client.get("/v1/status-lists/1")
    assert status_list.status_code == 200
    token = status_list.get_data(as_text=True)
    answer = client.post("/v1/labels/check", json={"token": token}, headers=bearer(platform_key)).json
    assert answer == {"valid": False, "reason": "malformed", "label": None}
    assert client.get("/v1/verifications", headers=bearer(token)).status_code == 401  # nor an API key
