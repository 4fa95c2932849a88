"""The claim scan: an account (or a batch of them) in, its claims and actions out.

Field lengths are limited by settings (``VERIFY_LIMITS_CLAIM_NAME_CHARS`` 100, ``…_HANDLE_CHARS``
100, ``…_BIO_CHARS`` 2000 code points; a longer field answers 422) and a batch by
``VERIFY_LIMITS_CLAIM_BATCH_MAX`` (1000 accounts; more answers 413 ``too_many_accounts``), so the
schemas give no maximum of their own.
"""

from marshmallow import Schema, fields, validate

from verify.claims import Action, Evasion, Field
from verify.domain import Profession

REASONS = ["no_label", "rank_not_shown", "ambiguous", "weak_evidence", "former", "trainee", "other_licence",
           "qualification_only", "scope_differs", "level_differs"]


class AccountSchema(Schema):
    """What the platform shows of an account."""

    account_id = fields.Str(required=True, validate=validate.Length(1, 128))
    name = fields.Str(required=True, metadata={"description": "Display name (at most 100 code points by default)."})
    bio = fields.Str(allow_none=True, metadata={"description": "Profile text (at most 2000 code points by default)."})
    handle = fields.Str(allow_none=True, metadata={"description": "User name or handle (at most 100 by default)."})


class ScanBatchRequestSchema(Schema):
    accounts = fields.List(fields.Nested(AccountSchema), required=True, validate=validate.Length(min=1), metadata={
        "description": "At most 1000 accounts by default (VERIFY_LIMITS_CLAIM_BATCH_MAX); each counts against the "
                       "rate limit."})


class ClaimSchema(Schema):
    profession = fields.Str(required=True, validate=validate.OneOf([p.value for p in Profession]))
    title = fields.Str(required=True, metadata={"description": "Canonical title: 医生, 主任医师, 律师, 教师, 教授 ..."})
    text = fields.Str(required=True, metadata={"description": "The claim exactly as written: field[start:end]."})
    field = fields.Str(required=True, validate=validate.OneOf([f.value for f in Field]))
    start = fields.Int(required=True, metadata={"description": "Code-point offset into the field (inclusive)."})
    end = fields.Int(required=True, metadata={"description": "Code-point offset into the field (exclusive)."})
    evasion = fields.List(fields.Str(validate=validate.OneOf([e.value for e in Evasion])), required=True, metadata={
        "description": "How the claim was written other than plainly; empty when plain."})
    covered_by = fields.Str(allow_none=True, required=True, metadata={
        "description": "The id of a valid label of this account that backs the claim, or null."})
    action = fields.Str(required=True, validate=validate.OneOf([a.value for a in Action]))
    reason = fields.Str(allow_none=True, required=True, validate=validate.OneOf(REASONS), metadata={
        "description": "Why the action is not ok (null when ok); docs/claims-lexicon.md explains each."})


class ScanResultSchema(Schema):
    account_id = fields.Str(required=True)
    action = fields.Str(required=True, validate=validate.OneOf([a.value for a in Action]), metadata={
        "description": "The strictest of the claims' actions (ok < review < require_verification); ok without "
                       "claims."})
    claims = fields.List(fields.Nested(ClaimSchema), required=True)
    lexicon_version = fields.Str(required=True)


class ScanBatchResultSchema(Schema):
    results = fields.List(fields.Nested(ScanResultSchema), required=True, metadata={
        "description": "One answer per account, in the order sent."})
