"""Every credential kind, each in one home: its words in ``verify/kinds/<kind>.py``.

The registry (number rules), the field reader, the checks, the label table and the console
all read a kind's words from here. A new kind takes a ``CredentialKind`` member and three
modules named after it: its words here, its number rules in ``verify/registry/`` and its
checks in ``verify/checks/`` (``Kind.number_rules``, ``Kind.check_rules``).

>>> KINDS[CredentialKind.LAWYER_PRACTICE].number_rules.is_valid('11102200810000003')
True
>>> sorted(KINDS) == sorted(CredentialKind), list(DOCUMENTS)[0].value
(True, 'physician_practice')
>>> field_caption("physician_practice", "institution"), field_caption(None, "issue_date")
('主要执业机构', '发证日期')
"""

from __future__ import annotations

from verify.domain import CredentialKind
from verify.kinds import (
    employment_letter,
    health_title_qualification,
    lawyer_practice,
    legal_qualification,
    physician_practice,
    physician_qualification,
    resident_id,
    teacher_qualification,
    title_certificate,
    uscc,
)
from verify.kinds.certificate import FIELD_NAMES
from verify.kinds.kind import Kind

#: Every kind, certificates first (the label table's order).
KINDS: dict[CredentialKind, Kind] = {
    module.KIND.kind: module.KIND
    for module in (physician_practice, physician_qualification, lawyer_practice, legal_qualification,
                   teacher_qualification, resident_id, uscc, title_certificate, health_title_qualification,
                   employment_letter)
}
#: The kinds a document upload can prove: certificates that print fields.
DOCUMENTS: dict[CredentialKind, Kind] = {kind: words for kind, words in KINDS.items() if words.is_document}


def field_caption(kind: str | None, name: str) -> str:
    """How a document of ``kind`` captions field ``name`` (its usual caption), else the field's
    common name (``certificate.FIELD_NAMES``), else ``name`` itself."""
    words = DOCUMENTS.get(CredentialKind(kind)) if kind in KINDS else None
    printed = words.captions.get(name) if words is not None else None
    return printed[0] if printed else FIELD_NAMES.get(name, name)
