"""Shared helpers of the registry modules: normalising input and the parsed-result base.

>>> clean('３３０１ 0619-85.01ｘ')
'330106198501X'
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from verify.registry.exceptions import InvalidDate, InvalidFormat, RegistryError

#: Full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space, mapped to ASCII.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
#: Separators people and OCR put inside numbers (after full-width mapping).
_SEPARATORS = frozenset("-.·‐‑‒–—―")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def clean(number: object) -> str:
    """Map full-width characters to ASCII, drop whitespace, hyphens and dots, upper-case ASCII.

    Only ASCII letters are upper-cased and only full-width forms are mapped, so the result is
    stable: ``clean(clean(x)) == clean(x)``. Anything but ``str`` raises ``InvalidFormat``.
    """
    if not isinstance(number, str):
        raise InvalidFormat("The number must be text.")
    text = number.translate(_FULL_WIDTH)
    text = "".join(c for c in text if not c.isspace() and c not in _SEPARATORS)
    return text.translate(_ASCII_UPPER)


def never_raising(validate: Callable[[str], object]) -> Callable[[object], bool]:
    """A module's ``is_valid``: whether ``validate`` takes the number, for any input, never raising.

    >>> is_valid = never_raising(lambda number: matches(re.compile("[0-9]{3}"), clean(number)))
    >>> is_valid("１２３"), is_valid("12"), is_valid(None)
    (True, False, False)
    """

    def is_valid(number: object) -> bool:
        """Whether the number is valid; never raises."""
        try:
            return bool(validate(number))  # type: ignore[arg-type]
        except RegistryError:
            return False

    return is_valid


def matches(pattern: re.Pattern[str], number: str) -> re.Match[str]:
    """``pattern.fullmatch`` or ``InvalidFormat`` (patterns use ``[0-9]``, never ``\\d``)."""
    match = pattern.fullmatch(number)
    if match is None:
        raise InvalidFormat()
    return match


def to_date(year: int, month: int, day: int) -> date:
    """A real calendar date or ``InvalidDate``."""
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidDate() from None


@dataclasses.dataclass(frozen=True)
class Coded:
    """A code and its meaning (``name`` is ``None`` when the code is not in our tables)."""

    code: str
    name: str | None


@dataclasses.dataclass(frozen=True)
class Flag:
    """A doubtful finding that does not make the number invalid: the checks layer WARNs.

    ``part`` names the part of the number it is about (as ``RegistryError.part``).
    """

    code: str
    part: str
    message: str


#: ``field(metadata=PRIVATE)`` keeps a field out of ``as_dict`` (personal data).
PRIVATE = {"private": True}


class Parsed:
    """Mixin for the frozen dataclasses ``validate`` returns."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe values: dates as ISO strings, flags as their codes, private fields left out."""
        return {name: _json_safe(getattr(self, name)) for name in _public_fields(type(self))}


#: The non-private field names of each ``Parsed`` class (``dataclasses.fields`` is slow per call).
_PUBLIC_FIELDS: dict[type, tuple[str, ...]] = {}


def _public_fields(cls: type) -> tuple[str, ...]:
    names = _PUBLIC_FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls) if not f.metadata.get("private"))
        _PUBLIC_FIELDS[cls] = names
    return names


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, Coded):
        return {"code": value.code, "name": value.name}
    if isinstance(value, Flag):
        return value.code
    if isinstance(value, Parsed):
        return value.as_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json_safe(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_json_safe(v) for v in value]
    return value
