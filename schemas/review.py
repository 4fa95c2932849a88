"""The manual verification queue: list filters, items, one case, claims and decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import Schema, fields, validate

from schemas import PAGE_SIZE, PAGE_SIZE_MAX
from schemas.verification import VerificationSchema, verification_view
from verify.domain import Profession, ReviewState
from verify.masking import mask_id_number
from verify.reasons import Reason
from verify.services.review.cases import REVEAL_REASON_MAX, Case
from verify.services.review.queue import QueueRow
from verify.services.review.reasons import (
    DECISIONS,
    MESSAGE_MAX,
    NOTE_MAX,
    REASON_CODES,
    applicant_message,
    internal_note,
)
from verify.services.verifications import Record

_STATES = [state.value for state in ReviewState]

_REASON_DOC = "; ".join(f"{r.code} ({r.decision}): {r.title}" for r in REASON_CODES)


class ReviewListQuerySchema(Schema):
    state = fields.Str(load_default=ReviewState.OPEN.value, validate=validate.OneOf(_STATES))
    profession = fields.Str(validate=validate.OneOf([p.value for p in Profession]))
    reason = fields.Str(validate=validate.Length(1, 64),
                        metadata={"description": "Only items with this reason code (e.g. name.matches_holder)"})
    platform = fields.Str(validate=validate.Length(1, 128),
                          metadata={"description": "Platform name; admin keys of every platform see every platform, "
                                                   "other keys their own"})
    limit = fields.Int(load_default=PAGE_SIZE, validate=validate.Range(1, PAGE_SIZE_MAX))


class ClaimNextRequestSchema(Schema):
    profession = fields.Str(validate=validate.OneOf([p.value for p in Profession]))
    reason = fields.Str(validate=validate.Length(1, 64))
    platform = fields.Str(validate=validate.Length(1, 128))


class ReviewItemSchema(Schema):
    id = fields.Str(required=True)
    verification_id = fields.Str(required=True)
    platform = fields.Str(required=True, metadata={"description": "Platform name"})
    account_id = fields.Str(required=True)
    profession = fields.Str(required=True)
    kind = fields.Str(allow_none=True)
    reasons = fields.List(fields.Str(), required=True, metadata={"description": "Why the machine was unsure"})
    state = fields.Str(required=True, validate=validate.OneOf(_STATES),
                       metadata={"description": "A claim whose lease lapsed is open again"})
    fencing = fields.Int(required=True, metadata={"description": "Grows with every claim; send it with the decision"})
    claimed_by = fields.Str(allow_none=True, metadata={"description": "API key id of the reviewer holding it"})
    lease_expires_at = fields.DateTime(allow_none=True)
    decision = fields.Str(allow_none=True)
    reason_code = fields.Str(allow_none=True)
    note = fields.Str(allow_none=True, metadata={"description": "Internal note (reviewers only)"})
    message = fields.Str(allow_none=True, metadata={"description": "The message for the applicant"})
    decided_by = fields.Str(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)


class ReviewItemListSchema(Schema):
    items = fields.List(fields.Nested(ReviewItemSchema), required=True)


class PreviousDecisionSchema(Schema):
    verification_id = fields.Str(required=True)
    status = fields.Str(required=True)
    decision = fields.Str(allow_none=True)
    reason_code = fields.Str(allow_none=True)
    message = fields.Str(allow_none=True)
    created_at = fields.DateTime(required=True)


class ReuseSchema(Schema):
    reason = fields.Str(required=True, validate=validate.OneOf([Reason.CREDENTIAL_IN_USE.value,
                                                                   Reason.DOCUMENT_IN_USE.value]))
    where = fields.Str(required=True, validate=validate.OneOf(["this_platform", "another_platform"]))
    account_id = fields.Str(metadata={"description": "The other account (this platform only)"})
    label_id = fields.Str(metadata={"description": "Its label (this platform only)"})


class ReviewCaseSchema(Schema):
    item = fields.Nested(ReviewItemSchema, required=True)
    verification = fields.Nested(VerificationSchema, required=True, metadata={
        "description": "ID numbers masked unless the case was fetched through the audited reveal call"})
    holder = fields.Dict(keys=fields.Str(), values=fields.Str(allow_none=True), required=True,
                         metadata={"description": "name and id_number (masked unless revealed) the platform's "
                                                  "real-name check sent"})
    revealed = fields.Bool(required=True, metadata={
        "description": "True only in the answer to POST .../reveal: personal data shown in full"})
    parts = fields.Int(required=True, metadata={"description": "How many document parts were uploaded"})
    previous = fields.List(fields.Nested(PreviousDecisionSchema), required=True,
                           metadata={"description": "Earlier rejected submissions of this case, newest first"})
    reuse = fields.List(fields.Nested(ReuseSchema), required=True, metadata={
        "description": "Live labels of other accounts backed by the same credential or picture"})


class RevealRequestSchema(Schema):
    reason = fields.Str(required=True, validate=validate.Length(1, REVEAL_REASON_MAX),
                        metadata={"description": "Why the full personal data is needed; written to the audit log"})


class LeaseRequestSchema(Schema):
    fencing = fields.Int(validate=validate.Range(min=0))


class DecisionRequestSchema(Schema):
    decision = fields.Str(required=True, validate=validate.OneOf(DECISIONS))
    reason_code = fields.Str(required=True, validate=validate.OneOf([r.code for r in REASON_CODES]),
                             metadata={"description": _REASON_DOC})
    note = fields.Str(validate=validate.Length(0, NOTE_MAX), metadata={"description": "Internal note"})
    message = fields.Str(validate=validate.Length(0, MESSAGE_MAX),
                         metadata={"description": "User-safe message for the applicant; default per reason code"})
    fencing = fields.Int(validate=validate.Range(min=0),
                         metadata={"description": "The claim's fencing number; a stale one answers 409"})


def item_view(row: QueueRow) -> dict[str, Any]:
    item = row.item
    return ReviewItemSchema().dump({
        "id": item.id, "verification_id": item.verification_id, "platform": row.platform_name,
        "account_id": row.verification.account_id, "profession": item.profession, "kind": row.verification.kind,
        "reasons": list(item.reasons or []), "state": row.state, "fencing": item.fencing,
        "claimed_by": item.claimed_by if row.state is ReviewState.CLAIMED else None,
        "lease_expires_at": item.lease_expires_at if row.state is ReviewState.CLAIMED else None,
        "decision": item.decision, "reason_code": item.reason_code, "note": internal_note(item),
        "message": applicant_message(item), "decided_by": item.decided_by, "decided_at": item.decided_at,
        "created_at": item.created_at,
    })


def case_view(case: Case, now: datetime) -> dict[str, Any]:
    """The case as ``ReviewCaseSchema`` describes it (its parts are dumped already)."""
    verification = case.row.verification
    return {
        "item": item_view(case.row),
        "verification": verification_view(Record(verification, case.label, case.row.item), now=now,
                                          reveal=case.revealed),
        "holder": {"name": verification.holder_name,
                   "id_number": verification.holder_id_number if case.revealed
                   else mask_id_number(verification.holder_id_number)},
        "revealed": case.revealed,
        "parts": len(case.parts),
        "previous": [
            PreviousDecisionSchema().dump({
                "verification_id": p.verification.id, "status": p.verification.status,
                "decision": p.item.decision if p.item else None,
                "reason_code": p.item.reason_code if p.item else None,
                "message": applicant_message(p.item) if p.item else None, "created_at": p.verification.created_at,
            })
            for p in case.previous
        ],
        "reuse": [ReuseSchema().dump(found) for found in verification.reuse or []],
    }
