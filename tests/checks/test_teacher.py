"""教师资格证书 cross-field rules (docs/registry-rules.md#teacher-qualification-rules)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.checks.documents import DOCUMENTS, HOLDER, TODAY
from tests.registry.build import make_id
from verify.checks import check_credential
from verify.domain import CheckStatus, CredentialKind, Holder

TEACHER = CredentialKind.TEACHER_QUALIFICATION
PASS, FAIL, WARN = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.WARN


def result(holder: Holder = HOLDER, **changes: str) -> dict[str, CheckStatus]:
    return {c.code: c.status for c in check_credential(TEACHER, DOCUMENTS[TEACHER] | changes, holder, TODAY)}


@pytest.mark.parametrize(("printed", "status"), [
    ("高级中学教师资格", PASS), ("高中", PASS), ("高级中学", PASS), ("初级中学教师资格", FAIL),
    ("高等学校教师资格", FAIL), ("中等职业学校实习指导教师资格", FAIL), ("大学老师", WARN),
])
def test_category_digit_vs_printed_category(printed: str, status: CheckStatus) -> None:
    assert result(category=printed)["category.matches_number"] is status


def test_number_year_equals_the_issue_year() -> None:
    assert result(issue_date="2011-01-10")["issue_date.matches_number_year"] is FAIL


def test_sex_digit_only_warns() -> None:
    checks = result(number="20103300141001234")  # from 2009: 1 = 男, but the holder is 女
    assert checks["id_number.matches_number"] is WARN
    assert checks["gender.matches_number"] is WARN
    assert checks["number.matches_holder_gender"] is WARN
    assert FAIL not in checks.values()


def test_pre_2009_sex_digits() -> None:
    checks = result(number="20053300141001234", issue_date="2005-07-01")  # before 2009: 1 = 女
    assert checks["gender.matches_number"] is PASS


def test_unexpected_sex_digit_warns_and_is_not_compared() -> None:
    checks = result(number="20103300149001234")
    assert checks["number.sex_digit"] is WARN
    assert "gender.matches_number" not in checks


@pytest.mark.parametrize(("changes", "code", "status"), [
    ({"issuer": "广东省教育厅"}, "issuer.region_matches", WARN),
    ({"issuer": "浙江大学"}, "issuer.region_matches", PASS),
    ({"number": "20109900142001234"}, "number.region", FAIL),
    ({"number": "20103300182001234"}, "number.category", FAIL),
    ({"number": "19953300142001234"}, "number.year", FAIL),
])
def test_teacher_rules(changes: dict[str, str], code: str, status: CheckStatus) -> None:
    assert result(**changes)[code] is status


def test_age_only_warns() -> None:
    young = make_id(birth=date(1995, 1, 1), seq=2)
    checks = result(Holder(), id_number=young, birth_date="1995-01-01")
    assert checks["age.plausible"] is WARN
