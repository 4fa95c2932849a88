"""What every certificate kind shares: clean documents pass, missing fields warn, the holder."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.checks.documents import DOCUMENTS, HOLDER, TODAY
from tests.registry.build import make_id
from verify import kinds
from verify.checks import check_credential
from verify.domain import Check, CheckStatus, CredentialKind, Holder

KINDS = list(DOCUMENTS)
K = CredentialKind
#: The 医师资格证书 is issued by a national body: no rule reads its 签发机关. A title's 资格名称 names its
#: series and grade, so 系列 and 级别 are checked where printed, not required; 专业 and the letter's 科室,
#: 职务 and 职称 are compared across the documents of a submission (verify.checks.documents); 批准文号 and a
#: 职称证书's 发证机关 (a 人社厅, a 职改办, a university) have no form to check.
NOT_READ = {(K.PHYSICIAN_QUALIFICATION, "issuer"), (K.TITLE_CERTIFICATE, "series"), (K.TITLE_CERTIFICATE, "grade"),
            (K.TITLE_CERTIFICATE, "specialty"), (K.TITLE_CERTIFICATE, "approval_number"),
            (K.TITLE_CERTIFICATE, "issuer"), (K.HEALTH_TITLE_QUALIFICATION, "specialty"),
            (K.HEALTH_TITLE_QUALIFICATION, "grade"), (K.EMPLOYMENT_LETTER, "department"),
            (K.EMPLOYMENT_LETTER, "position"), (K.EMPLOYMENT_LETTER, "rank")}


def statuses(checks: list[Check]) -> dict[str, CheckStatus]:
    return {c.code: c.status for c in checks}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("holder", [HOLDER, Holder()], ids=["holder", "no-holder"])
def test_a_consistent_document_yields_only_pass(kind: CredentialKind, holder: Holder) -> None:
    checks = check_credential(kind, DOCUMENTS[kind], holder, TODAY)
    assert checks
    assert [c for c in checks if c.status is not CheckStatus.PASS] == []
    assert len({c.code for c in checks}) == len(checks), "codes are unique"


@pytest.mark.parametrize("kind", KINDS)
def test_fields_are_canonical_names(kind: CredentialKind) -> None:
    for check in check_credential(kind, DOCUMENTS[kind], HOLDER, TODAY):
        assert check.fields and set(check.fields) <= set(kinds.DOCUMENTS[kind].fields), check
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", check.code)


READ_FIELDS = [
    (kind, name) for kind in KINDS for name in kinds.DOCUMENTS[kind].fields
    if name not in ("institution", "ethnicity", "subject") and (kind, name) not in NOT_READ
]


@pytest.mark.parametrize(("kind", "name"), READ_FIELDS)
@pytest.mark.parametrize("empty", [None, "", "  "])
def test_a_missing_field_warns_never_fails(kind: CredentialKind, name: str, empty: str | None) -> None:
    fields = {k: v for k, v in DOCUMENTS[kind].items() if k != name}
    if empty is not None:
        fields[name] = empty
    checks = check_credential(kind, fields, HOLDER, TODAY)
    assert [c for c in checks if c.status is CheckStatus.FAIL] == []
    warned = [c for c in checks if c.status is CheckStatus.WARN]
    assert warned and all(name in c.fields for c in warned)
    assert any("not found on the document" in c.message for c in warned)


@pytest.mark.parametrize("kind", KINDS)
def test_name_mismatch_warns_and_spacing_and_dots_are_ignored(kind: CredentialKind) -> None:
    fields = DOCUMENTS[kind] | {"name": "王 芳"}
    assert statuses(check_credential(kind, fields, HOLDER, TODAY))["name.matches_holder"] is CheckStatus.PASS
    dotted = Holder(name="买买提·艾力")
    fields = DOCUMENTS[kind] | {"name": "买买提 • 艾力"}
    assert statuses(check_credential(kind, fields, dotted, TODAY))["name.matches_holder"] is CheckStatus.PASS
    fields = DOCUMENTS[kind] | {"name": "王方"}
    assert statuses(check_credential(kind, fields, HOLDER, TODAY))["name.matches_holder"] is CheckStatus.WARN


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("holder", "code"), [
    (Holder(id_number="110105197804120046"), "id_number.matches_holder"),
    (Holder(gender="男"), "gender.matches_holder"),
])
def test_holder_mismatches_fail(kind: CredentialKind, holder: Holder, code: str) -> None:
    assert statuses(check_credential(kind, DOCUMENTS[kind], holder, TODAY))[code] is CheckStatus.FAIL


@pytest.mark.parametrize("kind", [k for k in KINDS if "birth_date" in kinds.DOCUMENTS[k].fields])
def test_birth_date_mismatches_fail(kind: CredentialKind) -> None:
    result = statuses(check_credential(kind, DOCUMENTS[kind] | {"birth_date": "1985-01-16"}, HOLDER, TODAY))
    assert result["birth_date.matches_id"] is CheckStatus.FAIL
    assert result["birth_date.matches_holder"] is CheckStatus.FAIL


@pytest.mark.parametrize("kind", [k for k in KINDS if "birth_date" in kinds.DOCUMENTS[k].fields])
def test_a_month_only_birth_date_is_compared_by_month(kind: CredentialKind) -> None:
    assert statuses(check_credential(kind, DOCUMENTS[kind] | {"birth_date": "1985-01"}, HOLDER, TODAY))[
        "birth_date.matches_id"] is CheckStatus.PASS
    assert statuses(check_credential(kind, DOCUMENTS[kind] | {"birth_date": "1985-02"}, HOLDER, TODAY))[
        "birth_date.matches_id"] is CheckStatus.FAIL


@pytest.mark.parametrize("kind", KINDS)
def test_printed_gender_must_match_the_id(kind: CredentialKind) -> None:
    result = statuses(check_credential(kind, DOCUMENTS[kind] | {"gender": "男"}, Holder(), TODAY))
    assert result["gender.matches_id"] is CheckStatus.FAIL


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("id_number", "code"), [
    ("330106198501150021", "id_number.checksum"),
    ("33010619850115002", "id_number.format"),
    (make_id(birth=date(2025, 6, 2)), "id_number.date"),
])
def test_an_invalid_printed_id_fails(kind: CredentialKind, id_number: str, code: str) -> None:
    result = statuses(check_credential(kind, DOCUMENTS[kind] | {"id_number": id_number}, Holder(), TODAY))
    assert result[code] is CheckStatus.FAIL
    assert "gender.matches_id" not in result, "rules on an invalid ID number are skipped"


@pytest.mark.parametrize("kind", KINDS)
def test_issue_date_not_in_the_future(kind: CredentialKind) -> None:
    result = statuses(check_credential(kind, DOCUMENTS[kind] | {"issue_date": "2025-06-02"}, HOLDER, TODAY))
    assert result["issue_date.not_future"] is CheckStatus.FAIL
    result = statuses(check_credential(kind, DOCUMENTS[kind] | {"issue_date": "2019-02-30"}, HOLDER, TODAY))
    assert result["issue_date.not_future"] is CheckStatus.WARN


@pytest.mark.parametrize("kind", KINDS)
def test_an_issue_date_read_without_its_day_is_not_approved_on(kind: CredentialKind) -> None:
    # every certificate prints the day: '2014-08' is a misreading of '2014年08月26日'
    full = statuses(check_credential(kind, DOCUMENTS[kind], HOLDER, TODAY))
    partial = DOCUMENTS[kind] | {"issue_date": DOCUMENTS[kind]["issue_date"][:7]}
    result = statuses(check_credential(kind, partial, HOLDER, TODAY))
    assert full["issue_date.not_future"] is CheckStatus.PASS
    assert result["issue_date.not_future"] is CheckStatus.WARN
    future = statuses(check_credential(kind, DOCUMENTS[kind] | {"issue_date": "2025-07"}, HOLDER, TODAY))
    assert future["issue_date.not_future"] is CheckStatus.FAIL


@pytest.mark.parametrize("kind", KINDS)
def test_an_invalid_number_fails_and_its_rules_are_skipped(kind: CredentialKind) -> None:
    number = DOCUMENTS[kind]["number"]
    fields = DOCUMENTS[kind] | {"number": number[:4] if kinds.KINDS[kind].opaque_number else number[:-1]}
    checks = check_credential(kind, fields, HOLDER, TODAY)
    assert statuses(checks)["number.format"] is CheckStatus.FAIL
    assert not [c for c in checks if c.code.endswith("matches_number")]


@pytest.mark.parametrize("kind", KINDS)
def test_messages_never_contain_the_id_or_the_number(kind: CredentialKind) -> None:
    variants = [
        DOCUMENTS[kind], DOCUMENTS[kind] | {"gender": "男", "birth_date": "1990-01-01", "name": "李四"},
        DOCUMENTS[kind] | {"number": DOCUMENTS[kind]["number"][:-1] + "9"},
    ]
    holder = Holder(name="张三", id_number="110105197804120046", gender="男", birth_date=date(1978, 4, 12))
    for fields in variants:
        for check in check_credential(kind, fields, holder, TODAY):
            assert not re.search("[0-9X]{7,}", check.message), check
            assert "王芳" not in check.message and "张三" not in check.message


def test_only_certificate_kinds() -> None:
    with pytest.raises(ValueError, match="certificate"):
        check_credential(CredentialKind.USCC, {}, HOLDER, TODAY)
