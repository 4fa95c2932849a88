"""Platforms: the approval policy an admin sets."""

from marshmallow import Schema, fields, validate

from verify.services.policy import ApprovalPolicy

_POLICIES = [policy.value for policy in ApprovalPolicy]


class PolicyRequestSchema(Schema):
    approval = fields.Str(required=True, validate=validate.OneOf(_POLICIES), metadata={
        "description": "`auto`: the machine approves what passes every rule; `review_all`: every case goes to a "
                       "reviewer and only reviewers issue labels"})


class PolicySchema(Schema):
    platform = fields.Str(required=True)
    approval = fields.Str(required=True, validate=validate.OneOf(_POLICIES))
