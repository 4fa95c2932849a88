"""The rank and workplace kinds' own checks: title ladders, dates, the employer's code and seal."""

from __future__ import annotations

import pytest

from tests.checks.documents import DOCUMENTS, HOLDER, TODAY
from tests.registry.build import make_uscc
from verify.checks import check_credential
from verify.domain import Check, CheckStatus, CredentialKind

K = CredentialKind
TITLE, HEALTH, LETTER = (DOCUMENTS[k] for k in (K.TITLE_CERTIFICATE, K.HEALTH_TITLE_QUALIFICATION,
                                                 K.EMPLOYMENT_LETTER))


def statuses(checks: list[Check]) -> dict[str, CheckStatus]:
    return {c.code: c.status for c in checks}


@pytest.mark.parametrize(("changes", "code", "status"), [
    ({"grade": "副高级"}, "grade.matches_rank", CheckStatus.FAIL),  # 主任医师 is 正高级
    ({"series": "高等学校教师"}, "series.matches_rank", CheckStatus.FAIL),
    ({"series": "卫生系列"}, "series.matches_rank", CheckStatus.PASS),
    ({"rank": "首席医师"}, "rank.known", CheckStatus.WARN),
    ({"committee": "浙江省卫生中级专业技术资格评审委员会"}, "committee.matches_grade", CheckStatus.WARN),
    ({"approval_date": "2024-02-01"}, "approval_date.not_after_issue", CheckStatus.FAIL),
    ({"approval_date": "2026-01-01", "issue_date": "2026-02-01"}, "approval_date.not_future", CheckStatus.FAIL),
    ({"id_number": "330106198501150021"}, "id_number.checksum", CheckStatus.FAIL),
])
def test_title_certificate_rules(changes: dict[str, str], code: str, status: CheckStatus) -> None:
    assert statuses(check_credential(K.TITLE_CERTIFICATE, TITLE | changes, HOLDER, TODAY))[code] is status


def test_a_number_starting_with_the_approval_year_is_noted_and_one_that_does_not_is_not_held_against_it() -> None:
    assert statuses(check_credential(K.TITLE_CERTIFICATE, TITLE, HOLDER, TODAY))[
        "number.year_matches_approval"] is CheckStatus.PASS
    other = check_credential(K.TITLE_CERTIFICATE, TITLE | {"number": "1100234"}, HOLDER, TODAY)
    assert "number.year_matches_approval" not in statuses(other)
    assert all(c.status is CheckStatus.PASS for c in other)


@pytest.mark.parametrize(("changes", "code", "status"), [
    ({"rank": "主任医师", "grade": "正高级"}, "rank.granted_by_exam", CheckStatus.FAIL),
    ({"grade": "初级"}, "grade.matches_rank", CheckStatus.FAIL),
    ({"issuer": "某某培训中心"}, "issuer.national", CheckStatus.WARN),
    ({"approval_date": "2017-01-01"}, "approval_date.not_after_issue", CheckStatus.FAIL),
])
def test_health_title_rules(changes: dict[str, str], code: str, status: CheckStatus) -> None:
    assert statuses(check_credential(K.HEALTH_TITLE_QUALIFICATION, HEALTH | changes, HOLDER, TODAY))[code] is status


@pytest.mark.parametrize(("changes", "code", "status"), [
    ({"issuer": "杭州市第二人民医院"}, "issuer.matches_institution", CheckStatus.FAIL),
    ({"issuer": "杭州市第一人民医院（盖章）"}, "issuer.matches_institution", CheckStatus.PASS),
    # the seal line read with the date beside it (a grey scan): not a seal's text alone, a person compares
    ({"issuer": "杭州市第一人民医院2025年11月29日主任医师"}, "issuer.matches_institution", CheckStatus.WARN),
    ({"number": make_uscc("91", "330100")}, "number.employer_type", CheckStatus.WARN),
    ({"number": make_uscc("52", "330100")}, "number.employer_type", CheckStatus.PASS),
    ({"number": "12330100MA01ABCD53"}, "number.checksum", CheckStatus.FAIL),
    ({"issue_date": "2024-06-01"}, "issue_date.recent", CheckStatus.WARN),
    ({"issue_date": "2025-07-01"}, "issue_date.not_future", CheckStatus.FAIL),
])
def test_employment_letter_rules(changes: dict[str, str], code: str, status: CheckStatus) -> None:
    assert statuses(check_credential(K.EMPLOYMENT_LETTER, LETTER | changes, HOLDER, TODAY))[code] is status

