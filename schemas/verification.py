"""Verifications: the multipart submission, the verification object and its list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import Schema, validate
from marshmallow import fields as ma

from schemas import PAGE_SIZE, PAGE_SIZE_MAX
from verify.domain import CredentialKind, Profession, VerificationStatus
from verify.masking import mask_field, mask_number
from verify.services.labels.views import describe
from verify.services.review.reasons import applicant_review
from verify.services.verifications import Record
from verify.stored import checks_from_stored, fields_from_stored
from verify.submission import BACKS

_PROFESSIONS = [p.value for p in Profession]
_STATUSES = [s.value for s in VerificationStatus]
_DOCUMENT_KINDS = frozenset(kind.value for kind in BACKS)


class VerificationFormSchema(Schema):
    """The non-file parts of ``POST /v1/verifications`` (multipart/form-data)."""

    account_id = ma.Str(required=True, validate=validate.Length(1, 128))
    profession = ma.Str(required=True, validate=validate.OneOf(_PROFESSIONS))
    holder_name = ma.Str(validate=validate.Length(1, 128))
    holder_id_number = ma.Str(validate=validate.Length(1, 32))
    resubmission_of = ma.Str(validate=validate.Length(1, 32),
                             metadata={"description": "The id of a rejected verification this resubmits"})


class VerificationListQuerySchema(Schema):
    account_id = ma.Str(validate=validate.Length(1, 128))
    status = ma.Str(validate=validate.OneOf(_STATUSES))
    limit = ma.Int(load_default=PAGE_SIZE, validate=validate.Range(1, PAGE_SIZE_MAX))
    cursor = ma.Str(validate=validate.Length(1, 200))


class CheckSchema(Schema):
    code = ma.Str(required=True)
    status = ma.Str(required=True, validate=validate.OneOf(["pass", "fail", "warn"]))
    message = ma.Str(required=True)


class CredentialSchema(Schema):
    kind = ma.Str(allow_none=True)
    number = ma.Str(allow_none=True, metadata={"description": "Embedded ID numbers are masked (every character)"})
    fields = ma.Dict(keys=ma.Str(), values=ma.Str(), metadata={
        "description": "name, gender, birth_date (the year only: 1985-**-**), id_number (every character masked: "
                       "the checks say whether it is the holder's), category ... Unmasked only in a reviewer's "
                       "audited reveal"})
    field_confidence = ma.Dict(keys=ma.Str(), values=ma.Float())
    confidence = ma.Float(allow_none=True)


class DocumentSchema(Schema):
    """One document of the submission and the claim it backs."""

    kind = ma.Str(required=True)
    backs = ma.Str(required=True, validate=validate.OneOf(sorted(set(BACKS.values()))), metadata={
        "description": "qualification, practice (the right to practise), rank (a 职称) or workplace (an employer's "
                       "letter: the department and institution, approved by a person)"})
    primary = ma.Bool(required=True, metadata={"description": "The document the credential and the label rest on"})


class LabelSummarySchema(Schema):
    id = ma.Str(required=True)
    token = ma.Str(required=True)
    display = ma.Str(required=True)
    domain = ma.Str(required=True)
    title = ma.Str(required=True)
    expires_at = ma.DateTime(required=True)


class ReviewSummarySchema(Schema):
    """A person's decision, as the applicant may see it."""

    decision = ma.Str(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason_code = ma.Str(required=True)
    message = ma.Str(allow_none=True, metadata={"description": "User-safe message for the applicant"})
    decided_at = ma.DateTime(allow_none=True)


class VerificationSchema(Schema):
    id = ma.Str(required=True)
    account_id = ma.Str(required=True)
    profession = ma.Str(required=True, validate=validate.OneOf(_PROFESSIONS))
    status = ma.Str(required=True, validate=validate.OneOf(_STATUSES))
    credential = ma.Nested(CredentialSchema, allow_none=True)
    documents = ma.List(ma.Nested(DocumentSchema), metadata={
        "description": "Each document the submission held (several: a practising certificate, a title certificate, "
                       "an employment letter), the primary first; empty when none was recognised"})
    checks = ma.List(ma.Nested(CheckSchema))
    reasons = ma.List(ma.Str())
    label = ma.Nested(LabelSummarySchema, allow_none=True)
    review = ma.Nested(ReviewSummarySchema, allow_none=True, metadata={"description": "Set once a reviewer decided"})
    created_at = ma.DateTime(required=True)
    updated_at = ma.DateTime(required=True)
    redacted_at = ma.DateTime(allow_none=True, metadata={
        "description": "When the personal data was removed (DELETE, or retention after the decision)"})


class VerificationPageSchema(Schema):
    items = ma.List(ma.Nested(VerificationSchema), required=True)
    next_cursor = ma.Str(allow_none=True)


def verification_view(record: Record, *, now: datetime, reveal: bool = False) -> dict[str, Any]:
    """The verification object; personal data masked unless ``reveal`` (reviewers)."""
    v = record.verification
    read = fields_from_stored(v.fields)
    values = {name: field.value if reveal else mask_field(v.kind, name, field.value)
              for name, field in read.items() if name != "number"}
    credential = None
    if v.kind or values:
        credential = {
            "kind": v.kind,
            "number": v.number if reveal else mask_number(v.kind, v.number),
            "fields": values,
            "field_confidence": {name: field.confidence for name, field in read.items()},
            "confidence": v.confidence,
        }
    label = describe(record.label, now)
    documents = v.documents or ([{"kind": v.kind, "backs": BACKS[CredentialKind(v.kind)], "primary": True}]
                                if v.kind in _DOCUMENT_KINDS else [])
    return VerificationSchema().dump({
        "id": v.id, "account_id": v.account_id, "profession": v.profession, "status": v.status,
        "credential": credential, "documents": documents, "checks": checks_from_stored(v.checks),
        "reasons": v.reasons or [],
        "label": label, "review": applicant_review(record.review), "created_at": v.created_at,
        "updated_at": v.updated_at, "redacted_at": v.redacted_at,
    })
