"""``check_number``: every kind, for ``POST /v1/credentials/validate``."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from tests.checks.documents import HOLDER, TODAY
from tests.registry.build import make_id, make_uscc
from verify.checks import check_number
from verify.domain import CheckStatus, CredentialKind, Holder

K = CredentialKind
VALID = {
    K.PHYSICIAN_QUALIFICATION: "201233110330106198501150020",
    K.PHYSICIAN_PRACTICE: "110330106001234",
    K.LAWYER_PRACTICE: "13301201011012345",
    K.LEGAL_QUALIFICATION: "A20194401060123",
    K.TEACHER_QUALIFICATION: "20103300142001234",
    K.RESIDENT_ID: "330106198501150020",
    K.USCC: "31440000MD0123454E",
    K.TITLE_CERTIFICATE: "2019440100123",
    K.HEALTH_TITLE_QUALIFICATION: "2021310000123456",
    K.EMPLOYMENT_LETTER: "12110108MA01ABCD50",  # a 事业单位's code
}
INVALID = {
    K.PHYSICIAN_QUALIFICATION: ("201233110330106198501150021", "number.embedded_id"),
    K.PHYSICIAN_PRACTICE: ("110330106000000", "number.serial"),
    K.LAWYER_PRACTICE: ("23301201011012345", "number.format"),
    K.LEGAL_QUALIFICATION: ("A20274401060123", "number.year"),
    K.TEACHER_QUALIFICATION: ("20103300182001234", "number.category"),
    K.RESIDENT_ID: ("330106198501150021", "number.checksum"),
    K.USCC: ("31440000MD0123454F", "number.checksum"),
    K.TITLE_CERTIFICATE: ("12345", "number.format"),  # an opaque number: 6-30 characters
    K.HEALTH_TITLE_QUALIFICATION: ("主治医师2021310000", "number.format"),  # letters and digits only
    K.EMPLOYMENT_LETTER: ("12110108MA01ABCD51", "number.checksum"),
}


@pytest.mark.parametrize("kind", list(K))
@pytest.mark.parametrize("holder", [HOLDER, Holder()], ids=["holder", "no-holder"])
def test_valid_numbers(kind: CredentialKind, holder: Holder) -> None:
    report = check_number(kind, VALID[kind], holder, TODAY)
    assert report.valid and report.errors == []
    assert {c.status for c in report.checks} == {CheckStatus.PASS}
    assert report.parsed and json.loads(json.dumps(report.parsed)) == report.parsed
    assert all(c.fields == ("number",) for c in report.checks)


@pytest.mark.parametrize("kind", list(K))
def test_invalid_numbers(kind: CredentialKind) -> None:
    number, code = INVALID[kind]
    report = check_number(kind, number, HOLDER, TODAY)
    assert not report.valid and report.parsed == {}
    assert [e["code"] for e in report.errors] == [code]
    assert [(c.code, c.status) for c in report.checks] == [(code, CheckStatus.FAIL)]


@pytest.mark.parametrize("kind", list(K))
@pytest.mark.parametrize("number", [None, "", "   "])
def test_missing_number_warns_and_is_not_valid(kind: CredentialKind, number: str | None) -> None:
    report = check_number(kind, number, HOLDER, TODAY)
    assert not report.valid
    assert [(c.code, c.status) for c in report.checks] == [("number.format", CheckStatus.WARN)]
    assert "not found" in report.errors[0]["message"]


@pytest.mark.parametrize("kind", list(K))
@pytest.mark.parametrize("junk", [123, b"330106198501150020", "😀" * 20, "x" * 10_000, "٣" * 18, 1.5])
def test_junk_never_raises(kind: CredentialKind, junk: object) -> None:
    report = check_number(kind, junk, HOLDER, TODAY)  # type: ignore[arg-type]
    assert not report.valid and report.errors


@pytest.mark.parametrize(("holder", "code"), [
    (Holder(id_number="110105197804120046"), "number.matches_holder_id"),
    (Holder(gender="男"), "number.matches_holder_gender"),
    (Holder(birth_date=date(1985, 1, 16)), "number.matches_holder_birth_date"),
])
def test_resident_id_vs_holder_fails(holder: Holder, code: str) -> None:
    report = check_number(K.RESIDENT_ID, "330106198501150020", holder, TODAY)
    assert not report.valid
    assert [e["code"] for e in report.errors] == [code]


def test_legacy_id_matches_the_holders_18_digit_form() -> None:
    holder = Holder(id_number=make_id("110105", date(1956, 12, 31), 2))
    report = check_number(K.RESIDENT_ID, "110105561231002", holder, TODAY)
    assert report.valid
    assert {c.code: c.status for c in report.checks}["number.checksum"] is CheckStatus.WARN


@pytest.mark.parametrize(("kind", "number", "code"), [
    (K.RESIDENT_ID, make_id("810000", date(1990, 1, 1)), "number.region"),
    (K.PHYSICIAN_QUALIFICATION, "201233146330106198501150020", "number.category"),
    (K.LEGAL_QUALIFICATION, "A19994401060123", "number.year"),
    (K.USCC, "91110108MA01ABCD0B", "number.org_code"),  # embedded GB 11714 check char wrong
    (K.TEACHER_QUALIFICATION, "20103300149001234", "number.sex_digit"),
])
def test_doubtful_findings_warn_and_stay_valid(kind: CredentialKind, number: str, code: str) -> None:
    report = check_number(kind, number, Holder(), TODAY)
    assert report.valid and report.errors == []
    assert {c.code: c.status for c in report.checks}[code] is CheckStatus.WARN


def test_an_employer_of_another_type_than_12_or_52_warns() -> None:
    report = check_number(K.EMPLOYMENT_LETTER, make_uscc("91"), Holder(), TODAY)
    assert report.valid
    assert {c.code: c.status for c in report.checks}["number.employer_type"] is CheckStatus.WARN
    assert check_number(K.EMPLOYMENT_LETTER, make_uscc("52"), Holder(), TODAY).verdict.value == "valid"


def test_an_opaque_number_says_only_its_characters_were_checked() -> None:
    [only] = check_number(K.TITLE_CERTIFICATE, "粤高职证字第1701234567890号", Holder(), TODAY).checks
    assert only.code == "number.format" and "no national layout" in only.message


def test_uscc_with_letter_department() -> None:
    report = check_number(K.USCC, make_uscc("N2"), Holder(), TODAY)
    assert report.parsed["org_type"]["name"] == "村级集体经济组织"


@pytest.mark.parametrize("kind", list(K))
def test_messages_never_contain_the_number(kind: CredentialKind) -> None:
    holder = Holder(id_number="110105197804120046", gender="男", birth_date=date(1978, 4, 12))
    for number in (VALID[kind], INVALID[kind][0]):
        for check in check_number(kind, number, holder, TODAY).checks:
            assert not re.search("[0-9X]{7,}", check.message)


@pytest.mark.parametrize(("kind", "number", "born", "status"), [
    # 医师资格 2012: at least 18 (by year) in the qualification year, else FAIL
    (K.PHYSICIAN_QUALIFICATION, "201233110" + make_id(birth=date(1994, 12, 31)), None, CheckStatus.PASS),
    (K.PHYSICIAN_QUALIFICATION, "201233110" + make_id(birth=date(1995, 1, 1)), None, CheckStatus.FAIL),
    # 律师执业 first approved 2010: at least 20 (the rule says ~21; a year of slack), else FAIL
    (K.LAWYER_PRACTICE, "13301201011012345", date(1990, 12, 31), CheckStatus.PASS),
    (K.LAWYER_PRACTICE, "13301201011012345", date(1991, 1, 1), CheckStatus.FAIL),
    # 教师资格 2010: under 18 only WARNs
    (K.TEACHER_QUALIFICATION, "20103300142001234", date(1992, 12, 31), CheckStatus.PASS),
    (K.TEACHER_QUALIFICATION, "20103300142001234", date(1993, 1, 1), CheckStatus.WARN),
])
def test_age_boundaries(kind: CredentialKind, number: str, born: date | None, status: CheckStatus) -> None:
    report = check_number(kind, number, Holder(birth_date=born), TODAY)
    assert {c.code: c.status for c in report.checks}["age.plausible"] is status
    assert report.valid is (status is not CheckStatus.FAIL)
