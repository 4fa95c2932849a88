"""``POST /v1/credentials/validate``: a number's format and consistency, no document.

The answer has the shape of ``schemas.credential.ValidateResponseSchema`` (the OpenAPI document
shows it; the tests validate answers against it). It is built directly rather than dumped through
the schema: the dump only copies what ``check_number`` already returns, and on this endpoint it
cost nearly as much as the checks themselves.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from schemas.credential import ValidateRequestSchema
from verify.api.auth import require
from verify.api.common import load, services
from verify.checks import check_number
from verify.domain import CredentialKind, Holder

bp = Blueprint("credentials", __name__, url_prefix="/v1/credentials")
#: Built once: a marshmallow schema's constructor deep-copies its fields, which cost more than
#: the checks; ``load`` keeps no state on the instance, so threads can share it.
_REQUEST = ValidateRequestSchema()


@bp.post("/validate")
@require("platform", "reviewer")
def validate() -> Response:
    body = load(_REQUEST, request.get_json(silent=True))
    holder_data = body["holder"]
    holder = Holder(
        name=holder_data.get("name"), id_number=holder_data.get("id_number"),
        gender=holder_data.get("gender"), birth_date=holder_data.get("birth_date"),
    )
    kind = CredentialKind(body["kind"])
    report = check_number(kind, body["number"], holder, services().clock().date())
    return jsonify({
        "valid": report.valid, "verdict": report.verdict.value, "kind": kind.value, "parsed": report.parsed,
        "errors": report.errors,
        "checks": [{"code": c.code, "status": c.status.value, "message": c.message} for c in report.checks],
    })
