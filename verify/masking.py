"""Masking personal data for answers and logs.

>>> mask_id_number("330106198501150020")
'3301**********0020'
>>> mask_number("physician_qualification", "201233110330106198501150020")
'2012331103301**********0020'
>>> mask_number("lawyer_practice", "11102200810000003")
'11102200810000003'
"""

from __future__ import annotations

# Kinds whose number embeds the holder's ID number after a fixed prefix.
_EMBEDDED_ID_PREFIX = {"physician_qualification": 9}


def mask_id_number(value: str | None) -> str | None:
    """Keep the first four and last four characters of an ID number."""
    if not value:
        return value
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_number(kind: str | None, number: str | None) -> str | None:
    """A credential number with any embedded ID number masked."""
    if not number or kind not in _EMBEDDED_ID_PREFIX:
        return number
    prefix = _EMBEDDED_ID_PREFIX[kind]
    return number[:prefix] + (mask_id_number(number[prefix:]) or "")
