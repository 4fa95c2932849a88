"""``/v1/review``: the manual verification queue for reviewers (admin keys of every platform see every platform)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from schemas.review import (
    ClaimNextRequestSchema,
    DecisionRequestSchema,
    LeaseRequestSchema,
    RevealRequestSchema,
    ReviewListQuerySchema,
    case_view,
    item_view,
)
from verify.api.auth import current_principal, require
from verify.api.common import load, services
from verify.domain import ReviewState
from verify.services.review import cases, decisions, leases, queue

bp = Blueprint("review", __name__, url_prefix="/v1/review")


def _answer(body: Any, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"  # personal data
    return response


def _optional_body(schema: Any) -> dict[str, Any]:
    """An optional JSON body: absent or empty means no options."""
    body = request.get_json(silent=True)
    return load(schema, body) if body else {}


@bp.get("/items")
@require("reviewer")
def list_items() -> Response:
    query = load(ReviewListQuerySchema(), request.args.to_dict())
    rows = queue.list_items(services(), current_principal(), ReviewState(query["state"]),
                             profession=query.get("profession"), reason=query.get("reason"),
                             platform=query.get("platform"), limit=query["limit"])
    return _answer({"items": [item_view(row) for row in rows]})


@bp.post("/next")
@require("reviewer")
def claim_next() -> Response:
    filters = _optional_body(ClaimNextRequestSchema())
    row = leases.claim_next(services(), current_principal(), **filters)
    return _answer(item_view(row)) if row else Response(status=204)


@bp.get("/items/<item_id>")
@require("reviewer")
def get_item(item_id: str) -> Response:
    ctx = services()
    return _answer(case_view(cases.get_case(ctx, current_principal(), item_id), ctx.clock()))


@bp.post("/items/<item_id>/reveal")
@require("reviewer")
def reveal(item_id: str) -> Response:
    """The case with personal data in full; the reveal and its reason go to the audit log."""
    body = load(RevealRequestSchema(), request.get_json(silent=True))
    ctx = services()
    return _answer(case_view(cases.get_case(ctx, current_principal(), item_id, reveal_reason=body["reason"]),
                             ctx.clock()))


@bp.post("/items/<item_id>/claim")
@require("reviewer")
def claim(item_id: str) -> Response:
    return _answer(item_view(leases.claim(services(), current_principal(), item_id)))


@bp.post("/items/<item_id>/release")
@require("reviewer")
def release(item_id: str) -> Response:
    body = _optional_body(LeaseRequestSchema())
    return _answer(item_view(leases.release(services(), current_principal(), item_id, body.get("fencing"))))


@bp.post("/items/<item_id>/decision")
@require("reviewer")
def decision(item_id: str) -> Response:
    body = load(DecisionRequestSchema(), request.get_json(silent=True))
    decided = decisions.decide(services(), current_principal(), item_id, decision=body["decision"],
                            reason_code=body["reason_code"], note=body.get("note"), message=body.get("message"),
                            fencing=body.get("fencing"))
    return _answer(item_view(decided.row))
