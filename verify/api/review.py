"""``/v1/review``: the manual verification queue for reviewers."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from schemas.review import DecisionRequestSchema, ReviewItemListSchema, ReviewItemSchema, ReviewListQuerySchema
from verify.api.auth import current_principal, require
from verify.api.common import load, services
from verify.services import review

bp = Blueprint("review", __name__, url_prefix="/v1/review")


@bp.get("/items")
@require("reviewer")
def list_items() -> Response:
    query = load(ReviewListQuerySchema(), request.args.to_dict())
    items = review.list_items(services(), current_principal(), query["state"])
    return jsonify(ReviewItemListSchema().dump({"items": items}))


@bp.post("/items/<item_id>/claim")
@require("reviewer")
def claim(item_id: str) -> Response:
    item = review.claim(services(), current_principal(), item_id)
    return jsonify(ReviewItemSchema().dump(item))


@bp.post("/items/<item_id>/decision")
@require("reviewer")
def decision(item_id: str) -> Response:
    body = load(DecisionRequestSchema(), request.get_json(silent=True))
    item = review.decide(services(), current_principal(), item_id, decision=body["decision"],
                         reason_code=body["reason_code"], note=body.get("note"))
    return jsonify(ReviewItemSchema().dump(item))
