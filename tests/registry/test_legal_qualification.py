"""法律职业资格证书 证书编号 (docs/registry-rules.md#legal-qualification, PARTLY CONFIRMED)."""

from __future__ import annotations

from datetime import date

import pytest

from verify.registry import exceptions
from verify.registry import legal_qualification as lq

TODAY = date(2025, 6, 1)


def test_documented_example() -> None:
    assert lq.validate("A20194401060123", TODAY).as_dict() == {
        "certificate_class": {"code": "A", "name": "A类"}, "year": 2019,
        "region": {"code": "440106", "name": "天河区"}, "serial": "0123", "flags": [],
    }


@pytest.mark.parametrize(("value", "error"), [
    ("A2019440106012", exceptions.InvalidLength),
    ("D20194401060123", exceptions.InvalidFormat),
    ("A2019440106012X", exceptions.InvalidFormat),
    ("A20264401060123", exceptions.YearOutOfRange),
])
def test_hard_rules(value: str, error: type) -> None:
    with pytest.raises(error):
        lq.validate(value, TODAY)


@pytest.mark.parametrize(("value", "flag"), [
    ("B19994401060123", "early_year"), ("C20199999990123", "unknown_region"),
])
def test_doubtful_parts_are_flagged(value: str, flag: str) -> None:
    assert [f.code for f in lq.validate(value, TODAY).flags] == [flag]


def test_lower_case_letter() -> None:
    assert lq.compact("ｃ2019-440106-0123") == "C20194401060123"
