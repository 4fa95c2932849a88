"""律师执业证 执业证号 (docs/registry-rules.md#lawyer-practice-layout, CONFIRMED)."""

from __future__ import annotations

from datetime import date

import pytest

from verify.registry import exceptions
from verify.registry import lawyer_practice as lp

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize("value", [
    "11102200810000003",  # the Ministry's worked example
    "14403200810000003",  # same lawyer after moving to 深圳
    "11102200820000003",  # same lawyer after switching to 兼职
    "14403201511012345", "11101201970204567",
])
def test_documented_examples_are_valid(value: str) -> None:
    assert lp.validate(value, TODAY).flags == ()


def test_worked_example_parts() -> None:
    assert lp.validate("11102200810000003", TODAY).as_dict() == {
        "province": {"code": "11", "name": "北京"}, "city": {"code": "1102", "name": "县"},
        "first_approval_year": 2008, "category": {"code": "1", "name": "专职律师"}, "gender": "男",
        "serial": "000003", "flags": [],
    }


@pytest.mark.parametrize(("digit", "word"), list(lp.CATEGORIES.items()))
def test_every_category(digit: str, word: str) -> None:
    assert lp.validate(f"111022008{digit}0000003", TODAY).category.name == word


@pytest.mark.parametrize(("value", "error"), [
    ("1110220081000000", exceptions.InvalidLength),
    ("111022008100000033", exceptions.InvalidLength),
    ("1110220081000000X", exceptions.InvalidFormat),
    ("21102200810000003", exceptions.InvalidFormat),
    ("11102200812000003", exceptions.InvalidSexDigit),
    ("19902200810000003", exceptions.UnknownProvince),
    ("11102197810000003", exceptions.YearOutOfRange),
    ("11102202610000003", exceptions.YearOutOfRange),
])
def test_hard_rules(value: str, error: type) -> None:
    with pytest.raises(error):
        lp.validate(value, TODAY)


def test_year_bounds() -> None:
    assert lp.is_valid("11102197910000003") and lp.validate("11102202510000003", TODAY)


@pytest.mark.parametrize(("value", "flag"), [
    ("14499200810000003", "unknown_region"), ("18101200830000003", "hmt_region"),
    ("11102200800000003", "unconfirmed_category"),  # 粤港澳大湾区律师 in one code base only
])
def test_doubtful_codes_are_flagged(value: str, flag: str) -> None:
    assert [f.code for f in lp.validate(value, TODAY).flags] == [flag]
