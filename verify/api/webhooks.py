"""``/v1/webhooks``: a platform's endpoints and their delivery log (verify.services.webhooks)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify, request

from schemas.webhook import (
    DeliveryListQuerySchema,
    DeliverySchema,
    EndpointRequestSchema,
    EndpointSchema,
    EndpointWithSecretSchema,
    RotateSecretRequestSchema,
)
from verify.api.auth import current_principal, require
from verify.api.common import edge, load, services
from verify.services import webhooks
from verify.services.webhooks import DeliveryRecord
from verify.store.models import WebhookEndpoint

bp = Blueprint("webhooks", __name__, url_prefix="/v1/webhooks")


def _endpoint(endpoint: WebhookEndpoint, secret: str | None = None) -> dict[str, Any]:
    view = {
        "id": endpoint.id, "url": endpoint.url, "events": endpoint.events,
        "state": "disabled" if endpoint.disabled_at else "enabled", "disabled_at": endpoint.disabled_at,
        "disabled_reason": endpoint.disabled_reason, "failing_since": endpoint.failing_since,
        "previous_secret_expires_at": endpoint.previous_secret_expires_at if endpoint.previous_secret else None,
        "created_at": endpoint.created_at,
    }
    if secret is None:
        return EndpointSchema().dump(view)
    return EndpointWithSecretSchema().dump({**view, "secret": secret})


def _delivery(record: DeliveryRecord) -> dict[str, Any]:
    delivery = record.delivery
    return DeliverySchema().dump({
        "id": delivery.id, "endpoint_id": delivery.endpoint_id, "event_id": delivery.event_id,
        "event_type": record.event.type, "payload": json.loads(record.event.body), "state": delivery.state,
        "next_attempt_at": delivery.next_attempt_at, "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error, "redelivery_of": delivery.redelivery_of,
        "created_at": delivery.created_at, "finished_at": delivery.finished_at,
        "attempts": [{"number": a.number, "at": a.at, "duration_ms": a.duration_ms, "status_code": a.status_code,
                      "error": a.error, "response": a.response} for a in record.attempts],
    })


def _private(body: Any, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/endpoints")
@require("platform")
def create_endpoint() -> Response:
    body = load(EndpointRequestSchema(), request.get_json(silent=True))
    endpoint, secret = webhooks.create_endpoint(services(), current_principal(), body["url"], body.get("events"))
    return _private(_endpoint(endpoint, secret), 201)


@bp.get("/endpoints")
@require("platform")
def list_endpoints() -> Response:
    found = webhooks.list_endpoints(services(), current_principal())
    return _private({"endpoints": [_endpoint(e) for e in found]})  # each already dumped (EndpointListSchema)


@bp.get("/endpoints/<endpoint_id>")
@require("platform")
def get_endpoint(endpoint_id: str) -> Response:
    return _private(_endpoint(webhooks.get_endpoint(services(), current_principal(), endpoint_id)))


@bp.delete("/endpoints/<endpoint_id>")
@require("platform")
def delete_endpoint(endpoint_id: str) -> Response:
    webhooks.delete_endpoint(services(), current_principal(), endpoint_id)
    return Response(status=204)


@bp.post("/endpoints/<endpoint_id>/test")
@require("platform")
def test_endpoint(endpoint_id: str) -> Response:
    return _private(_delivery(webhooks.send_test(services(), current_principal(), endpoint_id)), 202)


@bp.post("/endpoints/<endpoint_id>/rotate-secret")
@require("platform")
def rotate_secret(endpoint_id: str) -> Response:
    body = load(RotateSecretRequestSchema(), request.get_json(silent=True) or {})
    endpoint, secret = webhooks.rotate_secret(services(), current_principal(), endpoint_id, body.get("grace_seconds"))
    return _private(_endpoint(endpoint, secret))


@bp.post("/endpoints/<endpoint_id>/enable")
@require("platform")
def enable_endpoint(endpoint_id: str) -> Response:
    return _private(_endpoint(webhooks.enable_endpoint(services(), current_principal(), endpoint_id)))


@bp.get("/deliveries")
@require("platform")
def list_deliveries() -> Response:
    query = load(DeliveryListQuerySchema(), request.args.to_dict())
    records, next_cursor = webhooks.list_deliveries(
        services(), current_principal(), endpoint_id=query.get("endpoint_id"), state=query.get("state"),
        limit=query["limit"], cursor=query.get("cursor"), cursors=edge().cursors)
    return _private({"items": [_delivery(r) for r in records], "next_cursor": next_cursor})  # DeliveryPageSchema


@bp.get("/deliveries/<delivery_id>")
@require("platform")
def get_delivery(delivery_id: str) -> Response:
    return _private(_delivery(webhooks.get_delivery(services(), current_principal(), delivery_id)))


@bp.post("/deliveries/<delivery_id>/redeliver")
@require("platform")
def redeliver(delivery_id: str) -> Response:
    return _private(_delivery(webhooks.redeliver(services(), current_principal(), delivery_id)), 202)
