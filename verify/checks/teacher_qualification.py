"""Checks for the 教师资格证书 (docs/registry-rules.md#teacher-qualification-rules).

FAIL: the number's hard rules; printed 资格种类 vs digit 10; the number's year vs the year of
the printed 颁发日期 (they are equal: the number is assigned at 认定).
WARN: the sex digit against the ID number, 性别 and the holder (its meaning is UNCONFIRMED and
era-dependent); 颁发机关 naming another province than the number; age under 18 in the 认定 year.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from verify.checks import common, person
from verify.checks.common import WARN
from verify.domain import Check, Holder
from verify.kinds.teacher_qualification import CATEGORIES, CATEGORY_SHORT_FORMS
from verify.registry.resident_id import ResidentId
from verify.registry.teacher_qualification import TeacherQualification

PARTS = ("format", "year", "region", "category", "sex_digit")
MIN_AGE = 18

_STEMS = {word.removesuffix("教师资格"): code for code, word in CATEGORIES.items()}


def category_codes(printed: str) -> frozenset[str] | None:
    """The digit of a printed 资格种类 (``高级中学教师资格``, ``高中``…); ``None`` when unknown."""
    stem = re.sub(r"(\s|(教师资格证书|教师资格|教师)$)", "", printed)
    code = _STEMS.get(CATEGORY_SHORT_FORMS.get(stem, stem))
    return None if code is None else frozenset(code)


def number_facts(number: TeacherQualification, holder: Holder, today: date) -> list[Check]:
    """The sex digit vs the holder's gender; age in the 认定 year (both WARN)."""
    checks = []
    if holder.gender and number.gender:
        checks.append(common.agree("number.matches_holder_gender", number.gender == holder.gender,
                                   "The sex digit (era-dependent reading) and the account holder's gender",
                                   ("number",), WARN))
    birth = person.holder_birth_date(holder, today)
    return checks + person.age_plausible(number.year, birth, MIN_AGE, ("number",), WARN)


def field_checks(
    fields: Mapping[str, str], number: TeacherQualification, ident: ResidentId | None,
    holder: Holder, today: date,
) -> list[Check]:
    """Printed fields vs the number."""
    checks = []
    if ident is not None and number.gender:
        checks.append(common.agree("id_number.matches_number", ident.gender == number.gender,
                                   "The sex in 身份证号 and the sex digit (era-dependent reading)",
                                   ("id_number", "number"), WARN))
    if ident is not None and person.holder_birth_date(holder, today) is None:
        checks += person.age_plausible(number.year, ident.birth_date, MIN_AGE, ("id_number", "number"), WARN)
    if number.gender:
        checks.append(common.Comparison("gender.matches_number", "性别 and the sex digit (era-dependent reading)",
                                        ("gender", "number"), WARN).compare(fields, lambda v: v == number.gender))
    checks.append(common.Comparison("category.matches_number", "资格种类 and the category digit of 证书号码",
                                    ("category", "number")).compare(
        fields, lambda v: common.allows(category_codes(v), number.category.code)))
    issued, dated = common.issue_date(fields, today)
    checks += dated + common.number_years("issue_date.matches_number_year", issued, number.year, equal=True)
    return checks + common.issuer_region(fields, number.province.code)
