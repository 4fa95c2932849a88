"""律师执业证 cross-field rules (docs/registry-rules.md#lawyer-practice-rules)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.checks.documents import DOCUMENTS, HOLDER, TODAY
from tests.registry.build import make_id
from verify.checks import check_credential
from verify.domain import CheckStatus, CredentialKind, Holder

LAWYER = CredentialKind.LAWYER_PRACTICE
PASS, FAIL, WARN = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.WARN


def result(holder: Holder = HOLDER, **changes: str) -> dict[str, CheckStatus]:
    return {c.code: c.status for c in check_credential(LAWYER, DOCUMENTS[LAWYER] | changes, holder, TODAY)}


def test_sex_digit_must_match_the_id_and_the_printed_gender() -> None:
    checks = result(number="13301201010012345")  # sex digit 0 = 男; the ID and 性别 say 女
    assert checks["id_number.matches_number"] is FAIL
    assert checks["gender.matches_number"] is FAIL
    assert checks["number.matches_holder_gender"] is FAIL
    assert checks["gender.matches_id"] is PASS


@pytest.mark.parametrize(("printed", "status"), [
    ("专职律师", PASS), ("专职", PASS), ("兼职律师", FAIL), ("公司律师", FAIL), ("实习律师", WARN),
])
def test_category_digit_vs_printed_category(printed: str, status: CheckStatus) -> None:
    assert result(category=printed)["category.matches_number"] is status


@pytest.mark.parametrize(("changes", "code", "status"), [
    ({"issue_date": "2009-05-01"}, "issue_date.after_number_year", FAIL),
    ({"issue_date": "2010-05-01"}, "issue_date.after_number_year", PASS),
    ({"issuer": "广东省司法厅"}, "issuer.region_matches", WARN),
    ({"issuer": "杭州市司法局"}, "issuer.region_matches", PASS),
    ({"qualification_number": "1234567890"}, "qualification_number.format", WARN),
    ({"number": "13399201011012345"}, "number.region", WARN),
    ({"number": "13301201001012345"}, "number.category", WARN),  # category 0: UNCONFIRMED
    ({"number": "13301202611012345"}, "number.year", FAIL),
    ({"number": "13301201012012345"}, "number.sex_digit", FAIL),
])
def test_lawyer_rules(changes: dict[str, str], code: str, status: CheckStatus) -> None:
    assert result(**changes)[code] is status


def test_too_young_in_the_first_approval_year() -> None:
    young = make_id(birth=date(1995, 1, 1), seq=2)
    assert result(Holder(), id_number=young)["age.plausible"] is FAIL
    assert result(Holder(birth_date=date(1995, 1, 1)))["age.plausible"] is FAIL
    assert result(Holder(birth_date=date(1990, 1, 1)))["age.plausible"] is PASS
