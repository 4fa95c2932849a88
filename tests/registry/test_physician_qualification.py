"""医师资格证书 证书编码 (docs/registry-rules.md#physician-qualification-layout)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.registry.build import make_id
from verify.registry import exceptions
from verify.registry import physician_qualification as pq

TODAY = date(2025, 6, 1)


def number(year: str = "2012", province: str = "33", level: str = "1", category: str = "10",
           tail: str = "330106198501150020") -> str:
    return year + province + level + category + tail


@pytest.mark.parametrize("value", ["201233110330106198501150020", "201644241440305199206300019"])
def test_documented_examples_are_valid(value: str) -> None:
    assert pq.validate(value, TODAY).flags == ()


def test_documented_legacy_example_is_valid() -> None:
    parsed = pq.validate("199811110110105561231002", TODAY)
    assert (parsed.year, parsed.embedded_id.birth_date) == (1998, date(1956, 12, 31))


def test_parts() -> None:
    parsed = pq.validate("201644241440305199206300019", TODAY)
    assert parsed.as_dict() == {
        "year": 2016, "province": {"code": "44", "name": "广东"},
        "level": {"code": "2", "name": "执业助理医师"}, "category": {"code": "41", "name": "中医"},
        "embedded_id": {"region": {"code": "440305", "name": "南山区"}, "birth_date": "1992-06-30",
                        "gender": "男", "legacy": False, "flags": []},
        "flags": [],
    }


@pytest.mark.parametrize(("value", "error"), [
    (number()[:-1], exceptions.InvalidLength),
    (number() + "0", exceptions.InvalidLength),
    ("2012331103301061985011500X0", exceptions.InvalidFormat),
    ("20123311033010619850115002A", exceptions.InvalidFormat),
    ("199811110110105561231X02", exceptions.InvalidFormat),
])
def test_shape(value: str, error: type) -> None:
    with pytest.raises(error):
        pq.validate(value, TODAY)


@pytest.mark.parametrize("year", ["1997", "2026"])
def test_year_range(year: str) -> None:
    with pytest.raises(exceptions.YearOutOfRange):
        pq.validate(number(year=year, tail=make_id(birth=date(1970, 1, 1))), TODAY)
    assert pq.is_valid(number(year="2025")) and pq.is_valid(number(year="1998"))


@pytest.mark.parametrize(("tail", "reason"), [
    ("330106198501150021", "invalid_checksum"),
    (make_id(birth=date(2026, 1, 1)), "future_date"),
    ("110105561331002", "invalid_date"),
    (make_id("660101"), "unknown_region"),
])
def test_embedded_id_must_be_valid(tail: str, reason: str) -> None:
    with pytest.raises(exceptions.EmbeddedIdInvalid) as caught:
        pq.validate(number(tail=tail), TODAY)
    assert caught.value.reason == reason


@pytest.mark.parametrize(("value", "flag"), [
    (number(category="46"), "unconfirmed_category"),
    (number(category="49"), "unknown_category"),
    (number(level="3"), "unconfirmed_level"),
    (number(level="7"), "unknown_level"),
    (number(province="99"), "unknown_province"),
    (number(province="81"), "hmt_region"),
    (number(year="1998", tail="110105561231002"), "embedded_legacy_id"),
    (number(tail=make_id("810000", date(1990, 1, 1))), "embedded_hmt_region"),
])
def test_doubtful_codes_are_flagged_not_rejected(value: str, flag: str) -> None:
    assert [f.code for f in pq.validate(value, TODAY).flags] == [flag]
