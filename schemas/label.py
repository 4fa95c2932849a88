"""Labels: the check request and answer, revocation, an account's labels."""

from marshmallow import Schema, fields, validate

CHECK_REASONS = [
    "malformed", "bad_signature", "unknown_key", "alg_not_allowed", "expired", "revoked", "wrong_account",
    "wrong_platform",
]


class LabelCheckRequestSchema(Schema):
    token = fields.Str(required=True, validate=validate.Length(1, 16384))
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
    state = fields.Str(required=True, validate=validate.OneOf(["active", "expired", "revoked"]))
    revoked_at = fields.DateTime(allow_none=True)
    token = fields.Str()


class LabelCheckResponseSchema(Schema):
    valid = fields.Bool(required=True)
    reason = fields.Str(allow_none=True, validate=validate.OneOf(CHECK_REASONS))
    label = fields.Nested(LabelSchema, allow_none=True)


class RevokeRequestSchema(Schema):
    reason = fields.Str(required=True, validate=validate.Length(1, 255))


class AccountLabelsSchema(Schema):
    account_id = fields.Str(required=True)
    labels = fields.List(fields.Nested(LabelSchema), required=True)
