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


#: The certificate kinds a document upload can prove, per profession.
DOCUMENT_KINDS: dict[Profession, tuple[CredentialKind, ...]] = {
    Profession.DOCTOR: (CredentialKind.PHYSICIAN_PRACTICE, CredentialKind.PHYSICIAN_QUALIFICATION),
    Profession.LAWYER: (CredentialKind.LAWYER_PRACTICE,),
    Profession.TEACHER: (CredentialKind.TEACHER_QUALIFICATION,),
}

#: The document title printed on each certificate kind.
DOCUMENT_TITLES: dict[CredentialKind, str] = {
    CredentialKind.PHYSICIAN_QUALIFICATION: "医师资格证书",
    CredentialKind.PHYSICIAN_PRACTICE: "医师执业证书",
    CredentialKind.LAWYER_PRACTICE: "律师执业证",
    CredentialKind.TEACHER_QUALIFICATION: "教师资格证书",
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


#: Canonical extracted field names per certificate kind, in printed order.
#: Values are normalised: dates ``YYYY-MM-DD``, gender ``男``/``女``, numbers compacted
#: (no spaces, upper-case ``X``), vocabulary words as printed (``临床``, ``专职律师`` ...).
CREDENTIAL_FIELDS: dict[CredentialKind, tuple[str, ...]] = {
    # 姓名 性别 出生日期 身份证号 证书编码 医师级别 执业类别 执业范围 执业地点/主要执业机构 发证机关 发证日期
    CredentialKind.PHYSICIAN_PRACTICE: (
        "name", "gender", "birth_date", "id_number", "number", "level", "category",
        "scope", "institution", "issuer", "issue_date",
    ),
    # 姓名 性别 出生日期 身份证号 资格级别 类别 毕业学校 证书编码 签发机关 签发日期
    CredentialKind.PHYSICIAN_QUALIFICATION: (
        "name", "gender", "birth_date", "id_number", "level", "category",
        "institution", "number", "issuer", "issue_date",
    ),
    # 持证人 性别 身份证号 执业机构 执业证类别 执业证号 法律职业资格或律师资格证号 发证机关 发证日期
    CredentialKind.LAWYER_PRACTICE: (
        "name", "gender", "id_number", "institution", "category", "number",
        "qualification_number", "issuer", "issue_date",
    ),
    # 姓名 性别 民族 出生日期 身份证件号码 资格种类 任教学科 证书号码 颁发机关 颁发日期
    CredentialKind.TEACHER_QUALIFICATION: (
        "name", "gender", "ethnicity", "birth_date", "id_number", "category",
        "subject", "number", "issuer", "issue_date",
    ),
}
