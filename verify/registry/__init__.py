"""Offline validators for the numbers on Chinese professional credentials.

One python-stdnum shaped module per number kind (``compact``, ``validate``, ``is_valid``,
``format``); rules and sources are in ``docs/registry-rules.md``. ``validate``
raises a ``verify.registry.exceptions.RegistryError`` for a broken hard rule and returns a
frozen dataclass (``as_dict()`` gives JSON-safe values) whose ``flags`` carry the doubtful
findings the checks layer turns into warnings.

>>> MODULES[CredentialKind.LAWYER_PRACTICE].is_valid('11102200810000003')
True
>>> sorted(MODULES) == sorted(CredentialKind)
True
"""

from __future__ import annotations

from types import ModuleType

from verify.domain import CredentialKind
from verify.registry import (
    lawyer_practice,
    legal_qualification,
    physician_practice,
    physician_qualification,
    resident_id,
    teacher_qualification,
    uscc,
)

MODULES: dict[CredentialKind, ModuleType] = {
    CredentialKind.PHYSICIAN_QUALIFICATION: physician_qualification,
    CredentialKind.PHYSICIAN_PRACTICE: physician_practice,
    CredentialKind.LAWYER_PRACTICE: lawyer_practice,
    CredentialKind.LEGAL_QUALIFICATION: legal_qualification,
    CredentialKind.TEACHER_QUALIFICATION: teacher_qualification,
    CredentialKind.RESIDENT_ID: resident_id,
    CredentialKind.USCC: uscc,
}
