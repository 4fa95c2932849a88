"""教师资格证书 证书号码 (docs/registry-rules.md#teacher-qualification-layout; sex digit UNCONFIRMED)."""

from __future__ import annotations

from datetime import date

import pytest

from verify.registry import exceptions
from verify.registry import teacher_qualification as tq

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize("value", ["20184412342001234", "20203300171000567"])
def test_documented_examples_are_valid(value: str) -> None:
    assert tq.validate(value, TODAY).flags == ()


def test_parts() -> None:
    assert tq.validate("20203300171000567", TODAY).as_dict() == {
        "year": 2020, "province": {"code": "33", "name": "浙江"}, "authority": "001",
        "category": {"code": "7", "name": "高等学校教师资格"}, "sex_digit": "1", "gender": "男",
        "serial": "000567", "flags": [],
    }


@pytest.mark.parametrize(("digit", "word"), list(tq.CATEGORIES.items()))
def test_every_category(digit: str, word: str) -> None:
    assert tq.validate(f"201844123{digit}2001234", TODAY).category.name == word


@pytest.mark.parametrize(("value", "error"), [
    ("2018441234200123", exceptions.InvalidLength),
    ("2018441234200123X", exceptions.InvalidFormat),
    ("20184412302001234", exceptions.UnknownCategory),
    ("20184412382001234", exceptions.UnknownCategory),
    ("20184412392001234", exceptions.UnknownCategory),
    ("19954412342001234", exceptions.YearOutOfRange),
    ("20264412342001234", exceptions.YearOutOfRange),
    ("20189912342001234", exceptions.UnknownProvince),
])
def test_hard_rules(value: str, error: type) -> None:
    with pytest.raises(error):
        tq.validate(value, TODAY)


@pytest.mark.parametrize(("value", "gender", "flags"), [
    ("20084412340001234", "男", []),  # before 2009: 0 男 / 1 女
    ("20084412341001234", "女", []),
    ("20084412342001234", None, ["unexpected_sex_digit"]),
    ("20094412340001234", None, ["unexpected_sex_digit"]),  # from 2009: 1 男 / 2 女
    ("20094412341001234", "男", []),
    ("20184412349001234", None, ["unexpected_sex_digit"]),
])
def test_sex_digit_is_a_soft_era_dependent_signal(value: str, gender: str | None, flags: list[str]) -> None:
    parsed = tq.validate(value, TODAY)
    assert parsed.gender == gender
    assert [f.code for f in parsed.flags] == flags
