"""Build synthetic numbers from their parts, with check characters computed independently
of ``verify.registry`` (the check-character formulas of docs/registry-rules.md#resident-id-number and python-stdnum)."""

from __future__ import annotations

from datetime import date

from stdnum.cn import ric

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def id_check_char(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def make_id(region: str = "330106", birth: date = date(1985, 1, 15), seq: int = 2) -> str:
    """An 18-digit ID number; ``seq`` odd for men."""
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    check = id_check_char(first17)
    assert check == ric.calc_check_digit(first17 + "0")
    return first17 + check


def make_legacy_id(region: str = "110105", birth: date = date(1956, 12, 31), seq: int = 2) -> str:
    return f"{region}{birth:%y%m%d}{seq:03d}"


def uscc_check_char(first17: str) -> str:
    weights = [pow(3, i, 31) for i in range(17)]
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, weights, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    def value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - 55

    r = 11 - sum(value(c) * w for c, w in zip(body8, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11
    return {10: "X", 11: "0"}.get(r, str(r))


def make_uscc(org_type: str = "91", region: str = "110108", body8: str = "MA01ABCD") -> str:
    first17 = org_type + region + body8 + org_code_check_char(body8)
    return first17 + uscc_check_char(first17)
