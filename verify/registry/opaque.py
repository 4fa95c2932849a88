"""Numbers with no national structure (a 职称证书编号, a 卫生资格 管理号): their characters and length only.

Provinces number title certificates their own way (广东 ``粤高职证字第…号``, plain serials elsewhere)
and the 卫生资格 管理号 has no published layout (docs/registry-rules.md#title-certificate-number,
#health-title-qualification). Nothing is inferred from such a number: it is kept as printed,
checked for plausible characters and length, and its digits are offered for the soft year check
(``leading_year``).

>>> validate_opaque('粤高职证字第1701234567890号', cjk=True).digits
'1701234567890'
>>> validate_opaque('ABC', cjk=False)
Traceback (most recent call last):
    ...
verify.registry.exceptions.InvalidLength: The number has the wrong length.
>>> leading_year('2019440100123'), leading_year('1701234567890'), leading_year('1234567')
(2019, 2017, None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from verify.registry.exceptions import InvalidFormat, InvalidLength
from verify.registry.util import Flag, Parsed, clean

MIN_LENGTH, MAX_LENGTH = 6, 30
_ALNUM = re.compile(r"[0-9A-Z]+")
_WITH_CJK = re.compile(r"[0-9A-Z\u3400-\u9fff（）()〔〕\[\]]+")
_DIGITS = re.compile(r"[0-9]{4,}")


@dataclass(frozen=True)
class OpaqueNumber(Parsed):
    """A number kept as printed (``value``), and its longest run of digits (``digits``)."""

    value: str
    digits: str
    flags: tuple[Flag, ...]


def validate_opaque(number: str, *, cjk: bool) -> OpaqueNumber:
    """Check characters (digits and upper-case letters; CJK too when ``cjk``) and a length of 6-30."""
    number = clean(number)
    if not MIN_LENGTH <= len(number) <= MAX_LENGTH:
        raise InvalidLength()
    if not (_WITH_CJK if cjk else _ALNUM).fullmatch(number):
        raise InvalidFormat()
    runs = _DIGITS.findall(number)
    return OpaqueNumber(value=number, digits=max(runs, key=len) if runs else "", flags=())


def leading_year(digits: str) -> int | None:
    """The year a run of digits may start with: 4 digits 1980-2099, else 2 digits read as 20YY
    (the 广东 form); None when the run is too short to hold a year and a serial."""
    if len(digits) >= 8 and (digits.startswith(("19", "20"))) and 1980 <= int(digits[:4]) <= 2099:
        return int(digits[:4])
    if len(digits) >= 8:
        return 2000 + int(digits[:2])
    return None
