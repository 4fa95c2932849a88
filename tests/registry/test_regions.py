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
    ("广东省卫生健康委员会", [{"44"}]),
    ("杭州市西湖区卫生健康局", [{"3301"}, {"330106", "360103"}]),
    ("四川省司法厅", [{"51"}]),
    ("北京市朝阳区卫生健康委员会", [{"11"}, {"110105", "220104"}]),  # the longest name wins: 朝阳区, not 朝阳
    ("襄樊市卫生局", [{"4206"}]),  # renamed 襄阳 in 2010: historical names count
    ("国家卫生健康委员会", []),
    ("中华人民共和国司法部", []),
])
def test_places_in_text(text: str, expected: list[set[str]]) -> None:
    assert regions.places_in_text(text) == expected


@pytest.mark.parametrize(("code", "issuer", "agrees"), [
    ("330106", "浙江省杭州市西湖区卫生健康局", True),
    ("330106", "浙江省卫生健康委员会", True),  # the province's own authority
    ("330100", "杭州市西湖区卫生健康局", True),  # a city-level number issued by one of its districts
    ("330106", "成都市武侯区卫生健康局", False),  # the example
    ("330102", "杭州市西湖区卫生健康局", False),  # same city, another district
    ("360103", "南昌市西湖区卫生健康委员会", True),  # the other 西湖区
    ("330106", "南昌市西湖区卫生健康委员会", False),
    ("3301", "浙江省司法厅", True),
    ("3302", "杭州市司法局", False),
    ("33", "国家卫生健康委员会", None),  # a national body names no place
    ("33", "杭川市大塔区卫生局", None),  # misread beyond recognition: not a contradiction
])
def test_an_issuer_agrees_with_the_region_it_names(code: str, issuer: str, agrees: bool | None) -> None:
    assert regions.within(code, issuer) is agrees
