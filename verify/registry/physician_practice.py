"""医师执业证书 证书编码 (physician practising certificate number), 15 digits.

Layout (docs/registry-rules.md#physician-practice-layout, PARTLY CONFIRMED): level (1) + category (2) + the issuing
health authority's GB/T 2260 code (6: province, city or ``00``, county or ``00``) + serial
(6, 000001–999999). Sources: imhan.cn/b/2/380861 and a public registration form validating
``^(\\d)(\\d{2})(\\d{2})(00|\\d{2})(00|\\d{2})(\\d{6})$``. No check digit. The level and category
code values are assumed to be those of the qualification number (UNCONFIRMED).

Hard rules (raise): 15 digits, serial not ``000000``, a known province code
(docs/registry-rules.md#physician-practice-rules).
Flags (return, for review): unknown level/category codes, a region code not in the
historical GB/T 2260 table, 港澳台 province.

>>> p = validate('110330106001234')
>>> p.level.name, p.category.name, p.region.name, p.serial
('执业医师', '临床', '西湖区', '001234')
>>> validate('141440000012345').region.code
'440000'
>>> validate('110330106000000')
Traceback (most recent call last):
    ...
verify.registry.exceptions.InvalidSerial: The serial part of the number cannot be issued.
>>> is_valid('110990106001234')
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from verify.kinds.physician_qualification import CATEGORIES, LEVELS
from verify.registry import regions
from verify.registry.exceptions import InvalidLength, InvalidSerial, UnknownProvince
from verify.registry.physician_qualification import category_flags, level_flags
from verify.registry.util import Coded, Flag, Parsed, clean, matches, never_raising

_SHAPE = re.compile(r"([0-9])([0-9]{2})([0-9]{6})([0-9]{6})")


@dataclass(frozen=True)
class PhysicianPractice(Parsed):
    """A parsed 证书编码; ``region`` is the issuing authority's GB/T 2260 code."""

    level: Coded
    category: Coded
    province: Coded
    region: Coded
    serial: str
    flags: tuple[Flag, ...]


#: python-stdnum's ``compact`` and ``format`` (the printed form): full-width to ASCII, no separators, upper case.
compact = format = clean


def validate(number: str, today: date | None = None) -> PhysicianPractice:
    """Parse the number or raise a ``verify.registry.exceptions`` error (``today`` is unused)."""
    number = compact(number)
    if len(number) != 15:
        raise InvalidLength()
    level, category, region, serial = matches(_SHAPE, number).groups()
    if serial == "000000":
        raise InvalidSerial()
    if region[:2] not in regions.PROVINCES:
        raise UnknownProvince()
    flags = level_flags(level) + category_flags(category)
    if regions.is_hmt(region):
        flags += (Flag("hmt_region", "region", "港澳台 region code: needs manual review."),)
    elif not regions.exists(region):
        flags += (Flag("unknown_region", "region", "The authority's region code is not a known division."),)
    return PhysicianPractice(
        level=Coded(level, LEVELS.get(level)),
        category=Coded(category, CATEGORIES.get(category)),
        province=Coded(region[:2], regions.province_name(region[:2])),
        region=Coded(region, regions.region_name(region)),
        serial=serial,
        flags=flags,
    )


is_valid = never_raising(validate)
