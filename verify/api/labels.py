"""Labels: the check hot path, revocation, suspension and resumption, an account's labels, status lists."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from schemas.label import (
    AccountLabelsSchema,
    LabelChangeRequestSchema,
    LabelCheckRequestSchema,
    LabelSchema,
    RevokeRequestSchema,
)
from verify.api.auth import current_principal, require
from verify.api.common import load, services
from verify.labels.status_list import MEDIA_TYPE
from verify.services.labels import changes, checking, reading, status_lists, views
from verify.store.models import Label

bp = Blueprint("labels", __name__)
_check_request = LabelCheckRequestSchema()
_CHECK_FIELDS = frozenset(_check_request.fields)
_MAX_ACCOUNT_CHARS = _check_request.fields["account_id"].validators[0].max  # type: ignore[attr-defined]
_revoke_request = RevokeRequestSchema()
_change_request = LabelChangeRequestSchema()
_label = LabelSchema()
_account_labels = AccountLabelsSchema()


def _check_body() -> dict[str, Any]:
    """The check request: well-formed bodies are taken as they are; anything else gets the schema's 422.

    Any ``token`` string is well-formed here: one that cannot be a label is the check's to answer
    (``malformed``), not a malformed request.
    """
    body = request.get_json(silent=True)
    if isinstance(body, dict) and body.keys() <= _CHECK_FIELDS:
        token, account_id = body.get("token"), body.get("account_id", "")
        if (isinstance(token, str)
                and isinstance(account_id, str) and len(account_id) <= _MAX_ACCOUNT_CHARS
                and (account_id or "account_id" not in body)):
            return body
    return load(_check_request, body)


@bp.post("/v1/labels/check")
@require("platform")
def check() -> Response:
    """The hot path: the body is checked without a schema and the answer (``LabelCheckResponse``) dumped as it is."""
    body = _check_body()
    result = checking.check(services(), current_principal(), body["token"], body.get("account_id"))
    answer = {"valid": result.valid, "reason": result.reason, "label": result.label}
    return Response(json.dumps(answer, ensure_ascii=False, separators=(",", ":")), mimetype="application/json")


def _label_answer(label: Label, now: datetime) -> Response:
    """The label after a lifecycle change, as every change route answers it."""
    return jsonify(_label.dump(views.describe(label, now)))


@bp.post("/v1/labels/<label_id>/revoke")
@require("platform")
def revoke(label_id: str) -> Response:
    body = load(_revoke_request, request.get_json(silent=True))
    ctx = services()
    label = changes.revoke(ctx, current_principal(), label_id, body["reason"])
    return _label_answer(label, ctx.clock())


@bp.post("/v1/labels/<label_id>/suspend")
@require("platform")
def suspend(label_id: str) -> Response:
    body = load(_change_request, request.get_json(silent=True) or {})
    ctx = services()
    label = changes.suspend(ctx, current_principal(), label_id, body.get("reason"))
    return _label_answer(label, ctx.clock())


@bp.post("/v1/labels/<label_id>/resume")
@require("platform")
def resume(label_id: str) -> Response:
    body = load(_change_request, request.get_json(silent=True) or {})
    ctx = services()
    label = changes.resume(ctx, current_principal(), label_id, body.get("reason"))
    return _label_answer(label, ctx.clock())


@bp.get("/v1/accounts/<account_id>/labels")
@require("platform")
def for_account(account_id: str) -> Response:
    ctx = services()
    now = ctx.clock()
    rows = reading.for_account(ctx, current_principal(), account_id)
    body = {"account_id": account_id, "labels": [views.describe(label, now) for label in rows]}
    return jsonify(_account_labels.dump(body))


@bp.get("/v1/status-lists/<int:list_id>")
def status_list(list_id: int) -> Response:
    """A Token Status List, ``application/statuslist+jwt``: public, no auth, cacheable for what is left of its ttl."""
    ctx = services()
    published = status_lists.status_list(ctx, list_id)
    response = Response(published.token, mimetype=MEDIA_TYPE)
    response.headers["Cache-Control"] = f"public, max-age={published.max_age(ctx.clock().timestamp())}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.set_etag(published.etag, weak=True)  # same statuses, same tag: in every worker, across rebuilds
    return response


@bp.after_app_request
def conditional(response: Response) -> Response:
    """Public, cacheable answers (the JWKS, the status lists) carry an ``ETag``; a matching ``If-None-Match`` is 304.

    An answer without a tag of its own gets a strong one from its body (the JWKS is the same bytes in
    every worker until a key is added or retired).
    """
    if (request.method in ("GET", "HEAD") and response.status_code == 200
            and "public" in response.headers.get("Cache-Control", "")):
        if "ETag" not in response.headers:
            response.add_etag()
        response.make_conditional(request)
    return response
