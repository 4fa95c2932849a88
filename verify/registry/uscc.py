"""统一社会信用代码 (Unified Social Credit Code, GB 32100-2015), 18 characters.

Layout (docs/registry-rules.md#unified-social-credit-code, CONFIRMED: standard text via cods.org.cn / Hutool, several
repositories): 登记管理部门 (1: ``1``–``9``, ``A``, ``N``, ``Y``) + 机构类别 (1) + registering
authority's GB/T 2260 region (6 digits) + 主体标识码 = GB 11714 组织机构代码 (8 + its check
character) + MOD 31 check character. Charset: digits and upper-case letters without
I, O, S, V, Z. Unlike ``stdnum.cn.uscc`` the first two characters may be letters (``A1``, ``N1``,
``Y1`` …).

Hard rules (raise): length, charset, digits in the region part, MOD 31 check character, a
published 部门/类别 pair.
Flags (return, for review): embedded GB 11714 check character wrong (not proven mandatory),
region code not a known division, 港澳台 region.

>>> u = validate('31440000MD0123454E')
>>> u.department.name, u.org_type.name, u.region.code
('司法行政', '律师执业机构', '440000')
>>> validate('91110000600037341L').org_type.name
'企业'
>>> validate('91110000600037341M')
Traceback (most recent call last):
    ...
verify.registry.exceptions.InvalidChecksum: The check character does not match.
>>> calc_check_char('91110000600037341')
'L'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from verify.kinds.uscc import DEPARTMENTS, ORG_TYPES
from verify.registry import regions
from verify.registry.exceptions import InvalidChecksum, InvalidLength, UnknownCategory
from verify.registry.util import Coded, Flag, Parsed, clean, matches, never_raising

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_CHAR = "[0-9A-HJ-NP-RTUWXY]"
_SHAPE = re.compile(f"({_CHAR})({_CHAR})([0-9]{{6}})({_CHAR}{{9}}){_CHAR}")



@dataclass(frozen=True)
class Uscc(Parsed):
    """A parsed code; ``org_code`` is the embedded GB 11714 organisation code (9 characters)."""

    department: Coded
    org_type: Coded
    region: Coded
    org_code: str
    flags: tuple[Flag, ...]


#: python-stdnum's ``compact`` and ``format`` (the printed form): full-width to ASCII, no separators, upper case.
compact = format = clean


def calc_check_char(first17: str) -> str:
    """The MOD 31 check character of the first 17 characters."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[-total % 31]


def calc_org_check_char(body8: str) -> str:
    """The GB 11714 check character of an organisation code's 8 body characters."""
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    return {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))


def validate(number: str, today: date | None = None) -> Uscc:
    """Parse the number or raise a ``verify.registry.exceptions`` error (``today`` is unused)."""
    number = compact(number)
    if len(number) != 18:
        raise InvalidLength()
    department, org_type, region, org_code = matches(_SHAPE, number).groups()
    if calc_check_char(number[:17]) != number[17]:
        raise InvalidChecksum()
    if department + org_type not in ORG_TYPES:
        raise UnknownCategory("The registration department and organisation type are not a published pair.")
    flags: tuple[Flag, ...] = ()
    if calc_org_check_char(org_code[:8]) != org_code[8]:
        flags += (Flag("org_code_checksum", "org_code", "The embedded organisation code's check is wrong."),)
    if regions.is_hmt(region):
        flags += (Flag("hmt_region", "region", "港澳台 region code: needs manual review."),)
    elif not regions.exists(region):
        flags += (Flag("unknown_region", "region", "The region code is not a known division."),)
    return Uscc(
        department=Coded(department, DEPARTMENTS[department]),
        org_type=Coded(department + org_type, ORG_TYPES[department + org_type]),
        region=Coded(region, regions.region_name(region)),
        org_code=org_code,
        flags=flags,
    )


is_valid = never_raising(validate)
