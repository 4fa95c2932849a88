"""Checks for the 律师执业证 (docs/registry-rules.md#lawyer-practice-rules).

FAIL: the number's hard rules; its sex digit vs the ID number, the printed 性别 and the holder;
执业证类别 vs the category digit; first-approval year after the issue year; age < 20 in the
first-approval year (the rule says ~21; one year of slack for year-only arithmetic).
WARN: category digit 0 (粤港澳大湾区律师, UNCONFIRMED), 发证机关 naming another region than the
number's city, unknown city code, a 法律职业资格或律师资格证号 that does not parse (pre-2002 numbers
have other shapes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from verify.checks import common, person
from verify.checks.common import WARN
from verify.domain import Check, Holder
from verify.kinds.certificate import FIELD_NAMES
from verify.kinds.lawyer_practice import CATEGORIES
from verify.registry import legal_qualification
from verify.registry.lawyer_practice import LawyerPractice
from verify.registry.resident_id import ResidentId

PARTS = ("format", "region", "year", "category", "sex_digit")
MIN_AGE = 20

_PRINTED_CATEGORIES = {word: code for code, word in CATEGORIES.items()}


def category_codes(printed: str) -> frozenset[str] | None:
    """The digit of a printed 执业证类别 (``专职律师`` or ``专职``); ``None`` when unknown."""
    word = re.sub(r"\s", "", printed)
    code = _PRINTED_CATEGORIES.get(word if word.endswith("律师") else word + "律师")
    return None if code is None else frozenset(code)


def number_facts(number: LawyerPractice, holder: Holder, today: date) -> list[Check]:
    """The sex digit vs the holder's gender; age in the first-approval year."""
    checks = []
    if holder.gender:
        checks.append(common.agree("number.matches_holder_gender", number.gender == holder.gender,
                                   "The sex digit and the account holder's gender", ("number",)))
    birth = person.holder_birth_date(holder, today)
    return checks + person.age_plausible(number.first_approval_year, birth, MIN_AGE, ("number",))


def field_checks(
    fields: Mapping[str, str], number: LawyerPractice, ident: ResidentId | None,
    holder: Holder, today: date,
) -> list[Check]:
    """Printed fields vs the number."""
    checks = []
    if ident is not None:
        checks.append(common.agree("id_number.matches_number", ident.gender == number.gender,
                                   "The sex in 身份证号 and the sex digit of 执业证号",
                                   ("id_number", "number")))
        if person.holder_birth_date(holder, today) is None:
            checks += person.age_plausible(number.first_approval_year, ident.birth_date, MIN_AGE,
                                           ("id_number", "number"))
    checks.append(common.Comparison("gender.matches_number", "性别 and the sex digit of 执业证号",
                                    ("gender", "number")).compare(fields, lambda v: v == number.gender))
    checks.append(common.Comparison("category.matches_number", "执业证类别 and the category digit of 执业证号",
                                    ("category", "number")).compare(
        fields, lambda v: common.allows(category_codes(v), number.category.code)))
    issued, dated = common.issue_date(fields, today)
    checks += dated + common.number_years("issue_date.after_number_year", issued, number.first_approval_year)
    checks += common.issuer_region(fields, number.city.code)
    return checks + qualification_number(fields, today)


def qualification_number(fields: Mapping[str, str], today: date) -> list[Check]:
    """法律职业资格或律师资格证号 parses (WARN: older 律师资格 numbers have other shapes)."""
    value = common.text(fields, "qualification_number")
    caption = FIELD_NAMES["qualification_number"]
    code = "qualification_number.format"
    if value is None:
        return [common.missing(code, "qualification_number")]
    valid = legal_qualification.is_valid(value)
    message = f"{caption} has the expected layout." if valid else f"{caption} does not have the 2002+ layout."
    return [common.check(code, common.PASS if valid else WARN, message, ("qualification_number",))]
