"""``POST /v1/credentials/validate``: a number's format and consistency, no document."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from schemas.credential import ValidateRequestSchema, ValidateResponseSchema
from verify.api.auth import require
from verify.api.common import load, services
from verify.checks import check_number
from verify.domain import CredentialKind, Holder

bp = Blueprint("credentials", __name__, url_prefix="/v1/credentials")


@bp.post("/validate")
@require("platform", "reviewer")
def validate() -> Response:
    body = load(ValidateRequestSchema(), request.get_json(silent=True))
    holder_data = body["holder"]
    holder = Holder(
        name=holder_data.get("name"), id_number=holder_data.get("id_number"),
        gender=holder_data.get("gender"), birth_date=holder_data.get("birth_date"),
    )
    kind = CredentialKind(body["kind"])
    report = check_number(kind, body["number"], holder, services().clock().date())
    return jsonify(ValidateResponseSchema().dump({
        "valid": report.valid, "kind": kind.value, "parsed": report.parsed, "errors": report.errors,
        "checks": [{"code": c.code, "status": c.status.value, "message": c.message} for c in report.checks],
    }))
