"""GB 11643 rules (docs/registry-rules.md#resident-id-number, CONFIRMED)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.registry.build import make_id, make_legacy_id
from verify.registry import exceptions, resident_id

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize("number", [
    "11010519491231002X", "440524188001010014",  # published worked examples
    "330106198501150020", "440305199206300019", "510107200002290037", "110105197804120046",
])
def test_documented_examples_are_valid(number: str) -> None:
    assert resident_id.validate(number, TODAY).flags == ()


def test_parts() -> None:
    parsed = resident_id.validate("440305199206300019", TODAY)
    assert (parsed.region.code, parsed.birth_date, parsed.gender, parsed.legacy) == (
        "440305", date(1992, 6, 30), "男", False)
    assert parsed.as_dict() == {
        "region": {"code": "440305", "name": "南山区"}, "birth_date": "1992-06-30", "gender": "男",
        "legacy": False, "flags": [],
    }


def test_as_dict_leaves_the_number_out() -> None:
    assert "330106198501150020" not in str(resident_id.validate("330106198501150020", TODAY).as_dict())


@pytest.mark.parametrize(("seq", "gender"), [(1, "男"), (2, "女"), (19, "男"), (20, "女")])
def test_17th_digit_parity_is_the_sex(seq: int, gender: str) -> None:
    assert resident_id.validate(make_id(seq=seq), TODAY).gender == gender


@pytest.mark.parametrize(("number", "error"), [
    ("33010619850115002", exceptions.InvalidLength),
    ("3301061985011500200", exceptions.InvalidLength),
    ("33010619850115002A", exceptions.InvalidFormat),
    ("3301061985011500X0", exceptions.InvalidFormat),
    ("330106198501150021", exceptions.InvalidChecksum),
    (make_id(birth=date(2000, 1, 1))[:10] + "0230" + "0021", exceptions.InvalidChecksum),
    ("1101054913310020", exceptions.InvalidLength),
    ("11010549133100", exceptions.InvalidLength),
    ("11010549123100A", exceptions.InvalidFormat),
])
def test_shape_and_check_char(number: str, error: type) -> None:
    with pytest.raises(error):
        resident_id.validate(number, TODAY)


def test_real_calendar_date() -> None:
    first17 = "33010619850230002"  # 30 February
    with pytest.raises(exceptions.InvalidDate):
        resident_id.validate(first17 + resident_id.calc_check_char(first17), TODAY)
    with pytest.raises(exceptions.InvalidDate):
        resident_id.validate("110105561331002", TODAY)  # legacy, month 13


def test_leap_day() -> None:
    assert resident_id.validate("510107200002290037", TODAY).birth_date == date(2000, 2, 29)


def test_not_in_the_future() -> None:
    number = make_id(birth=date(2025, 6, 2))
    with pytest.raises(exceptions.FutureDate):
        resident_id.validate(number, TODAY)
    assert resident_id.validate(number, date(2025, 6, 2))


@pytest.mark.parametrize(("region", "year"), [("660101", 1990), ("119999", 1990), ("412723", 2020), ("110103", 2011)])
def test_region_must_be_attributable(region: str, year: int) -> None:
    with pytest.raises(exceptions.UnknownRegion):
        resident_id.validate(make_id(region, date(year, 5, 5)), TODAY)


@pytest.mark.parametrize("number", ["33010619500101001X", "440305196001010014", "110229196001010013"])
def test_older_holders_are_not_rejected(number: str) -> None:
    """python-stdnum's birth-year rule rejects these; the attributable rule accepts them
    (docs/registry-rules.md#resident-id-number)."""
    assert resident_id.is_valid(number)


def test_legacy_15_digit_is_flagged_not_rejected() -> None:
    parsed = resident_id.validate(make_legacy_id(), TODAY)
    assert parsed.legacy and parsed.birth_date == date(1956, 12, 31)
    assert [f.code for f in parsed.flags] == ["legacy_id"]
    assert parsed.as_18 == make_id("110105", date(1956, 12, 31), 2)


@pytest.mark.parametrize("region", ["810000", "820000", "830000"])
def test_hmt_permits_are_flagged_not_rejected(region: str) -> None:
    parsed = resident_id.validate(make_id(region, date(1990, 3, 3), 7), TODAY)
    assert [f.code for f in parsed.flags] == ["hmt_region"]


def test_compact_and_format() -> None:
    assert resident_id.compact(" 1101 0519-4912.3100 2x ") == "11010519491231002X"
    assert resident_id.compact("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert resident_id.format("11010519491231002x") == "11010519491231002X"


def test_foreign_permanent_residence_ids_are_flagged_not_rejected() -> None:
    """18 characters beginning with 9 (2023 外国人永久居留身份证, UNCONFIRMED): review, not reject."""
    parsed = resident_id.validate(make_id("944840", date(1980, 1, 1), 1), TODAY)
    assert [f.code for f in parsed.flags] == ["foreign_permanent_resident"]
    assert (parsed.birth_date, parsed.gender) == (date(1980, 1, 1), "男")
    first17 = "94484019800101001"
    with pytest.raises(exceptions.InvalidChecksum):  # the check character and the date still hold
        resident_id.validate(first17 + ("0" if resident_id.calc_check_char(first17) != "0" else "1"), TODAY)
    month_13 = "94484019801301001"
    with pytest.raises(exceptions.InvalidDate):
        resident_id.validate(month_13 + resident_id.calc_check_char(month_13), TODAY)
    with pytest.raises(exceptions.UnknownRegion):  # no legacy 15-digit form of it
        resident_id.validate("944840800101001", TODAY)
