"""Checks about the person: the printed ID number, name, gender and birth date, the account holder, age.

The printed 身份证号 is validated like any number (``id_number.format`` …); the printed name,
性别 and 出生日期 must agree with it (FAIL) and with what the platform knows (FAIL; the name only
WARNs, as transliterations and OCR vary).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from verify.checks.common import (
    FAIL,
    PASS,
    WARN,
    Comparison,
    agree,
    check,
    parse_number,
    printed_date,
    text,
)
from verify.domain import Check, CheckStatus, Holder
from verify.kinds.certificate import FIELD_NAMES
from verify.reasons import Reason
from verify.registry import resident_id
from verify.registry.exceptions import RegistryError

ID_PARTS = ("format", "checksum", "date", "region")
_NAME_NOISE = re.compile(r"[\s·•・‧･.]")


def same_name(a: str, b: str) -> bool:
    """Names compared without whitespace and middle dots (维吾尔族 names are written with ·)."""
    def norm(s: str) -> str:
        return _NAME_NOISE.sub("", unicodedata.normalize("NFKC", s))

    return norm(a) == norm(b)


def holder_id(holder: Holder, today: date) -> resident_id.ResidentId | None:
    """The holder's ID number parsed, or ``None`` (absent or not valid)."""
    try:
        return resident_id.validate(holder.id_number, today) if holder.id_number else None
    except RegistryError:
        return None


def usable_holder(holder: Holder, today: date) -> tuple[Holder, tuple[Reason, ...]]:
    """The holder data the checks may compare with, and what keeps approval back.

    Automatic approval needs the platform's real-name data: the holder's name and ID number
    (``holder_unknown`` without either). An ID number that is not a valid 公民身份号码 is
    dropped from the comparisons (``holder_id_invalid``): a platform's typo must not reject a
    genuine certificate.

    >>> usable_holder(Holder(name="张三"), date(2025, 1, 1))[1] == ("holder_unknown",)
    True
    >>> held, why = usable_holder(Holder("张三", "110105194912310020"), date(2025, 1, 1))
    >>> held.id_number, why == ("holder_id_invalid",)
    (None, True)
    """
    holds: list[Reason] = []
    if not holder.name or not holder.id_number:
        holds.append(Reason.HOLDER_UNKNOWN)
    if holder.id_number and holder_id(holder, today) is None:
        holds.append(Reason.HOLDER_ID_INVALID)
        holder = replace(holder, id_number=None)
    return holder, tuple(holds)


def holder_birth_date(holder: Holder, today: date) -> date | None:
    """The holder's birth date, given or read from the holder's ID number."""
    parsed = holder_id(holder, today)
    return holder.birth_date or (parsed.birth_date if parsed else None)


def same_id(parsed: resident_id.ResidentId, other: str, today: date) -> bool:
    """Whether an ID number equals ``parsed`` (legacy 15-digit forms compared as 18 digits)."""
    try:
        number = resident_id.compact(other)
    except RegistryError:
        return False
    if number == parsed.number:  # the common case: no need to parse ``other`` again
        return True
    try:
        return resident_id.validate(number, today).as_18 == parsed.as_18
    except RegistryError:
        return False


def same_id_number(a: str, b: str, today: date) -> bool:
    """Two ID numbers as the same person's (legacy 15-digit forms as 18): the rule the checks and the console share.

    >>> same_id_number("110105491231002", "11010519491231002X", date(2025, 1, 1))
    True
    """
    try:
        parsed = resident_id.validate(a, today)
    except RegistryError:
        return "".join(a.split()).upper() == "".join(b.split()).upper()
    return same_id(parsed, b, today)


def id_matches_holder(parsed: resident_id.ResidentId, holder: Holder, today: date) -> list[Check]:
    """The ID number inside a number vs what the platform knows about the holder (FAIL)."""
    checks = []
    used = ("number",)
    if holder.id_number:
        checks.append(agree("number.matches_holder_id", same_id(parsed, holder.id_number, today),
                            "The ID number and the account holder's ID number", used))
    if holder.gender:
        checks.append(agree("number.matches_holder_gender", parsed.gender == holder.gender,
                            "The sex in the ID number and the account holder's gender", used))
    if holder.birth_date:
        checks.append(agree("number.matches_holder_birth_date", parsed.birth_date == holder.birth_date,
                            "The birth date in the ID number and the account holder's birth date", used))
    return checks


def age_plausible(
    year: int, birth: date | None, minimum: int, fields: Iterable[str], status: CheckStatus = FAIL
) -> list[Check]:
    """The holder was at least ``minimum`` years old (by year) in ``year``."""
    if birth is None:
        return []
    ok = year - birth.year >= minimum
    message = (f"The holder was at least {minimum} in {year}." if ok
               else f"The holder would have been under {minimum} in {year}.")
    return [check("age.plausible", PASS if ok else status, message, fields)]


def same_birth_date(value: str, other: date) -> bool | None:
    """A printed birth date (day optional) vs a date; ``None`` when unreadable."""
    read = printed_date(value)
    if read is None:
        return None
    printed, day_known = read
    return printed == other if day_known else (printed.year, printed.month) == (other.year, other.month)


def printed_id(
    fields: Mapping[str, str], holder: Holder, today: date
) -> tuple[resident_id.ResidentId | None, list[Check]]:
    """The printed ID number: its own checks, then whether it is the holder's."""
    caption = FIELD_NAMES["id_number"]
    value = text(fields, "id_number")
    parsed, checks = parse_number(resident_id, value, today, ID_PARTS, field="id_number", caption=caption)
    if parsed is not None and holder.id_number:
        checks.append(agree("id_number.matches_holder", same_id(parsed, holder.id_number, today),
                            f"{caption} and the account holder's ID number", ("id_number",)))
    return parsed, checks


def checks(
    fields: Mapping[str, str], ident: resident_id.ResidentId | None, holder: Holder, *, has_birth_date: bool
) -> list[Check]:
    """Printed name, gender and birth date vs the printed ID number (FAIL) and the holder.

    Checks against the printed ID number are skipped when it is missing or invalid: its own
    ``id_number.*`` check already says so.
    """
    found: list[Check] = []
    if holder.name:
        name = holder.name
        found.append(Comparison("name.matches_holder", "姓名 and the account holder's name", ("name",),
                                WARN).compare(fields, lambda v: same_name(v, name)))
    if ident is not None:
        found.append(Comparison("gender.matches_id", "性别 and the sex in 身份证号", ("gender", "id_number"))
                     .compare(fields, lambda v: v == ident.gender))
    if holder.gender:
        found.append(Comparison("gender.matches_holder", "性别 and the account holder's gender", ("gender",))
                     .compare(fields, lambda v: v == holder.gender))
    if has_birth_date and ident is not None:
        found.append(Comparison("birth_date.matches_id", "出生日期 and the birth date in 身份证号",
                                ("birth_date", "id_number")).compare(
            fields, lambda v: same_birth_date(v, ident.birth_date)))
    if has_birth_date and holder.birth_date:
        born = holder.birth_date
        found.append(Comparison("birth_date.matches_holder", "出生日期 and the account holder's birth date",
                                ("birth_date",)).compare(fields, lambda v: same_birth_date(v, born)))
    return found
