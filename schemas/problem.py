"""RFC 9457 problem details."""

from marshmallow import Schema, fields


class ProblemSchema(Schema):
    type = fields.Str(required=True, metadata={"description": "Stable URI of the problem type"})
    title = fields.Str(required=True)
    status = fields.Int(required=True)
    detail = fields.Str()
    instance = fields.Str()
    errors = fields.Dict(metadata={"description": "Field name -> messages, for validation errors"})
