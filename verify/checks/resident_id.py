"""Checks for a 公民身份号码 given on its own (docs/registry-rules.md#resident-id-number).

FAIL: length/charset, check character, real birth date not in the future, region code
attributable to the birth year; the number vs the holder's ID number, gender and birth date.
WARN: legacy 15-digit numbers (no check character), 港澳台 residence-permit prefixes.
"""

from __future__ import annotations

from datetime import date

from verify.checks import person
from verify.domain import Check, Holder
from verify.registry.resident_id import ResidentId

PARTS = person.ID_PARTS


def number_facts(number: ResidentId, holder: Holder, today: date) -> list[Check]:
    """The number vs what the platform knows about the holder."""
    return person.id_matches_holder(number, holder, today)
