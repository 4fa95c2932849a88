"""Operations: health, metrics, the JWKS and the OpenAPI document (no auth)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import func, select, text

from verify.api.common import ocr_engine, services
from verify.api.openapi import build_spec
from verify.store.models import Verification, WebhookDelivery

bp = Blueprint("ops", __name__)
_requests: Counter[tuple[str, int]] = Counter()
_requests_lock = threading.Lock()
_spec: dict | None = None


def count_request(response: Response) -> Response:
    endpoint = request.endpoint or "unknown"
    with _requests_lock:
        _requests[(endpoint, response.status_code)] += 1
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """200 only when the database answers and the OCR engine (with chi_sim) is there."""
    ctx = services()
    checks: dict[str, str] = {}
    try:
        with ctx.store.read() as session:
            session.execute(text("select 1"))
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unavailable"
    checks["ocr"] = "ok" if ocr_engine().check_available() else "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    response = jsonify({"status": "ok" if healthy else "unavailable", "checks": checks})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def metrics() -> Response:
    lines = [
        "# HELP verify_http_requests_total HTTP requests answered by this process.",
        "# TYPE verify_http_requests_total counter",
    ]
    with _requests_lock:
        for (endpoint, status), count in sorted(_requests.items()):
            lines.append(f'verify_http_requests_total{{endpoint="{endpoint}",status="{status}"}} {count}')
    lines += ["# HELP verify_verifications Verifications by status.", "# TYPE verify_verifications gauge"]
    with services().store.read() as session:
        rows = session.execute(select(Verification.status, func.count()).group_by(Verification.status)).all()
    for status, count in sorted(rows):
        lines.append(f'verify_verifications{{status="{status}"}} {count}')
    lines += ["# HELP verify_webhook_deliveries Webhook deliveries kept in the log, by state.",
              "# TYPE verify_webhook_deliveries gauge"]
    with services().store.read() as session:
        rows = session.execute(select(WebhookDelivery.state, func.count()).group_by(WebhookDelivery.state)).all()
    for state, count in sorted(rows):
        lines.append(f'verify_webhook_deliveries{{state="{state}"}} {count}')
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")


@bp.get("/.well-known/jwks.json")
def jwks() -> Response:
    ctx = services()
    ctx.keyring.reload_if_changed()
    lifetime = timedelta(days=ctx.settings.label_lifetime_days)
    response = jsonify(ctx.keyring.jwks(ctx.clock(), lifetime))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/openapi.json")
def openapi() -> Response:
    global _spec
    if _spec is None:
        _spec = build_spec()
    return jsonify(_spec)
