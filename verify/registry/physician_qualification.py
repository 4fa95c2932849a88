"""医师资格证书 证书编码 (physician qualification certificate number), 27 or 24 characters.

Layout (docs/registry-rules.md#physician-qualification-layout; positions CONFIRMED, code values PARTLY CONFIRMED):
year (4) + province (2, GB/T 2260) + level (1) + category (2) + the holder's 公民身份号码
(18 characters, or a legacy 15-digit one on 1998 认定 certificates). Source: 原卫生部、国家中医药
管理局《关于做好医师资格证书及医师执业证书发放工作的通知》 (quoted by eolce.com), implemented the
same way in ValidX; the level/category codes follow the 2005 报考类别代码 list (med66.com).
The number has no check digit of its own; the embedded ID number has one.

Hard rules (raise): shape, year in [1998, this year], embedded ID number valid (GB 11643).
Flags (return, for review): unknown province, level 3/4 (师承/确有专长, unconfirmed on
certificates) or unknown, category 46–48 (one source) or unknown, and the embedded ID's
own flags (legacy 15-digit, 港澳台).

>>> q = validate('201233110330106198501150020')
>>> q.year, q.province.name, q.level.name, q.category.name, q.embedded_id.gender
(2012, '浙江', '执业医师', '临床', '女')
>>> validate('199811110110105561231002').embedded_id.legacy
True
>>> [f.code for f in validate('201644246440305199206300019').flags]
['unconfirmed_category']
>>> validate('201233110330106198501150021')
Traceback (most recent call last):
    ...
verify.registry.exceptions.EmbeddedIdInvalid: The ID number inside the credential number is not valid.
>>> is_valid('199711110110105561231002')
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from verify.kinds.physician_qualification import CATEGORIES, LEVELS
from verify.registry import regions, resident_id
from verify.registry.exceptions import EmbeddedIdInvalid, InvalidLength, RegistryError, YearOutOfRange
from verify.registry.util import Coded, Flag, Parsed, clean, matches, never_raising

FIRST_YEAR = 1998
#: 级别 (digit 7, ``LEVELS``): 1/2 CONFIRMED; 3/4 (师承和确有专长) are exam codes, unconfirmed on certificates.
UNCONFIRMED_LEVELS = frozenset({"3", "4"})
#: 类别 (digits 8-9, ``CATEGORIES``): 10-45 CONFIRMED (two sources); 46-48 from one source only.
UNCONFIRMED_CATEGORIES = frozenset({"46", "47", "48"})

_SHAPE = re.compile(r"([0-9]{4})([0-9]{2})([0-9])([0-9]{2})([0-9]{17}[0-9X]|[0-9]{15})")


@dataclass(frozen=True)
class PhysicianQualification(Parsed):
    """A parsed 证书编码; ``embedded_id`` is the holder's ID number, parsed."""

    year: int
    province: Coded
    level: Coded
    category: Coded
    embedded_id: resident_id.ResidentId
    flags: tuple[Flag, ...]


#: python-stdnum's ``compact`` and ``format`` (the printed form): full-width to ASCII, no separators, upper case.
compact = format = clean


def level_flags(code: str) -> tuple[Flag, ...]:
    """Flags for a level digit (shared with the practising-certificate number)."""
    if code in UNCONFIRMED_LEVELS:
        return (Flag("unconfirmed_level", "level", "Level code 3/4 is not confirmed on certificates."),)
    if code not in LEVELS:
        return (Flag("unknown_level", "level", "The level code is not in the published list."),)
    return ()


def category_flags(code: str) -> tuple[Flag, ...]:
    """Flags for a 2-digit category code (shared with the practising-certificate number)."""
    if code in UNCONFIRMED_CATEGORIES:
        return (Flag("unconfirmed_category", "category", "This category code rests on one source only."),)
    if code not in CATEGORIES:
        return (Flag("unknown_category", "category", "The category code is not in the published list."),)
    return ()


def validate(number: str, today: date | None = None) -> PhysicianQualification:
    """Parse the number or raise a ``verify.registry.exceptions`` error."""
    number = compact(number)
    today = today or date.today()
    if len(number) not in (24, 27):
        raise InvalidLength()
    year, province, level, category, tail = matches(_SHAPE, number).groups()
    if not FIRST_YEAR <= int(year) <= today.year:
        raise YearOutOfRange(f"The year must be between {FIRST_YEAR} and this year.")
    try:
        embedded = resident_id.validate(tail, today)
    except RegistryError as exc:
        raise EmbeddedIdInvalid(exc.code) from None
    flags = level_flags(level) + category_flags(category)
    if province not in regions.PROVINCES:
        flags += (Flag("unknown_province", "region", "The province code is not a known province."),)
    elif regions.is_hmt(province):
        flags += (Flag("hmt_region", "region", "港澳台 province code: needs manual review."),)
    flags += tuple(Flag("embedded_" + f.code, "embedded_id", f.message) for f in embedded.flags)
    return PhysicianQualification(
        year=int(year),
        province=Coded(province, regions.province_name(province)),
        level=Coded(level, LEVELS.get(level)),
        category=Coded(category, CATEGORIES.get(category)),
        embedded_id=embedded,
        flags=flags,
    )


is_valid = never_raising(validate)
