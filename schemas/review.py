"""The manual verification queue."""

from marshmallow import Schema, fields, validate

from verify.services.review import APPROVE_REASONS, REJECT_REASONS, STATES


class ReviewListQuerySchema(Schema):
    state = fields.Str(load_default="open", validate=validate.OneOf(STATES))


class ReviewItemSchema(Schema):
    id = fields.Str(required=True)
    verification_id = fields.Str(required=True)
    profession = fields.Str(required=True)
    reasons = fields.List(fields.Str(), required=True)
    state = fields.Str(required=True)
    fencing = fields.Int(required=True)
    claimed_by = fields.Str(allow_none=True)
    lease_expires_at = fields.DateTime(allow_none=True)
    decision = fields.Str(allow_none=True)
    reason_code = fields.Str(allow_none=True)
    created_at = fields.DateTime(required=True)


class ReviewItemListSchema(Schema):
    items = fields.List(fields.Nested(ReviewItemSchema), required=True)


class DecisionRequestSchema(Schema):
    decision = fields.Str(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason_code = fields.Str(required=True, validate=validate.OneOf(sorted({*APPROVE_REASONS, *REJECT_REASONS})))
    note = fields.Str(validate=validate.Length(0, 2000))
