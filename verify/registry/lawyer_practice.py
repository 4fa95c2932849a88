"""律师执业证 执业证号 (lawyer practising certificate number), 17 digits.

Layout (docs/registry-rules.md#lawyer-practice-layout, CONFIRMED: the 司法部 rule text with its worked example,
reproduced by aarioai/golib and implemented by ValidX): ``1`` (律师执业证) + province (2) +
city (2) of the practice organisation (GB/T 2260) + year practice was first approved (4) +
执业证类别 (1, ``1``–``9``) + sex (1, ``0`` 男 / ``1`` 女) + lifelong serial (6). No check digit.
A move or a change of category changes only the province/city or category digits.

Hard rules (raise): shape, known province, year in [1979, this year], sex 0/1.
Flags (return, for review): category ``0`` — the rule lists ``1``–``9``; 粤港澳大湾区律师 (licensed
since 2020) carry ``0`` in one code base only (UNCONFIRMED), so ``0`` means review, not forgery —
city code not a known division (a move explains it), 港澳台 province.

>>> n = validate('11102200810000003')
>>> n.province.name, n.city.code, n.first_approval_year, n.category.name, n.gender, n.serial
('北京', '1102', 2008, '专职律师', '男', '000003')
>>> validate('14403201511012345').gender
'女'
>>> validate('11101201970204567').category.name
'公司律师'
>>> validate('21102200810000003')
Traceback (most recent call last):
    ...
verify.registry.exceptions.InvalidFormat: A lawyer's practising number starts with 1.
>>> is_valid('11102200830000003'), is_valid('11102200890000003')
(True, True)
>>> [f.code for f in validate('11102200800000003').flags]
['unconfirmed_category']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from verify.kinds.lawyer_practice import CATEGORIES
from verify.registry import regions
from verify.registry.exceptions import (
    InvalidFormat,
    InvalidLength,
    InvalidSexDigit,
    UnknownProvince,
    YearOutOfRange,
)
from verify.registry.util import Coded, Flag, Parsed, clean, matches, never_raising

FIRST_YEAR = 1979
#: Category 0: 粤港澳大湾区律师 (HK/Macao lawyers licensed in the GBA cities) in one code base only.
UNCONFIRMED_CATEGORIES = frozenset({"0"})
#: Sex (digit 11).
GENDERS = {"0": "男", "1": "女"}

_SHAPE = re.compile(r"([0-9])([0-9]{2})([0-9]{2})([0-9]{4})([0-9])([0-9])([0-9]{6})")


@dataclass(frozen=True)
class LawyerPractice(Parsed):
    """A parsed 执业证号; ``city`` is the 4-digit province + city code of the practice organisation."""

    province: Coded
    city: Coded
    first_approval_year: int
    category: Coded
    gender: str
    serial: str
    flags: tuple[Flag, ...]


#: python-stdnum's ``compact`` and ``format`` (the printed form): full-width to ASCII, no separators, upper case.
compact = format = clean


def validate(number: str, today: date | None = None) -> LawyerPractice:
    """Parse the number or raise a ``verify.registry.exceptions`` error."""
    number = compact(number)
    today = today or date.today()
    if len(number) != 17:
        raise InvalidLength()
    kind, province, city, year, category, sex, serial = matches(_SHAPE, number).groups()
    if kind != "1":
        raise InvalidFormat("A lawyer's practising number starts with 1.")
    if sex not in GENDERS:
        raise InvalidSexDigit()
    if province not in regions.PROVINCES:
        raise UnknownProvince()
    if not FIRST_YEAR <= int(year) <= today.year:
        raise YearOutOfRange(f"The first-approval year must be between {FIRST_YEAR} and this year.")
    city_code = province + city + "00"
    flags: tuple[Flag, ...] = ()
    if category in UNCONFIRMED_CATEGORIES:
        flags += (Flag("unconfirmed_category", "category", "Category 0 (粤港澳大湾区律师?) is not confirmed."),)
    if regions.is_hmt(province):
        flags += (Flag("hmt_region", "region", "港澳台 province code: needs manual review."),)
    elif not regions.exists(city_code):
        flags += (Flag("unknown_region", "region", "The city code is not a known division."),)
    return LawyerPractice(
        province=Coded(province, regions.province_name(province)),
        city=Coded(province + city, regions.region_name(city_code)),
        first_approval_year=int(year),
        category=Coded(category, CATEGORIES.get(category)),
        gender=GENDERS[sex],
        serial=serial,
        flags=flags,
    )


is_valid = never_raising(validate)
