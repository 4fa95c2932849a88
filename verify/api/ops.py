"""Operations: health (ready and live), the JWKS and the OpenAPI document (no auth), and metrics (the scraper's token).

``/metrics`` answers the bearer token ``VERIFY_METRICS_TOKEN`` (what Prometheus sends with
``authorization: {credentials_file: ...}``) or an admin API key; anything else is 401 (a wrong
token counts as a failed authentication of its address) and a platform or reviewer key 403. Its
numbers are the requests this process answered (counted in memory), this node's label checks by
result and job durations (every process of the node, verify.node_metrics: sum them across nodes),
and the verifications waiting (pending, processing, needs_review: the queue's depth, the same on
every node, so take one node's or the max), read from the status index and kept
``METRICS_CACHE_SECONDS``; decided verifications are not counted (that would read every row).
"""

from __future__ import annotations

import contextlib
import hmac
import threading
import time
from collections import Counter
from datetime import timedelta

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import func, select

from verify.api.auth import bearer_token, principal_for
from verify.api.common import services
from verify.api.openapi import build_spec
from verify.domain import VerificationStatus
from verify.errors import Forbidden, Unauthorized
from verify.labels.errors import KeyringError
from verify.node_metrics import NodeMetrics
from verify.services.health import readiness
from verify.store.models import Verification, WebhookDelivery

bp = Blueprint("ops", __name__)
_requests: Counter[tuple[str, int]] = Counter()
_requests_lock = threading.Lock()
_spec: dict | None = None
WAITING = tuple(status.value for status in (VerificationStatus.PENDING, VerificationStatus.PROCESSING,
                                           VerificationStatus.NEEDS_REVIEW))
WAITING_DELIVERIES = ("pending", "sending")  # webhook deliveries not yet ended (the due index holds their state)
METRICS_CACHE_SECONDS = 10.0
_WAITING_COUNTS = "verify.metrics.waiting"  # app.extensions key: (counts, time read)


def count_request(response: Response) -> Response:
    endpoint = request.endpoint or "unknown"
    with _requests_lock:
        _requests[(endpoint, response.status_code)] += 1
    return response


@bp.get("/healthz")
@bp.get("/healthz/ready")
def healthz() -> Response:
    """Ready: 200 when the database answers and the OCR engine (with chi_sim) is there; Redis reported in Celery
    mode (verify.services.health). 503 otherwise."""
    health = readiness(services())
    return _no_store(jsonify({"status": health.status, "checks": health.checks}), 200 if health.ready else 503)


@bp.get("/healthz/live")
def live() -> Response:
    """Live: this process answers (no dependency is asked)."""
    return _no_store(jsonify({"status": "ok"}), 200)


def _no_store(response: Response, status: int) -> Response:
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def metrics() -> Response:
    _allow_scraper()
    lines = [
        "# HELP verify_http_requests_total HTTP requests answered by this process.",
        "# TYPE verify_http_requests_total counter",
    ]
    with _requests_lock:
        for (endpoint, status), count in sorted(_requests.items()):
            lines.append(f'verify_http_requests_total{{endpoint="{endpoint}",status="{status}"}} {count}')
    lines += ["# HELP verify_verifications Verifications waiting, by status.", "# TYPE verify_verifications gauge"]
    counts = _waiting()
    lines += [f'verify_verifications{{status="{status}"}} {counts.get(status, 0)}' for status in WAITING]
    lines += ["# HELP verify_webhook_deliveries Webhook deliveries waiting to be sent, by state.",
              "# TYPE verify_webhook_deliveries gauge"]
    lines += [f'verify_webhook_deliveries{{state="{state}"}} {counts.get("delivery:" + state, 0)}'
              for state in WAITING_DELIVERIES]
    lines += node_metrics_lines(services().metrics)
    response = Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")
    response.headers["Cache-Control"] = "no-store"
    return response


def node_metrics_lines(metrics: NodeMetrics | None) -> list[str]:
    """This node's counters (every process of it, verify.node_metrics) in the text format."""
    if metrics is None:
        return []
    totals = metrics.totals()
    lines = ["# HELP verify_label_checks_total Label checks answered by this node, by result.",
             "# TYPE verify_label_checks_total counter"]
    lines += [f"{name} {value:g}" for name, value in totals.items() if name.startswith("verify_label_checks_total")]
    lines += ["# HELP verify_job_duration_seconds Jobs read and decided by this node, claim to completion.",
              "# TYPE verify_job_duration_seconds histogram"]
    lines += [f"{name} {value:g}" for name, value in totals.items() if name.startswith("verify_job_duration")]
    return lines


def _allow_scraper() -> None:
    """The metrics token, or an admin key; ``Unauthorized``/``Forbidden`` otherwise."""
    token, expected = bearer_token(), services().settings.metrics_token
    if expected and hmac.compare_digest(token.encode(), expected.encode()):
        return
    principal = principal_for(token)
    if principal is None:
        raise Unauthorized("Send the metrics token or an admin API key.")
    if not principal.is_admin:
        raise Forbidden("Metrics need the metrics token or an admin API key.")


def _waiting() -> dict[str, int]:
    """Verifications per waiting status: an index search (``status IN ...``), at most every few seconds."""
    cached = current_app.extensions.get(_WAITING_COUNTS)
    if cached is not None and time.monotonic() - cached[1] < METRICS_CACHE_SECONDS:
        return cached[0]
    query = select(Verification.status, func.count()).where(Verification.status.in_(WAITING))
    with services().store.read() as session:
        counts = {status: count for status, count in session.execute(query.group_by(Verification.status))}
        deliveries = select(WebhookDelivery.state, func.count()).where(WebhookDelivery.state.in_(WAITING_DELIVERIES))
        counts |= {f"delivery:{state}": count
                   for state, count in session.execute(deliveries.group_by(WebhookDelivery.state))}
    current_app.extensions[_WAITING_COUNTS] = (counts, time.monotonic())
    return counts


@bp.get("/.well-known/jwks.json")
def jwks() -> Response:
    ctx = services()
    with contextlib.suppress(KeyringError):  # the database does not answer: the keys this process knows
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
