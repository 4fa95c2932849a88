"""Cross-field checks: one code path for the document pipeline and the validate endpoint.

``check_number`` checks a credential number on its own (and against the account holder);
``check_credential`` runs the same number checks, then the printed-field checks of a
certificate. Hard rules (CONFIRMED, docs/registry-rules.md) FAIL; doubtful ones WARN; a field
a rule needs but the document lacks WARNs (an OCR miss is possible). Every rule that passes
says so (PASS), so a reviewer can read what was verified.

>>> from datetime import date
>>> report = check_number(CredentialKind.LAWYER_PRACTICE, '11102200810000003', Holder(), date(2025, 1, 1))
>>> report.valid, report.verdict, report.parsed['category']
(True, <Verdict.VALID: 'valid'>, {'code': '1', 'name': '专职律师'})
>>> check_number(CredentialKind.LAWYER_PRACTICE, '11102200800000003', Holder(), date(2025, 1, 1)).verdict  # category 0
<Verdict.NEEDS_REVIEW: 'needs_review'>
>>> check_number(CredentialKind.RESIDENT_ID, '110105194912310021', Holder(), date(2025, 1, 1)).errors
[{'code': 'number.checksum', 'message': 'The check character does not match.'}]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from verify.checks import common, person
from verify.domain import Check, CheckStatus, CredentialKind, Holder
from verify.kinds import DOCUMENTS, KINDS
from verify.registry import exceptions as _exceptions

#: Every ``code`` that ``check_number`` can put in ``errors`` (the OpenAPI document lists them):
#: ``number.<part>`` for each part a registry error names, and the checks against the holder.
ERROR_CODES: tuple[str, ...] = tuple(sorted(
    {f"number.{cls.part}" for cls in vars(_exceptions).values()
     if isinstance(cls, type) and issubclass(cls, _exceptions.RegistryError)}
    | {"number.matches_holder_id", "number.matches_holder_gender", "number.matches_holder_birth_date",
       "age.plausible"}
))


class Verdict(StrEnum):
    """What a form should do with a number checked on its own."""

    VALID = "valid"  # every rule passed
    INVALID = "invalid"  # a hard rule is broken (or there is no number)
    NEEDS_REVIEW = "needs_review"  # no hard rule broken, but some finding only warns: a person must look


@dataclass(frozen=True)
class NumberReport:
    """A number's report: ``valid`` is False when the number is missing or any check FAILs.

    ``valid`` True says only that no hard rule is broken; ``verdict`` also tells a number every rule
    passed from one with a doubtful finding (a WARN: a code in no published list, say).
    ``parsed`` is the registry's ``as_dict()`` ({} when invalid; never the ID number itself);
    ``errors`` lists ``{code, message}`` of the FAIL checks (or of the missing number).
    """

    valid: bool
    parsed: dict[str, Any]
    errors: list[dict[str, str]]
    checks: list[Check]

    @property
    def verdict(self) -> Verdict:
        if not self.valid:
            return Verdict.INVALID
        if any(c.status is CheckStatus.WARN for c in self.checks):
            return Verdict.NEEDS_REVIEW
        return Verdict.VALID


def check_number(kind: CredentialKind, number: str | None, holder: Holder, today: date) -> NumberReport:
    """Check a credential number of any kind on its own (``POST /v1/credentials/validate``).

    One check per part of the number (PASS, or WARN for a doubtful finding), or one FAIL for
    the first hard rule broken; then the number against the account holder.
    """
    words = KINDS[kind]
    parsed, checks = common.parse_number(
        words.number_rules, number, today, words.check_rules.PARTS, field="number", caption=words.number_caption,
        opaque=words.opaque_number,
    )
    if parsed is not None:
        checks += words.check_rules.number_facts(parsed, holder, today)
    errors = [
        {"code": c.code, "message": c.message}
        for c in checks
        if c.status is CheckStatus.FAIL or (parsed is None and c.code == "number.format")
    ]
    valid = parsed is not None and not any(c.status is CheckStatus.FAIL for c in checks)
    return NumberReport(valid, parsed.as_dict() if parsed is not None else {}, errors, checks)


def check_credential(
    kind: CredentialKind, fields: Mapping[str, str], holder: Holder, today: date
) -> list[Check]:
    """Check the fields read from a certificate (one of ``verify.kinds.DOCUMENTS``).

    The number goes through the same checks as ``check_number``; rules that need the number
    or the printed ID number are skipped when it is missing or invalid (its own check says so).
    """
    words = DOCUMENTS.get(kind)
    if words is None:
        raise ValueError(f"{kind} is not a certificate kind")
    report = check_number(kind, fields.get("number"), holder, today)
    checks = list(report.checks)
    number = words.number_rules.validate(fields["number"], today) if report.parsed else None
    ident, id_checks = person.printed_id(fields, holder, today)
    checks += id_checks
    checks += person.checks(fields, ident, holder, has_birth_date="birth_date" in words.fields)
    if number is not None:
        checks += words.check_rules.field_checks(fields, number, ident, holder, today)
    return checks
