"""医师资格证书 and 医师执业证书 cross-field rules."""

from __future__ import annotations

from datetime import date

import pytest

from tests.checks.documents import DOCUMENTS, HOLDER, TODAY
from tests.registry.build import make_id
from verify.checks import check_credential
from verify.domain import CheckStatus, CredentialKind, Holder

QUALIFICATION = CredentialKind.PHYSICIAN_QUALIFICATION
PRACTICE = CredentialKind.PHYSICIAN_PRACTICE
PASS, FAIL, WARN = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.WARN


def result(kind: CredentialKind, holder: Holder = HOLDER, **changes: str) -> dict[str, CheckStatus]:
    return {c.code: c.status for c in check_credential(kind, DOCUMENTS[kind] | changes, holder, TODAY)}


def test_embedded_id_must_equal_the_printed_id() -> None:
    other = make_id(birth=date(1985, 1, 15), seq=4)
    checks = result(QUALIFICATION, id_number=other)
    assert checks["id_number.matches_number"] is FAIL
    assert checks["id_number.matches_holder"] is FAIL


def test_embedded_id_must_be_the_holders() -> None:
    checks = result(QUALIFICATION, holder=Holder(id_number="110105197804120046", gender="男",
                                                 birth_date=date(1978, 4, 12)))
    assert checks["number.matches_holder_id"] is FAIL
    assert checks["number.matches_holder_gender"] is FAIL
    assert checks["number.matches_holder_birth_date"] is FAIL


def test_legacy_embedded_id_matches_its_18_digit_form() -> None:
    legacy, full = "110105561231002", make_id("110105", date(1956, 12, 31), 2)
    checks = result(QUALIFICATION, Holder(id_number=full), number="199811110" + legacy, id_number=full,
                    birth_date="1956-12-31", issue_date="1998-10-01")
    assert checks["id_number.matches_number"] is PASS
    assert checks["number.matches_holder_id"] is PASS
    assert checks["number.embedded_id"] is WARN


def test_invalid_embedded_id_fails() -> None:
    assert result(QUALIFICATION, number="201233110330106198501150021")["number.embedded_id"] is FAIL


@pytest.mark.parametrize(("changes", "code", "status"), [
    ({"level": "执业助理医师"}, "level.matches_number", WARN),
    ({"level": "主任医师"}, "level.matches_number", WARN),
    ({"category": "口腔"}, "category.matches_number", WARN),
    ({"category": "中医类别"}, "category.matches_number", WARN),
    ({"issue_date": "2011-12-01"}, "issue_date.after_number_year", FAIL),
    ({"number": "201233146" + "330106198501150020"}, "number.category", WARN),
    ({"number": "201233310" + "330106198501150020"}, "number.level", WARN),
    ({"number": "201299110" + "330106198501150020"}, "number.region", WARN),
    ({"number": "199733110" + "330106198501150020"}, "number.year", FAIL),
])
def test_qualification_rules(changes: dict[str, str], code: str, status: CheckStatus) -> None:
    assert result(QUALIFICATION, **changes)[code] is status


def test_ethnic_medicine_codes_match_the_printed_family() -> None:
    checks = result(QUALIFICATION, number="201233143330106198501150020", category="中医")
    assert checks["category.matches_number"] is PASS
    assert result(QUALIFICATION, number="201233142330106198501150020", category="中西医结合")[
        "category.matches_number"] is PASS


def test_qualified_too_young_fails() -> None:
    young = make_id(birth=date(2000, 3, 3), seq=2)
    checks = result(QUALIFICATION, Holder(), number="201233110" + young, id_number=young,
                    birth_date="2000-03-03")
    assert checks["age.plausible"] is FAIL


@pytest.mark.parametrize(("changes", "code", "status"), [
    ({"level": "执业助理医师"}, "level.matches_number", WARN),
    ({"category": "公共卫生"}, "category.matches_number", WARN),
    ({"scope": "口腔专业"}, "scope.matches_category", WARN),
    ({"scope": "内科专业、外科专业"}, "scope.matches_category", PASS),
    ({"scope": "内科专业（含老年医学专业、传染病专业）"}, "scope.matches_category", PASS),
    ({"scope": "医学检验、病理专业"}, "scope.matches_category", PASS),
    ({"scope": "内科专业", "category": "牙科"}, "scope.matches_category", WARN),
    ({"issuer": "广东省卫生健康委员会"}, "issuer.region_matches", WARN),
    ({"issuer": "浙江省卫生健康委员会"}, "issuer.region_matches", PASS),
    ({"issuer": "杭州市西湖区卫生健康局"}, "issuer.region_matches", PASS),  # the number's own county
    ({"issuer": "成都市武侯区卫生健康局"}, "issuer.region_matches", WARN),  # 330106 is 杭州市西湖区
    ({"issuer": "杭州市上城区卫生健康局"}, "issuer.region_matches", WARN),  # the right city, another district
    ({"issuer": "杭川市卫健局"}, "issuer.region_matches", None),  # unreadable: no contradiction, no check
    ({"number": "110339999001234"}, "number.region", WARN),
    ({"number": "510330106001234"}, "number.level", WARN),
    ({"number": "110330106000000"}, "number.serial", FAIL),
    ({"number": "110990106001234"}, "number.region", FAIL),
])
def test_practice_rules(changes: dict[str, str], code: str, status: CheckStatus | None) -> None:
    assert result(PRACTICE, **changes).get(code) is status


def test_issuer_without_a_place_is_not_judged() -> None:
    assert "issuer.region_matches" not in result(PRACTICE, issuer="国家卫生健康委员会")


def test_practice_traditional_medicine() -> None:
    checks = result(PRACTICE, number="141440000012345", category="中医", scope="中西医结合专业",
                    issuer="广东省卫生健康委员会")
    assert {checks[c] for c in ("category.matches_number", "scope.matches_category",
                                "issuer.region_matches")} == {PASS}
