"""统一社会信用代码 (GB 32100-2015, docs/registry-rules.md#unified-social-credit-code, CONFIRMED)."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc as stdnum_uscc

from tests.registry.build import make_uscc
from verify.registry import exceptions, uscc


@pytest.mark.parametrize("value", [
    "31440000MD0123454E", "12330000470001235A", "52330106MJ98765A1C", "91110108MA01ABCD5T",
    "91110000600037341L",
])
def test_documented_examples_are_valid(value: str) -> None:
    assert uscc.validate(value).flags == ()
    assert stdnum_uscc.is_valid(value)


@pytest.mark.parametrize("org_type", ["A1", "N1", "N3", "Y1"])
def test_letter_departments_are_accepted(org_type: str) -> None:
    """python-stdnum rejects these (docs/registry-rules.md#unified-social-credit-code)."""
    value = make_uscc(org_type)
    assert uscc.validate(value).org_type.code == org_type
    assert not stdnum_uscc.is_valid(value)


def test_parts() -> None:
    assert uscc.validate("31440000MD0123454E").as_dict() == {
        "department": {"code": "3", "name": "司法行政"}, "org_type": {"code": "31", "name": "律师执业机构"},
        "region": {"code": "440000", "name": "广东省"}, "org_code": "MD0123454", "flags": [],
    }


@pytest.mark.parametrize(("value", "error"), [
    ("31440000MD0123454", exceptions.InvalidLength),
    ("31440000MD0123454EE", exceptions.InvalidLength),
    ("31440000MD0123I54E", exceptions.InvalidFormat),  # I, O, S, V, Z are not used
    ("314400A0MD0123454E", exceptions.InvalidFormat),  # region part is digits
    ("31440000MD0123454F", exceptions.InvalidChecksum),
    (make_uscc("94"), exceptions.UnknownCategory),
    (make_uscc("B1"), exceptions.UnknownCategory),
    (make_uscc("Y2"), exceptions.UnknownCategory),
])
def test_hard_rules(value: str, error: type) -> None:
    with pytest.raises(error):
        uscc.validate(value)


def test_embedded_org_code_check_is_only_flagged() -> None:
    first17 = "91110108MA01ABCD0"
    value = first17 + uscc.calc_check_char(first17)
    assert [f.code for f in uscc.validate(value).flags] == ["org_code_checksum"]


def test_unknown_region_is_only_flagged() -> None:
    assert [f.code for f in uscc.validate(make_uscc(region="999999")).flags] == ["unknown_region"]
