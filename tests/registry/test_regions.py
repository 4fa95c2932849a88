from __future__ import annotations

import pytest

from verify.registry import regions


@pytest.mark.parametrize(("code", "year"), [
    ("440305", 1960),  # 深圳南山区 [1983-]: created after the holder's birth, still attributable
    ("110229", 1960),  # 延庆县 [1982-2015], retired since
    ("330106", 1950),  # 杭州西湖区 [1983-]
    ("412723", 1999),  # 商水县 [-2000]: retired after the birth year
    ("110105", 1949),
])
def test_attributable_when_in_force_at_birth_or_later(code: str, year: int) -> None:
    assert regions.is_attributable(code, year)


@pytest.mark.parametrize(("code", "year"), [
    ("412723", 2001),  # retired (2000) before the birth year
    ("110103", 2011),  # 崇文区 [-2010]
    ("999999", 1990),  # never existed
    ("110000" + "1", 1990),
])
def test_not_attributable(code: str, year: int) -> None:
    assert not regions.is_attributable(code, year)


def test_hmt_permit_codes() -> None:
    for code in ("810000", "820000", "830000"):
        assert regions.is_hmt(code)
        assert regions.exists(code)
        assert regions.is_attributable(code, 1980)
    assert not regions.is_hmt("440000")


def test_names_follow_the_year() -> None:
    assert regions.region_name("440305", 1985) == "南头区办事处"
    assert regions.region_name("440305") == "南山区"
    assert regions.region_name("999999") is None


def test_province_table() -> None:
    assert len(regions.PROVINCES) == 34
    assert regions.province_name("65") == "新疆"
    assert regions.province_name("99") is None


def test_loaded_once_into_a_dict() -> None:
    assert regions.table() is regions.table()
    assert isinstance(regions.table(), dict)
    assert len(regions.table()) > 6000


@pytest.mark.parametrize(("text", "expected"), [
    ("广东省卫生健康委员会", {"44"}),
    ("杭州市西湖区卫生健康局", {"33"}),
    ("四川省司法厅", {"51"}),
    ("国家卫生健康委员会", set()),
])
def test_provinces_in_text(text: str, expected: set[str]) -> None:
    assert regions.provinces_in_text(text) == expected
