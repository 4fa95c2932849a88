"""居民身份证号码 (PRC resident identity number, GB 11643-1999; legacy GB 11643-1989).

Layout (docs/registry-rules.md#resident-id-number, CONFIRMED): 6-digit 地址码 (GB/T 2260 county of residence
when the number was assigned), 8-digit birth date, 3-digit sequence whose last digit is odd
for men and even for women, and an ISO 7064 MOD 11-2 check character (``0-9`` or ``X``).
The legacy 15-digit form has a 2-digit year (19YY) and no check character.

Hard rules (raise): length and charset, check character, real birth date not after today,
region code attributable to the birth year (``regions.is_attributable``).
Flags (return, for review): ``legacy_id`` (15 digits, no check character), ``hmt_region``
(港澳台居民居住证 prefixes 810000/820000/830000), ``foreign_permanent_resident`` (18 characters
beginning with ``9``: the 2023 外国人永久居留身份证, UNCONFIRMED layout; GB/T 2260 has no
province 9x, so the region rule cannot apply — check character and birth date still must hold).

>>> validate('11010519491231002X').gender
'女'
>>> validate('440305199206300019').as_dict()['birth_date']
'1992-06-30'
>>> validate('110105491231002').legacy, validate('110105491231002').as_18
(True, '11010519491231002X')
>>> validate('110105194912310021')
Traceback (most recent call last):
    ...
verify.registry.exceptions.InvalidChecksum: The check character does not match.
>>> validate('110105209912310029', today=date(2025, 1, 1))
Traceback (most recent call last):
    ...
verify.registry.exceptions.FutureDate: The birth date in the ID number is in the future.
>>> is_valid('33010619500101001X'), is_valid(None)
(True, False)
>>> [f.code for f in validate('944840198001010011').flags]
['foreign_permanent_resident']
>>> format(' 1101 0519 4912 3100 2x ')
'11010519491231002X'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from verify.registry import regions
from verify.registry.exceptions import (
    FutureDate,
    InvalidChecksum,
    InvalidLength,
    UnknownRegion,
)
from verify.registry.util import PRIVATE, Coded, Flag, Parsed, clean, matches, never_raising, to_date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE_18 = re.compile(r"[0-9]{17}[0-9X]")
_SHAPE_15 = re.compile(r"[0-9]{15}")

LEGACY = Flag("legacy_id", "checksum", "Legacy 15-digit ID number: it has no check character.")
HMT = Flag("hmt_region", "region", "港澳台 residence-permit region code: needs manual review.")
FOREIGN = Flag("foreign_permanent_resident", "region",
               "Starts with 9: a foreigner's permanent residence ID (layout unconfirmed): needs manual review.")


@dataclass(frozen=True)
class ResidentId(Parsed):
    """A parsed ID number; ``as_dict`` leaves the number itself out."""

    number: str = field(metadata=PRIVATE)
    region: Coded
    birth_date: date
    gender: str
    legacy: bool
    flags: tuple[Flag, ...]

    @property
    def as_18(self) -> str:
        """The 18-character form (a legacy number gets ``19`` and its check character)."""
        if not self.legacy:
            return self.number
        first17 = self.number[:6] + "19" + self.number[6:]
        return first17 + calc_check_char(first17)


#: python-stdnum's ``compact`` and ``format`` (the printed form): full-width to ASCII, no separators, upper case.
compact = format = clean


def calc_check_char(first17: str) -> str:
    """The MOD 11-2 check character of the first 17 digits."""
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def validate(number: str, today: date | None = None) -> ResidentId:
    """Parse the number or raise a ``verify.registry.exceptions`` error."""
    number = compact(number)
    today = today or date.today()
    if len(number) == 18:
        matches(_SHAPE_18, number)
        if calc_check_char(number[:17]) != number[17]:
            raise InvalidChecksum()
        birth = to_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        sex_digit = number[16]
    elif len(number) == 15:
        matches(_SHAPE_15, number)
        birth = to_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
        sex_digit = number[14]
    else:
        raise InvalidLength()
    if birth > today:
        raise FutureDate("The birth date in the ID number is in the future.")
    code = number[:6]
    foreign = len(number) == 18 and code[0] == "9"
    if not foreign and not regions.is_attributable(code, birth.year):
        raise UnknownRegion()
    flags = ((LEGACY,) if len(number) == 15 else ()) + ((HMT,) if regions.is_hmt(code) else ())
    flags += (FOREIGN,) if foreign else ()
    return ResidentId(
        number=number,
        region=Coded(code, regions.region_name(code, birth.year)),
        birth_date=birth,
        gender="男" if int(sex_digit) % 2 else "女",
        legacy=len(number) == 15,
        flags=flags,
    )


is_valid = never_raising(validate)
