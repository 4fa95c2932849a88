"""Webhooks: endpoints, the delivery log, and the events a platform receives (OpenAPI ``webhooks``)."""

from marshmallow import Schema, fields, validate

from schemas import PAGE_SIZE, PAGE_SIZE_MAX
from verify.domain import Outcome, Profession
from verify.webhooks.events import DECIDED_BY, EVENT_TYPES, LABEL_EVENTS, LABEL_REASONS, TEST_EVENT, VERIFICATION_EVENTS

DELIVERY_STATES = ["pending", "sending", "succeeded", "failed", "cancelled"]
ATTEMPT_ERRORS = ["timeout", "dns_error", "blocked_address", "invalid_url", "connect_error", "tls_error",
                  "bad_response", "redirect", "http_status", "integrity_error"]
_ID = validate.Length(1, 64)


class EndpointRequestSchema(Schema):
    url = fields.Str(required=True, validate=validate.Length(1, 2048), metadata={
        "description": "https (http only where the operator allows it); its host must resolve to public addresses "
                       "at delivery time, unless the operator allows the network"})
    events = fields.List(fields.Str(validate=validate.OneOf(EVENT_TYPES)),
                         validate=validate.Length(1, len(EVENT_TYPES)),
                         metadata={"description": "the event types to receive; absent: every type, new ones too"})


class EndpointSchema(Schema):
    id = fields.Str(required=True)
    url = fields.Str(required=True)
    events = fields.List(fields.Str(), allow_none=True, required=True,
                         metadata={"description": "null: every event type"})
    state = fields.Str(required=True, validate=validate.OneOf(["enabled", "disabled"]))
    disabled_at = fields.DateTime(allow_none=True)
    disabled_reason = fields.Str(allow_none=True, validate=validate.OneOf(["gone", "failing"]), metadata={
        "description": "`gone`: it answered 410; `failing`: no delivery succeeded since `failing_since`, for "
                       "longer than VERIFY_WEBHOOK_DISABLE_AFTER_DAYS"})
    failing_since = fields.DateTime(allow_none=True, metadata={"description": "first failure since the last success"})
    previous_secret_expires_at = fields.DateTime(allow_none=True, metadata={
        "description": "after a rotation, the old secret also signs until then"})
    created_at = fields.DateTime(required=True)


class EndpointWithSecretSchema(EndpointSchema):
    secret = fields.Str(required=True, metadata={"description": "whsec_…: shown only in this answer"})


class EndpointListSchema(Schema):
    endpoints = fields.List(fields.Nested(EndpointSchema), required=True)


class RotateSecretRequestSchema(Schema):
    grace_seconds = fields.Int(validate=validate.Range(0, 7 * 86400), metadata={
        "description": "how long the old secret keeps signing beside the new one (default "
                       "VERIFY_WEBHOOK_SECRET_GRACE_HOURS)"})


class AttemptSchema(Schema):
    number = fields.Int(required=True)
    at = fields.DateTime(required=True)
    duration_ms = fields.Float(required=True)
    status_code = fields.Int(allow_none=True)
    error = fields.Str(allow_none=True, validate=validate.OneOf(ATTEMPT_ERRORS),
                       metadata={"description": "null when the receiver answered 2xx"})
    response = fields.Str(required=True, metadata={"description": "the first 4 KiB of the answer"})


class DeliverySchema(Schema):
    id = fields.Str(required=True)
    endpoint_id = fields.Str(required=True)
    event_id = fields.Str(required=True, metadata={"description": "the webhook-id: the same on retries and "
                                                                  "redeliveries"})
    event_type = fields.Str(required=True, validate=validate.OneOf(EVENT_TYPES))
    payload = fields.Dict(required=True, metadata={"description": "the body sent: {type, timestamp, data}"})
    state = fields.Str(required=True, validate=validate.OneOf(DELIVERY_STATES))
    next_attempt_at = fields.DateTime(allow_none=True)
    last_status_code = fields.Int(allow_none=True)
    last_error = fields.Str(allow_none=True)
    redelivery_of = fields.Str(allow_none=True)
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True)
    attempts = fields.List(fields.Nested(AttemptSchema), required=True)


class DeliveryPageSchema(Schema):
    items = fields.List(fields.Nested(DeliverySchema), required=True)
    next_cursor = fields.Str(allow_none=True)


class DeliveryListQuerySchema(Schema):
    endpoint_id = fields.Str(validate=_ID)
    state = fields.Str(validate=validate.OneOf(DELIVERY_STATES))
    limit = fields.Int(load_default=PAGE_SIZE, validate=validate.Range(1, PAGE_SIZE_MAX))
    cursor = fields.Str(validate=validate.Length(1, 200))


# --- the events (the OpenAPI document's top-level ``webhooks``) --------------------------------------------------
class VerificationEventDataSchema(Schema):
    verification_id = fields.Str(required=True)
    account_id = fields.Str(required=True, metadata={"description": "the platform's own account id"})
    profession = fields.Str(required=True, validate=validate.OneOf([p.value for p in Profession]))
    status = fields.Str(required=True, validate=validate.OneOf([o.value for o in Outcome]))
    reasons = fields.List(fields.Str(), required=True, metadata={"description": "reason codes"})
    label_id = fields.Str(allow_none=True, required=True)
    decided_by = fields.Str(required=True, validate=validate.OneOf(DECIDED_BY),
                            metadata={"description": "`machine`: the pipeline; `reviewer`: a person"})


class LabelEventDataSchema(Schema):
    label_id = fields.Str(required=True)
    verification_id = fields.Str(required=True)
    account_id = fields.Str(required=True)
    kind = fields.Str(required=True)
    domain = fields.Str(required=True, validate=validate.OneOf(["medical", "legal", "education"]))
    status = fields.Str(required=True, validate=validate.OneOf(["active", "suspended", "expired", "revoked"]))
    reason_code = fields.Str(required=True, validate=validate.OneOf(LABEL_REASONS), metadata={
        "description": "`superseded`: a newer label of the account in the same domain; `requested`: the platform "
                       "or an admin; `lifetime_ended`: it expired"})


class WebhookTestEventDataSchema(Schema):
    endpoint_id = fields.Str(required=True)


class VerificationEventSchema(Schema):
    type = fields.Str(required=True, validate=validate.OneOf(VERIFICATION_EVENTS))
    timestamp = fields.DateTime(required=True)
    data = fields.Nested(VerificationEventDataSchema, required=True)


class LabelEventSchema(Schema):
    type = fields.Str(required=True, validate=validate.OneOf(LABEL_EVENTS))
    timestamp = fields.DateTime(required=True)
    data = fields.Nested(LabelEventDataSchema, required=True)


class WebhookTestEventSchema(Schema):
    type = fields.Str(required=True, validate=validate.OneOf([TEST_EVENT]))
    timestamp = fields.DateTime(required=True)
    data = fields.Nested(WebhookTestEventDataSchema, required=True)
