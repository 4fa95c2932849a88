"""卫生专业技术资格证书 管理号, opaque: no published layout.

The certificate is printed for the national exam (人社部 with the health commission); the 管理号's
structure is not published (docs/registry-rules.md#health-title-qualification), so only digits and
upper-case letters and a length of 6-30 are checked.

>>> validate('2021 3100 0012 3456').value
'2021310000123456'
>>> is_valid('主治医师123456')
False
"""

from __future__ import annotations

from datetime import date

from verify.registry.opaque import OpaqueNumber, validate_opaque
from verify.registry.util import clean, never_raising

#: python-stdnum's ``compact`` and ``format`` (the printed form): full-width to ASCII, no separators, upper case.
compact = format = clean


def validate(number: str, today: date | None = None) -> OpaqueNumber:
    """The number as printed, or a ``verify.registry.exceptions`` error (``today`` is unused)."""
    return validate_opaque(number, cjk=False)


is_valid = never_raising(validate)
