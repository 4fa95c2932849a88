"""Masking personal data for answers and pages: what a platform, and a reviewer without a reveal, is shown.

Judged by everything a role sees together, not field by field: an 18-character ID number is
region (6) + birth date (8) + sequence (3, its last digit odd for men) + check character, the
issuer and several credential numbers name the region, and the sex is shown. Keeping the first
and last four characters beside a full birth date left 1.6 guesses; so no character of an ID
number is shown (wherever it stands: the ID number field, the holder's, inside a 医师资格证书编码),
and of a birth date only the year. What is left is about 180,000 candidates for someone who knows the
region (tests/test_masking.py counts them). Whether the document's ID number is the holder's is
what the checks say (``id_number.matches_holder``); the full values are for an audited reveal.

A mask keeps the value's shape (separators, length, the characters it keeps) and replaces every
later letter or digit with ``*``, so the text as read (``raw``) is masked by the same rule.

>>> mask_id_number("330106198501150020")
'******************'
>>> mask_number("physician_qualification", "201233110330106198501150020")
'201233110******************'
>>> mask_number("lawyer_practice", "11102200810000003")
'11102200810000003'
>>> mask_field("teacher_qualification", "birth_date", "1985年01月15日")
'1985年**月**日'
>>> mask_field("resident_id", "id_number", "3301 0619 8501 1500 20"), mask_field("lawyer_practice", "name", "张三")
('**** **** **** **** **', '张三')
"""

from __future__ import annotations

import re

#: Kinds whose number embeds the holder's ID number after a fixed prefix (year, province, level, category).
_EMBEDDED_ID_PREFIX = {"physician_qualification": 9}
#: Of a birth date, the year.
_BIRTH_DATE_KEPT = 4
_ALPHANUMERIC = re.compile(r"\d|[A-Za-zＡ-Ｚａ-ｚ]")  # full-width forms too: OCR text may hold them


def _star_after(value: str | None, kept: int) -> str | None:
    """``value`` with every letter or digit after the first ``kept`` ones replaced by ``*``."""
    if not value:
        return value
    seen = 0

    def star(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        return match.group() if seen <= kept else "*"

    return _ALPHANUMERIC.sub(star, value)


def mask_id_number(value: str | None) -> str | None:
    """An ID number with none of its characters shown (its length and separators stay)."""
    return _star_after(value, 0)


def mask_number(kind: str | None, number: str | None) -> str | None:
    """A credential number with any embedded ID number masked."""
    if kind not in _EMBEDDED_ID_PREFIX:
        return number
    return _star_after(number, _EMBEDDED_ID_PREFIX[kind])


def mask_field(kind: str | None, name: str, value: str | None) -> str | None:
    """One extracted field (its value or the text as read) as shown without a reveal."""
    if name == "id_number":
        return mask_id_number(value)
    if name == "number":
        return mask_number(kind, value)
    if name == "birth_date":
        return _star_after(value, _BIRTH_DATE_KEPT)
    return value
