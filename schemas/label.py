"""Labels: the check request and answer, revocation, suspension, an account's labels."""

from marshmallow import Schema, fields, validate

CHECK_REASONS = [
    "malformed", "bad_signature", "unknown_key", "alg_not_allowed", "expired", "revoked", "wrong_account",
    "wrong_platform",
]
LABEL_STATES = ["active", "suspended", "expired", "revoked"]


class LabelCheckRequestSchema(Schema):
    """A check: 422 only when the body is not a JSON object with a ``token`` string (and, if sent, an ``account_id``
    of 1-128 characters, and nothing else); any token string is checked."""

    token = fields.Str(required=True, metadata={
        "description": "The label token. Any string is answered with a check: one that cannot be a label (empty, "
                       "longer than a label can be, not a compact JWS, unreadable parts) answers 200 with "
                       "`valid: false, reason: \"malformed\"`."})
    account_id = fields.Str(validate=validate.Length(1, 128))


class LabelSchema(Schema):
    id = fields.Str(required=True)
    display = fields.Str(required=True)
    domain = fields.Str(required=True, validate=validate.OneOf(["medical", "legal", "education"]))
    title = fields.Str(required=True)
    kind = fields.Str(required=True)
    account_id = fields.Str(required=True)
    issued_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    state = fields.Str(required=True, validate=validate.OneOf(LABEL_STATES))
    revoked_at = fields.DateTime(allow_none=True)
    revoke_reason = fields.Str(allow_none=True, metadata={"description": "`superseded` when a newer label replaced it"})
    suspended_at = fields.DateTime(allow_none=True)
    token = fields.Str()


class LabelCheckResponseSchema(Schema):
    valid = fields.Bool(required=True)
    reason = fields.Str(allow_none=True, validate=validate.OneOf(CHECK_REASONS),
                        metadata={"description": "null when valid; a suspended label answers `revoked`"})
    label = fields.Nested(LabelSchema, allow_none=True)


class RevokeRequestSchema(Schema):
    reason = fields.Str(required=True, validate=validate.Length(1, 255))


class LabelChangeRequestSchema(Schema):
    """Suspend or resume: the body is optional; a reason is kept in the audit log."""

    reason = fields.Str(validate=validate.Length(1, 255))


class AccountLabelsSchema(Schema):
    account_id = fields.Str(required=True)
    labels = fields.List(fields.Nested(LabelSchema), required=True)
