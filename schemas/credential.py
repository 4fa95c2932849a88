"""``POST /v1/credentials/validate``: a number checked without a document."""

from marshmallow import Schema, fields, validate

from schemas.verification import CheckSchema
from verify.checks import ERROR_CODES
from verify.domain import CredentialKind

VALIDATE_KINDS = [k.value for k in CredentialKind]


class HolderSchema(Schema):
    name = fields.Str(validate=validate.Length(1, 128))
    id_number = fields.Str(validate=validate.Length(1, 64))
    gender = fields.Str(validate=validate.OneOf(["男", "女"]))
    birth_date = fields.Date()


class ValidateRequestSchema(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(VALIDATE_KINDS))
    number = fields.Str(required=True, validate=validate.Length(1, 256))
    holder = fields.Nested(HolderSchema, load_default=dict)


class ErrorSchema(Schema):
    code = fields.Str(required=True, metadata={
        "enum": list(ERROR_CODES),
        "description": "The rule the number broke: number.<part> for its own layout, "
                       "number.matches_holder_* and age.plausible for the holder.",
    })
    message = fields.Str(required=True, metadata={"description": "For people; never repeats the number."})


class ValidateResponseSchema(Schema):
    valid = fields.Bool(required=True)
    kind = fields.Str(required=True)
    parsed = fields.Dict(required=True)
    errors = fields.List(fields.Nested(ErrorSchema), required=True)
    checks = fields.List(fields.Nested(CheckSchema), metadata={
        "description": "Every rule applied to the number: pass, fail, or warn (a doubtful finding; still valid)."})
