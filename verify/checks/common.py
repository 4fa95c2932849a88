"""Shared pieces of the cross-field checks: building checks, reading printed fields, dates.

Check codes read ``<field>.<rule>``: the field the rule is about, then what it verifies.
Messages never contain an ID number, a credential number or a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Any

from verify.domain import Check, CheckStatus
from verify.kinds.certificate import FIELD_NAMES
from verify.registry import regions
from verify.registry.exceptions import RegistryError

PASS, FAIL, WARN = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.WARN

#: What each part of a valid number says, for the PASS checks.
PART_PASSES = {
    "format": "{caption} has the expected layout.",
    "checksum": "The check character is correct.",
    "date": "The birth date is a real date and not in the future.",
    "year": "The year is within the possible range.",
    "region": "The region code is known.",
    "level": "The level code is known.",
    "category": "The category code is known.",
    "serial": "The serial part can be issued.",
    "sex_digit": "The sex digit is in the expected set.",
    "embedded_id": "The ID number inside the credential number is valid.",
    "org_code": "The embedded organisation code's check character is correct.",
}
#: What the one check of an opaque number (no national layout) says when it passes.
OPAQUE_PASS = "{caption} has no national layout: only its characters and length are checked, and they are plausible."
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")


def check(code: str, status: CheckStatus, message: str, fields: Iterable[str]) -> Check:
    return Check(code, status, message, tuple(fields))


def agree(
    code: str, same: bool, what: str | tuple[str, str], fields: Iterable[str], status: CheckStatus = FAIL
) -> Check:
    """PASS when ``same``, else ``status``.

    ``what`` reads like "性别 and the ID number" (+ agree/disagree), or is a (pass, fail) message pair.
    """
    passed, failed = what if isinstance(what, tuple) else (f"{what} agree.", f"{what} disagree.")
    return check(code, PASS if same else status, passed if same else failed, fields)


def text(fields: Mapping[str, str], name: str) -> str | None:
    """The stripped value of a field, or ``None`` when absent or empty."""
    value = fields.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def missing(code: str, name: str) -> Check:
    """WARN: a field the rule needs is not on the document (an OCR miss, perhaps)."""
    return check(code, WARN, f"{FIELD_NAMES.get(name, name)} not found on the document.", (name,))


def allows(allowed: Collection[str] | None, code: str) -> bool | None:
    """Whether ``code`` is allowed (``None`` when the printed word was not recognised)."""
    return None if allowed is None else code in allowed


def printed_date(value: str) -> tuple[date, bool] | None:
    """A printed ``YYYY-MM-DD`` (or ``YYYY-MM``) date and whether the day is known."""
    match = _DATE.fullmatch(value)
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        return date(int(year), int(month), int(day or 1)), day is not None
    except ValueError:
        return None


def parse_number(
    module: ModuleType, number: object, today: date, parts: tuple[str, ...], *, field: str, caption: str,
    opaque: bool = False,
) -> tuple[Any, list[Check]]:
    """Validate a number: one check per part (PASS or WARN from a flag), or one FAIL.

    Returns the parsed value (``None`` when missing or invalid) and the checks. An ``opaque``
    number's passing ``format`` check says that nothing but its characters was checked.
    """
    if number is None or (isinstance(number, str) and not number.strip()):
        return None, [check(f"{field}.format", WARN, f"{caption} not found on the document.", (field,))]
    try:
        parsed = module.validate(number, today)
    except RegistryError as exc:
        return None, [check(f"{field}.{exc.part}", FAIL, str(exc), (field,))]
    flagged: dict[str, list[str]] = {}
    for flag in parsed.flags:
        flagged.setdefault(flag.part, []).append(flag.message)
    checks = []
    for part in dict.fromkeys(parts + tuple(flagged)):
        if part in flagged:
            checks.append(check(f"{field}.{part}", WARN, " ".join(flagged[part]), (field,)))
        else:
            message = OPAQUE_PASS if opaque and part == "format" else PART_PASSES[part]
            checks.append(check(f"{field}.{part}", PASS, message.format(caption=caption), (field,)))
    return parsed, checks


@dataclass(frozen=True)
class Comparison:
    """A rule comparing a printed field with what is known: the check ``code``, ``what`` is
    compared (reads like "性别 and the ID number", + agree/disagree; or a (pass, fail) message
    pair), the fields it ``reads`` (the first is the printed field compared; each must be
    printed) and the ``status`` when they disagree.

    >>> rule = Comparison("gender.matches_holder", "性别 and the account holder's gender", ("gender",))
    >>> rule.compare({"gender": "女"}, lambda v: v == "男").message
    "性别 and the account holder's gender disagree."
    >>> rule.compare({}, lambda v: v == "男").status, rule.compare({"gender": "?"}, lambda v: None).status
    (<CheckStatus.WARN: 'warn'>, <CheckStatus.WARN: 'warn'>)
    """

    code: str
    what: str | tuple[str, str]
    reads: tuple[str, ...]
    status: CheckStatus = FAIL

    def compare(self, fields: Mapping[str, str], same: Callable[[str], bool | None]) -> Check:
        """WARN when a field it reads is absent, or the printed value unrecognised (``same`` gives
        ``None``); else PASS or ``status``."""
        for required in self.reads:
            if text(fields, required) is None:
                return missing(self.code, required)
        name = self.reads[0]
        result = same(text(fields, name) or "")
        if result is None:
            return check(self.code, WARN, f"{FIELD_NAMES.get(name, name)} is not a recognised value.", (name,))
        return agree(self.code, result, self.what, self.reads, self.status)


def issue_date(fields: Mapping[str, str], today: date) -> tuple[date | None, list[Check]]:
    """The printed issue date and ``issue_date.not_future`` (FAIL; WARN when absent or unreadable,
    or read without its day: every certificate prints one, so a year and month alone is a
    misreading to look at, not a date to approve on)."""
    read = printed_date(text(fields, "issue_date") or "")
    check_ = Comparison("issue_date.not_future", ("发证日期 is not in the future.", "发证日期 is in the future."),
                        ("issue_date",)).compare(fields, lambda v: read[0] <= today if read else None)
    if read and not read[1] and check_.status is PASS:
        check_ = check("issue_date.not_future", WARN, "发证日期 was read without its day.", ("issue_date",))
    return (read[0] if read else None), [check_]


def issuer_region(fields: Mapping[str, str], code: str) -> list[Check]:
    """Whether 发证机关 names the region the number encodes (WARN when it contradicts it).

    ``code`` is the number's division code or prefix (a province ``33``, a city ``3301``, a
    county ``330106``); the issuer may be of that division or above it (a province's authority
    for one of its cities) or below it. No check when the issuer names no place we know (a
    national body, or a name OCR could not read): that is not a contradiction.
    """
    issuer = text(fields, "issuer")
    if issuer is not None and regions.within(code, issuer) is None:
        return []
    rule = Comparison("issuer.region_matches",
                      ("发证机关 names the region in the number.", "发证机关 names another region than the number."),
                      ("issuer", "number"), WARN)
    return [rule.compare(fields, lambda v: regions.within(code, v))]


def number_years(code: str, issued: date | None, year: int, *, equal: bool = False) -> list[Check]:
    """The number's year vs the printed issue date's year (not after it, or ``equal``); FAIL."""
    if issued is None:
        return []
    same = issued.year == year if equal else year <= issued.year
    what = "The year in the number and the year of 发证日期"
    return [agree(code, same, what, ("issue_date", "number"))]
