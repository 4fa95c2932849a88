"""Checks for a 统一社会信用代码 (docs/registry-rules.md#unified-social-credit-code).

FAIL: length, charset, region digits, MOD 31 check character, 部门/类别 pair.
WARN: the embedded GB 11714 check character (not proven mandatory), unknown or 港澳台 region.
"""

from __future__ import annotations

from datetime import date

from verify.domain import Check, Holder
from verify.registry.uscc import Uscc

PARTS = ("format", "checksum", "category", "region", "org_code")


def number_facts(number: Uscc, holder: Holder, today: date) -> list[Check]:
    """An organisation's code says nothing about a person."""
    return []
