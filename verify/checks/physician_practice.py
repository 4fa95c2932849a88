"""Checks for the 医师执业证书 (docs/registry-rules.md#physician-practice-rules).

FAIL: the number's hard rules (15 digits, serial, province), printed ID number and dates.
WARN: level/category codes and their agreement with the printed 医师级别/执业类别 (code values
UNCONFIRMED), 执业范围 outside the 执业类别's list, 发证机关 naming another region than the number's
authority code, unknown
region codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from verify.checks import common
from verify.checks.common import WARN
from verify.checks.physician_qualification import level_and_category
from verify.domain import Check, Holder
from verify.kinds.physician_qualification import PRACTICE_CATEGORIES, SCOPE_VARIANTS, SCOPES
from verify.registry.physician_practice import PhysicianPractice
from verify.registry.resident_id import ResidentId

PARTS = ("format", "serial", "region", "level", "category")

#: 执业范围 per 执业类别, without the 专业 suffix, longest first (a shorter one may be part of a longer).
_SCOPE_STEMS = {
    family: sorted((scope.removesuffix("专业") for scope in (*scopes, *SCOPE_VARIANTS.get(family, ()))),
                   key=len, reverse=True)
    for family, scopes in SCOPES.items()
}
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_SEPARATORS = re.compile(r"[\s、，,；;/]")


def scope_in_category(scope: str, category: str) -> bool | None:
    """Whether every 执业范围 item belongs to the printed 执业类别 (``None``: category unknown)."""
    family = PRACTICE_CATEGORIES.get(re.sub(r"(\s|类别$)", "", category))
    if family is None:
        return None
    # Brackets are removed only up to the last closing one: beyond it no bracket closes, and from each
    # opening bracket there the search would run to the end (quadratic over a run of them).
    last = max(scope.rfind(")"), scope.rfind("）"))
    rest = (_BRACKETS.sub("", scope[:last + 1]) + scope[last + 1:]).replace("专业", "")
    for stem in _SCOPE_STEMS[family]:
        rest = rest.replace(stem, "")
    return not _SEPARATORS.sub("", rest)


def number_facts(number: PhysicianPractice, holder: Holder, today: date) -> list[Check]:
    """The practising number says nothing about the holder."""
    return []


def field_checks(
    fields: Mapping[str, str], number: PhysicianPractice, ident: ResidentId | None,
    holder: Holder, today: date,
) -> list[Check]:
    """Printed fields vs the number and the controlled vocabularies."""
    category = common.text(fields, "category") or ""
    checks = level_and_category(fields, number.level.code, number.category.code)
    checks.append(common.Comparison("scope.matches_category", "执业范围 and 执业类别", ("scope", "category"),
                                    WARN).compare(fields, lambda v: scope_in_category(v, category)))
    checks += common.issuer_region(fields, number.region.code)
    return checks + common.issue_date(fields, today)[1]
