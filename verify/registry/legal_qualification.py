"""法律职业资格证书 证书编号 (legal professional qualification number), 15 characters.

Layout (docs/registry-rules.md#legal-qualification, PARTLY CONFIRMED: aarioai/golib ``ValidateLawyerCert`` and
ValidX agree): class letter ``A``/``B``/``C`` (A national; B/C restricted to relaxed-admission
areas) + exam year (4) + GB/T 2260 region (6) + serial (4). No check digit. Pre-2002 律师资格
numbers have other shapes (UNCONFIRMED): callers should send a failure to review.

Hard rules (raise): shape, year not after this year.
Flags (return, for review): year before 2002 (the first 国家司法考试), region code not a
known division, 港澳台 region.

>>> q = validate('A20194401060123')
>>> q.certificate_class.code, q.year, q.region.name, q.serial
('A', 2019, '天河区', '0123')
>>> format('a2019 440106 0123')
'A20194401060123'
>>> is_valid('D20194401060123')
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from verify.kinds.legal_qualification import CLASSES
from verify.registry import regions
from verify.registry.exceptions import InvalidLength, YearOutOfRange
from verify.registry.util import Coded, Flag, Parsed, clean, matches, never_raising

FIRST_YEAR = 2002

_SHAPE = re.compile(r"([ABC])([0-9]{4})([0-9]{6})([0-9]{4})")


@dataclass(frozen=True)
class LegalQualification(Parsed):
    """A parsed 证书编号."""

    certificate_class: Coded
    year: int
    region: Coded
    serial: str
    flags: tuple[Flag, ...]


#: python-stdnum's ``compact`` and ``format`` (the printed form): full-width to ASCII, no separators, upper case.
compact = format = clean


def validate(number: str, today: date | None = None) -> LegalQualification:
    """Parse the number or raise a ``verify.registry.exceptions`` error."""
    number = compact(number)
    today = today or date.today()
    if len(number) != 15:
        raise InvalidLength()
    letter, year, region, serial = matches(_SHAPE, number).groups()
    if int(year) > today.year:
        raise YearOutOfRange("The exam year is in the future.")
    flags: tuple[Flag, ...] = ()
    if int(year) < FIRST_YEAR:
        flags += (Flag("early_year", "year", "Exam year before 2002: an older certificate series."),)
    if regions.is_hmt(region):
        flags += (Flag("hmt_region", "region", "港澳台 region code: needs manual review."),)
    elif not regions.exists(region):
        flags += (Flag("unknown_region", "region", "The region code is not a known division."),)
    return LegalQualification(
        certificate_class=Coded(letter, CLASSES[letter]),
        year=int(year),
        region=Coded(region, regions.region_name(region)),
        serial=serial,
        flags=flags,
    )


is_valid = never_raising(validate)
