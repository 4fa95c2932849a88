"""The stored JSON of a verification's fields and checks, to and from the pipeline's typed values.

``verifications.fields`` maps each field's name to ``{value, raw, confidence, source}`` (the value
and raw text sealed at rest: verify.crypto.at_rest, which opens them before anyone reads the row);
``verifications.checks`` is a list of ``{code, status, message, fields}``. Only this module knows
those shapes: processing stores through ``fields_to_stored`` / ``checks_to_stored``, and the
readers (label issuing, the console, the API's views) get ``FieldValue`` and ``Check`` back.
A confidence is stored to three decimals.

>>> from verify.domain import CheckStatus
>>> stored = fields_to_stored({"name": FieldValue("张三", "张 三", 0.91234, "ocr")})
>>> stored
{'name': {'value': '张三', 'raw': '张 三', 'confidence': 0.912, 'source': 'ocr'}}
>>> fields_from_stored(stored)["name"]
FieldValue(value='张三', raw='张 三', confidence=0.912, source='ocr')
>>> checks = checks_to_stored([Check("number.format", CheckStatus.PASS, "17 digits", ("number",))])
>>> checks
[{'code': 'number.format', 'status': 'pass', 'message': '17 digits', 'fields': ['number']}]
>>> checks_from_stored(checks)[0].status
<CheckStatus.PASS: 'pass'>
>>> fields_from_stored(None), checks_from_stored(None)
({}, [])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from verify.domain import Check, CheckStatus, FieldValue

CONFIDENCE_DIGITS = 3


def fields_to_stored(fields: Mapping[str, FieldValue]) -> dict[str, dict[str, Any]]:
    """The JSON of ``verifications.fields`` for the extracted ``fields``."""
    return {name: {"value": f.value, "raw": f.raw, "confidence": round(f.confidence, CONFIDENCE_DIGITS),
                   "source": f.source} for name, f in fields.items()}


def fields_from_stored(stored: Mapping[str, Mapping[str, Any]] | None) -> dict[str, FieldValue]:
    """The fields of an (opened) ``verifications.fields``; none for a row without any.

    Only ``value`` is required, as label issuing always read it alone: an entry written without the
    other parts reads as typed text (``FieldValue``'s defaults, the raw text the value itself).

    >>> fields_from_stored({"category": {"value": "专职律师"}})["category"]
    FieldValue(value='专职律师', raw='专职律师', confidence=1.0, source='text')
    """
    return {name: FieldValue(entry["value"], entry.get("raw", entry["value"]), entry.get("confidence", 1.0),
                             entry.get("source", "text")) for name, entry in (stored or {}).items()}


def checks_to_stored(checks: Iterable[Check]) -> list[dict[str, Any]]:
    """The JSON of ``verifications.checks`` for ``checks``."""
    return [{"code": c.code, "status": c.status.value, "message": c.message, "fields": list(c.fields)}
            for c in checks]


def checks_from_stored(stored: Iterable[Mapping[str, Any]] | None) -> list[Check]:
    """The checks of ``verifications.checks``, in their order; none for a row without any."""
    return [Check(entry["code"], CheckStatus(entry["status"]), entry["message"], tuple(entry.get("fields", ())))
            for entry in stored or ()]
