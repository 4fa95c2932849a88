"""The words of the business: professions, credential kinds, checks, outcomes.

Everything here is plain data with no Flask, HTTP or database behind it, so every
other layer (registry, fields, decide, labels, store, api) can share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Profession(StrEnum):
    """What the account claims to be (the API's ``profession``)."""

    DOCTOR = "doctor"
    LAWYER = "lawyer"
    TEACHER = "teacher"


class CredentialKind(StrEnum):
    """A document or number format we can validate (the API's ``kind``)."""

    PHYSICIAN_QUALIFICATION = "physician_qualification"  # 医师资格证书
    PHYSICIAN_PRACTICE = "physician_practice"  # 医师执业证书
    LAWYER_PRACTICE = "lawyer_practice"  # 律师执业证
    LEGAL_QUALIFICATION = "legal_qualification"  # 法律职业资格证书 (number only)
    TEACHER_QUALIFICATION = "teacher_qualification"  # 教师资格证书
    RESIDENT_ID = "resident_id"  # 居民身份证号码
    USCC = "uscc"  # 统一社会信用代码
    TITLE_CERTIFICATE = "title_certificate"  # 专业技术职务任职资格证书 / 职称证书
    HEALTH_TITLE_QUALIFICATION = "health_title_qualification"  # 卫生专业技术资格证书
    EMPLOYMENT_LETTER = "employment_letter"  # 在职证明


#: The certificate kinds a document upload can prove, per profession: the qualification
#: documents first, then those backing a rank (职称) or a workplace (在职证明).
DOCUMENT_KINDS: dict[Profession, tuple[CredentialKind, ...]] = {
    Profession.DOCTOR: (CredentialKind.PHYSICIAN_PRACTICE, CredentialKind.PHYSICIAN_QUALIFICATION,
                        CredentialKind.TITLE_CERTIFICATE, CredentialKind.HEALTH_TITLE_QUALIFICATION,
                        CredentialKind.EMPLOYMENT_LETTER),
    Profession.LAWYER: (CredentialKind.LAWYER_PRACTICE,),
    Profession.TEACHER: (CredentialKind.TEACHER_QUALIFICATION, CredentialKind.TITLE_CERTIFICATE,
                         CredentialKind.EMPLOYMENT_LETTER),
}


class CheckStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"


@dataclass(frozen=True)
class Check:
    """The result of one named rule.

    ``code`` is stable (e.g. ``id_number.checksum``); ``fields`` names the extracted
    fields the rule read, so the decision can tell whether an OCR misread could
    explain a failure.

    >>> Check("number.format", CheckStatus.PASS, "17 digits").status
    <CheckStatus.PASS: 'pass'>
    """

    code: str
    status: CheckStatus
    message: str
    fields: tuple[str, ...] = ()


class Outcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    NEEDS_REVIEW = "needs_review"


class VerificationStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    APPROVED = "approved"
    REJECTED = "rejected"
    NEEDS_REVIEW = "needs_review"

    @property
    def is_final(self) -> bool:
        return self in (self.APPROVED, self.REJECTED, self.NEEDS_REVIEW)


class ReviewState(StrEnum):
    """Where a review item is: waiting, leased to a reviewer, or decided (``review_items.state``)."""

    OPEN = "open"
    CLAIMED = "claimed"
    DECIDED = "decided"


@dataclass(frozen=True)
class Holder:
    """What the platform already knows about the person (its real-name check).

    ``gender`` is ``男`` or ``女``; every attribute is optional.
    """

    name: str | None = None
    id_number: str | None = None
    gender: str | None = None
    birth_date: date | None = None


@dataclass(frozen=True)
class FieldValue:
    """One extracted field: the normalised value, the text it came from, and how sure we are.

    ``confidence`` is 0..1 (1.0 for a PDF text layer); ``source`` is ``text`` or ``ocr``.
    """

    value: str
    raw: str
    confidence: float = 1.0
    source: str = "text"


@dataclass
class Extraction:
    """The fields read from one submission's document."""

    kind: CredentialKind | None
    fields: dict[str, FieldValue] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        return {name: f.value for name, f in self.fields.items()}


@dataclass(frozen=True)
class Decision:
    """An outcome with the codes that decided it."""

    outcome: Outcome
    reasons: tuple[str, ...] = ()

