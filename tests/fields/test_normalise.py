"""Normalising printed and OCR'd values (the modules' doctests show the everyday cases)."""

from __future__ import annotations

import pytest

from verify.domain import CredentialKind
from verify.fields.misreads import snap
from verify.fields.normalise import (
    compact_number,
    is_id_number,
    normalise_date,
    normalise_gender,
    normalise_name,
    to_halfwidth,
)
from verify.fields.values import read_value
from verify.kinds.certificate import ETHNICITIES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015年3月12日", "2015-03-12"),
        ("2015年03月12日", "2015-03-12"),
        ("2015.03.12", "2015-03-12"),
        ("2015-03-12", "2015-03-12"),
        ("2015/3/12", "2015-03-12"),
        ("20150312", "2015-03-12"),
        ("２０１５年３月１２日", "2015-03-12"),
        ("2015 年 3 月 12 日", "2015-03-12"),
        ("2O15年O3月l2日", "2015-03-12"),
        ("发证日期：2015年3月12日", "2015-03-12"),
        ("1985年1月", "1985-01"),
        ("2015年13月12日", None),
        ("2015年2月29日", None),
        ("2016年2月29日", "2016-02-29"),
        ("1850年1月1日", None),
        ("十二月", None),
        ("", None),
    ],
)
def test_dates(text: str, expected: str | None) -> None:
    assert normalise_date(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("男", "男"), ("女性", "女"), ("男女", None), ("", None), ("M", None)])
def test_gender(text: str, expected: str | None) -> None:
    assert normalise_gender(text) == expected


def test_numbers_are_compacted_and_repaired_but_names_are_not() -> None:
    assert compact_number(" 3301 0619 8501 1500 2x ") == "33010619850115002X"
    assert compact_number("１１０３３０１０６００１２３４") == "110330106001234"
    assert compact_number("l1O33|1O6OO1234") == "110331106001234"
    assert normalise_name("I 丽") == "I丽"
    assert normalise_name("王 Ｏ") == "王O"


def test_full_width_forms() -> None:
    assert to_halfwidth("Ａ１：（ｘ）") == "A1:(x)"
    assert to_halfwidth("张三") == "张三"


def test_id_number_check_character() -> None:
    assert is_id_number("330106198501150020")
    assert not is_id_number("330106198501150021")
    assert not is_id_number("33010619850115002")
    assert not is_id_number("3301061985011500２0")


def test_raw_text_stays_as_read_while_the_value_is_normalised() -> None:
    reading = read_value(CredentialKind.PHYSICIAN_PRACTICE, "number", "| 11O33O1O6OO1234 丨")
    assert reading.value == "110330106001234" and reading.plausible
    assert not read_value(CredentialKind.PHYSICIAN_PRACTICE, "number", "11033010600123").plausible
    assert read_value(CredentialKind.LAWYER_PRACTICE, "qualification_number", "a2OO8 1101O5 O123").value == (
        "A20081101050123"
    )


@pytest.mark.parametrize(
    ("kind", "field", "raw", "expected"),
    [
        (CredentialKind.PHYSICIAN_PRACTICE, "level", "热业助理医师", "执业助理医师"),
        (CredentialKind.PHYSICIAN_PRACTICE, "scope", "腿耳鼻咽喉科专业", "眼耳鼻咽喉科专业"),
        (CredentialKind.LAWYER_PRACTICE, "category", "专职律帅", "专职律师"),
        (CredentialKind.TEACHER_QUALIFICATION, "category", "高级中学教师资阁", "高级中学教师资格"),
        (CredentialKind.TEACHER_QUALIFICATION, "ethnicity", "蒙古旅", "蒙古族"),
        (CredentialKind.TEACHER_QUALIFICATION, "ethnicity", "汊族", "汊族"),  # 汉族 水族 土族 ... all one edit away
        # two edits away, or not a vocabulary field: left as read
        (CredentialKind.PHYSICIAN_PRACTICE, "category", "牙科", "牙科"),
        (CredentialKind.LAWYER_PRACTICE, "institution", "北京市明理律帅事务所", "北京市明理律帅事务所"),
    ],
)
def test_one_misread_character_in_a_vocabulary_word_is_repaired(
    kind: CredentialKind, field: str, raw: str, expected: str
) -> None:
    assert read_value(kind, field, raw).value == expected


def test_an_ambiguous_repair_is_not_made() -> None:
    assert snap("专职律", ("专职律师", "专职律所")) == "专职律"
    assert len(ETHNICITIES) == 56


def test_vocabulary_words_behind_a_little_debris_are_found() -> None:
    scope = (CredentialKind.PHYSICIAN_PRACTICE, "scope")
    assert read_value(*scope, "四 汪  妇产科专业").value == "妇产科专业"
    assert read_value(*scope, "千。妇产科雪业").value == "妇产科专业"
    # more than a little in front is a value of its own, left as read
    assert read_value(*scope, "外科专业 内科专业").value == "外科专业内科专业"
