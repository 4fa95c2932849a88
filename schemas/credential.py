"""``POST /v1/credentials/validate``: a number checked without a document."""

from marshmallow import Schema, fields, validate

from schemas.verification import CheckSchema
from verify.checks import ERROR_CODES, Verdict
from verify.kinds import KINDS

#: The kinds whose number has a structure to check (an opaque number, a 职称证书编号, has none).
VALIDATE_KINDS = [kind.value for kind, words in KINDS.items() if not words.opaque_number]
VERDICTS = [v.value for v in Verdict]


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
    valid = fields.Bool(required=True, metadata={
        "description": "No hard rule is broken. True also when a finding only warns: read `verdict`."})
    verdict = fields.Str(required=True, validate=validate.OneOf(VERDICTS), metadata={
        "description": "`valid`: every rule passed. `invalid`: a hard rule is broken (`errors` says which). "
                       "`needs_review`: nothing is broken, but a finding only warns (a code in no published list, "
                       "a doubtful match with the holder): a person must look before relying on the number."})
    kind = fields.Str(required=True)
    parsed = fields.Dict(required=True)
    errors = fields.List(fields.Nested(ErrorSchema), required=True)
    checks = fields.List(fields.Nested(CheckSchema), metadata={
        "description": "Every rule applied to the number: pass, fail, or warn (a doubtful finding; still valid)."})
