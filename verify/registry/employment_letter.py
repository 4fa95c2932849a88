"""在职证明: its number is the employer's 统一社会信用代码 (GB 32100-2015), validated as ``verify.registry.uscc``.

The letter's own rules (the employer's type: 事业单位 ``12``, 民办非企业单位 ``52``; the seal's
text) are checks on the printed fields (``verify.checks.employment_letter``).

>>> validate('12330000470051726F').org_type.name
'事业单位'
>>> is_valid('12330000470051726G')
False
"""

from __future__ import annotations

from datetime import date

from verify.registry import uscc
from verify.registry.util import clean, never_raising

#: python-stdnum's ``compact`` and ``format`` (the printed form): full-width to ASCII, no separators, upper case.
compact = format = clean


def validate(number: str, today: date | None = None) -> uscc.Uscc:
    """The employer's parsed code, or a ``verify.registry.exceptions`` error."""
    return uscc.validate(number, today)


is_valid = never_raising(validate)
