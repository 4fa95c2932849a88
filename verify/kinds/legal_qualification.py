"""法律职业资格证书 number, given on its own (printed on a 律师执业证 as 法律职业资格或律师资格证号).

Source: docs/registry-rules.md#legal-qualification (the class letter: A national; B/C restricted to
relaxed-admission areas).

>>> CLASSES["B"]
'B类（放宽地区）'
"""

from __future__ import annotations

from verify.domain import CredentialKind
from verify.kinds.kind import Kind

#: The class letter (position 1).
CLASSES = {"A": "A类", "B": "B类（放宽地区）", "C": "C类（放宽地区）"}

KIND = Kind(kind=CredentialKind.LEGAL_QUALIFICATION, title="法律职业资格证书", number_caption="证书编号")
