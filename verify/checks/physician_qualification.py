"""Checks for the 医师资格证书 (docs/registry-rules.md#physician-qualification-rules).

FAIL: the number's hard rules, the embedded ID number vs the printed 身份证号 and the holder,
age at the qualification year (< 18), issue year before the number's year.
WARN: unknown or unconfirmed level/category/province codes, printed 资格级别/类别 vs the number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from verify.checks import common, person
from verify.checks.common import WARN
from verify.domain import Check, Holder
from verify.kinds.physician_qualification import CATEGORIES, FAMILIES, GROUPS, LEVELS
from verify.registry.physician_qualification import PhysicianQualification
from verify.registry.resident_id import ResidentId

PARTS = ("format", "year", "region", "level", "category", "embedded_id")
MIN_AGE = 18

_PRINTED_LEVELS = {word: frozenset(c for c, w in LEVELS.items() if w == word) for word in LEVELS.values()}
_PRINTED_CATEGORIES = {word: frozenset({code}) for code, word in CATEGORIES.items()} | {
    family: frozenset(c for c in CATEGORIES if c[0] == digit) for digit, family in FAMILIES.items()
} | {group: frozenset(codes) for group, codes in GROUPS.items()}


def level_codes(printed: str) -> frozenset[str] | None:
    """The level digits a printed 医师级别 allows (``None`` when not a known word)."""
    word = re.sub(r"\s", "", printed)
    if "助理" in word:
        word = "执业助理医师"
    elif word in ("医师", "执业医师"):
        word = "执业医师"
    return _PRINTED_LEVELS.get(word)


def category_codes(printed: str) -> frozenset[str] | None:
    """The category codes a printed 类别/执业类别 allows (``None`` when not a known word)."""
    word = re.sub(r"(\s|类别$|类$)", "", printed)
    word = {"临床医学": "临床", "口腔医学": "口腔"}.get(word, word)
    return _PRINTED_CATEGORIES.get(word)


def level_and_category(fields: Mapping[str, str], level: str, category: str) -> list[Check]:
    """Printed level and category vs the number's digits (WARN: the code values are PARTLY confirmed)."""
    return [
        common.Comparison("level.matches_number", "医师级别 and the level digit of the number", ("level", "number"),
                          WARN).compare(fields, lambda v: common.allows(level_codes(v), level)),
        common.Comparison("category.matches_number", "类别 and the category digits of the number",
                          ("category", "number"), WARN).compare(
            fields, lambda v: common.allows(category_codes(v), category)),
    ]


def number_facts(number: PhysicianQualification, holder: Holder, today: date) -> list[Check]:
    """The embedded ID number vs the holder; age at the qualification year."""
    embedded = number.embedded_id
    return person.id_matches_holder(embedded, holder, today) + person.age_plausible(
        number.year, embedded.birth_date, MIN_AGE, ("number",))


def field_checks(
    fields: Mapping[str, str], number: PhysicianQualification, ident: ResidentId | None,
    holder: Holder, today: date,
) -> list[Check]:
    """Printed fields vs the number."""
    checks = []
    if ident is not None:
        checks.append(common.agree("id_number.matches_number", ident.as_18 == number.embedded_id.as_18,
                                   "身份证号 and the ID number inside 证书编码", ("id_number", "number")))
    checks += level_and_category(fields, number.level.code, number.category.code)
    issued, dated = common.issue_date(fields, today)
    return checks + dated + common.number_years("issue_date.after_number_year", issued, number.year)
