"""职称证书 证书编号 (专业技术职务任职资格证书), opaque: no national layout.

Provinces print their own forms (docs/registry-rules.md#title-certificate-number): 广东
``粤高职证字第17…号`` (the year's last two digits after 第), 交通运输部 7-digit serials, 四川's
e-certificates number only inside their system. So only characters (digits, letters, CJK) and
a length of 6-30 are checked; the year a number may start with is a soft check against 批准日期
(``verify.checks.title_certificate``).

>>> validate('粤高职证字第1701234567890号').digits
'1701234567890'
>>> is_valid('12'), is_valid('1100234')
(False, True)
"""

from __future__ import annotations

from datetime import date

from verify.registry.opaque import OpaqueNumber, validate_opaque
from verify.registry.util import clean, never_raising

#: python-stdnum's ``compact`` and ``format`` (the printed form): full-width to ASCII, no separators, upper case.
compact = format = clean


def validate(number: str, today: date | None = None) -> OpaqueNumber:
    """The number as printed, or a ``verify.registry.exceptions`` error (``today`` is unused)."""
    return validate_opaque(number, cjk=True)


is_valid = never_raising(validate)
