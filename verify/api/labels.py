"""Labels: the check hot path, revocation and an account's labels."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from schemas.label import (
    AccountLabelsSchema,
    LabelCheckRequestSchema,
    LabelCheckResponseSchema,
    LabelSchema,
    RevokeRequestSchema,
)
from verify.api.auth import current_principal, require
from verify.api.common import load, services
from verify.services import labels

bp = Blueprint("labels", __name__)
_check_request = LabelCheckRequestSchema()
_check_response = LabelCheckResponseSchema()


@bp.post("/v1/labels/check")
@require("platform")
def check() -> Response:
    body = load(_check_request, request.get_json(silent=True))
    ctx = services()
    result = labels.check(ctx, current_principal(), body["token"], body.get("account_id"))
    label = labels.describe(result.label, ctx.clock()) if result.valid else None
    return jsonify(_check_response.dump({"valid": result.valid, "reason": result.reason, "label": label}))


@bp.post("/v1/labels/<label_id>/revoke")
@require("platform")
def revoke(label_id: str) -> Response:
    body = load(RevokeRequestSchema(), request.get_json(silent=True))
    ctx = services()
    label = labels.revoke(ctx, current_principal(), label_id, body["reason"])
    return jsonify(LabelSchema().dump(labels.describe(label, ctx.clock())))


@bp.get("/v1/accounts/<account_id>/labels")
@require("platform")
def for_account(account_id: str) -> Response:
    ctx = services()
    now = ctx.clock()
    rows = labels.for_account(ctx, current_principal(), account_id)
    body = {"account_id": account_id, "labels": [labels.describe(label, now) for label in rows]}
    return jsonify(AccountLabelsSchema().dump(body))
