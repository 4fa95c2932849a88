"""教师资格证书 证书号码 (teacher qualification certificate number), 17 digits.

Layout (docs/registry-rules.md#teacher-qualification-layout, CONFIRMED except the sex digit: 四川教师资格网, eolce.com,
jinbiaochi and ValidX agree): year of 认定 (4) + province (2, GB/T 2260) + 认定机构 code (3,
assigned by the province, not GB/T 2260) + 资格种类 (1, ``1``–``7``) + sex (1) + serial (6).
No check digit. The sex digit's meaning is conflicting (UNCONFIRMED): from 2009 ``1`` 男 /
``2`` 女, before that ``0`` 男 / ``1`` 女 — ``gender`` is that best guess, for soft checks only.

Hard rules (raise): shape, 资格种类 1–7, year in [1996, this year], known province.
Flags (return, for review): a sex digit outside the era's expected set, 港澳台 province.

>>> t = validate('20184412342001234')
>>> t.year, t.province.name, t.authority, t.category.name, t.sex_digit, t.gender
(2018, '广东', '123', '高级中学教师资格', '2', '女')
>>> validate('20203300171000567').category.name
'高等学校教师资格'
>>> validate('20184412382001234')
Traceback (most recent call last):
    ...
verify.registry.exceptions.UnknownCategory: The category code is not in the published list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from verify.kinds.teacher_qualification import CATEGORIES
from verify.registry import regions
from verify.registry.exceptions import (
    InvalidLength,
    UnknownCategory,
    UnknownProvince,
    YearOutOfRange,
)
from verify.registry.util import Coded, Flag, Parsed, clean, matches, never_raising

FIRST_YEAR = 1996
#: Best-guess sex digits by era (UNCONFIRMED): from 2009, and before.
GENDERS_FROM_2009 = {"1": "男", "2": "女"}
GENDERS_BEFORE_2009 = {"0": "男", "1": "女"}

_SHAPE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{3})([0-9])([0-9])([0-9]{6})")


@dataclass(frozen=True)
class TeacherQualification(Parsed):
    """A parsed 证书号码; ``gender`` is the era-dependent reading of ``sex_digit`` (or ``None``)."""

    year: int
    province: Coded
    authority: str
    category: Coded
    sex_digit: str
    gender: str | None
    serial: str
    flags: tuple[Flag, ...]


#: python-stdnum's ``compact`` and ``format`` (the printed form): full-width to ASCII, no separators, upper case.
compact = format = clean


def validate(number: str, today: date | None = None) -> TeacherQualification:
    """Parse the number or raise a ``verify.registry.exceptions`` error."""
    number = compact(number)
    today = today or date.today()
    if len(number) != 17:
        raise InvalidLength()
    year, province, authority, category, sex, serial = matches(_SHAPE, number).groups()
    if category not in CATEGORIES:
        raise UnknownCategory()
    if not FIRST_YEAR <= int(year) <= today.year:
        raise YearOutOfRange(f"The year must be between {FIRST_YEAR} and this year.")
    if province not in regions.PROVINCES:
        raise UnknownProvince()
    genders = GENDERS_FROM_2009 if int(year) >= 2009 else GENDERS_BEFORE_2009
    flags: tuple[Flag, ...] = ()
    if sex not in genders:
        flags += (Flag("unexpected_sex_digit", "sex_digit", "The sex digit is unusual for the year."),)
    if regions.is_hmt(province):
        flags += (Flag("hmt_region", "region", "港澳台 province code: needs manual review."),)
    return TeacherQualification(
        year=int(year),
        province=Coded(province, regions.province_name(province)),
        authority=authority,
        category=Coded(category, CATEGORIES[category]),
        sex_digit=sex,
        gender=genders.get(sex),
        serial=serial,
        flags=flags,
    )


is_valid = never_raising(validate)
