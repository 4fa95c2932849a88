"""医师执业证书 证书编码 (docs/registry-rules.md#physician-practice-layout)."""

from __future__ import annotations

import pytest

from verify.registry import exceptions
from verify.registry import physician_practice as pp


@pytest.mark.parametrize("value", ["110330106001234", "141440000012345"])
def test_documented_examples_are_valid(value: str) -> None:
    assert pp.validate(value).flags == ()


def test_parts() -> None:
    assert pp.validate("141440000012345").as_dict() == {
        "level": {"code": "1", "name": "执业医师"}, "category": {"code": "41", "name": "中医"},
        "province": {"code": "44", "name": "广东"}, "region": {"code": "440000", "name": "广东省"},
        "serial": "012345", "flags": [],
    }


@pytest.mark.parametrize(("value", "error"), [
    ("11033010600123", exceptions.InvalidLength),
    ("1103301060012345", exceptions.InvalidLength),
    ("11033010600123X", exceptions.InvalidFormat),
    ("110330106000000", exceptions.InvalidSerial),
    ("110990106001234", exceptions.UnknownProvince),
    ("110000106001234", exceptions.UnknownProvince),
])
def test_hard_rules(value: str, error: type) -> None:
    with pytest.raises(error):
        pp.validate(value)


@pytest.mark.parametrize(("value", "flag"), [
    ("510330106001234", "unknown_level"),
    ("150330106001234", "unknown_category"),
    ("110339999001234", "unknown_region"),
    ("110810000001234", "hmt_region"),
])
def test_doubtful_codes_are_flagged(value: str, flag: str) -> None:
    assert [f.code for f in pp.validate(value).flags] == [flag]
