"""Masking personal data for answers and logs.

>>> mask_id_number("330106198501150020")
'3301**********0020'
>>> mask_number("physician_qualification", "201233110330106198501150020")
'2012331103301**********0020'
>>> mask_number("lawyer_practice", "11102200810000003")
'11102200810000003'
>>> mask_field("resident_id", "id_number", "330106198501150020"), mask_field("lawyer_practice", "name", "张三")
('3301**********0020', '张三')
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


def mask_field(kind: str | None, name: str, value: str | None) -> str | None:
    """One extracted field as shown without a reveal: ID numbers masked, wherever they stand."""
    if name == "id_number":
        return mask_id_number(value)
    if name == "number":
        return mask_number(kind, value)
    return value
