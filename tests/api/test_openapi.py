"""/openapi.json describes every route the app serves."""

from __future__ import annotations

import dataclasses
import re
import socket
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from verify.api.common import SERVICES
from verify.store.db import Store


def test_every_route_is_in_the_openapi_document(app: Flask, client: FlaskClient) -> None:
    spec = client.get("/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)
    assert "Problem" in spec["components"]["schemas"]
    assert "type_not_allowed" in spec["info"]["description"]


def test_healthz_reports_database_and_ocr(client: FlaskClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json["checks"] == {"database": "ok", "ocr": "ok"}


def _free_port() -> int:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_ready_and_live_split(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/healthz/ready").json == client.get("/healthz").json == {
        "status": "ok", "checks": {"database": "ok", "ocr": "ok"}}
    ctx = app.extensions[SERVICES]
    gone = Store(f"postgresql://nobody@127.0.0.1:{_free_port()}/verify", envelope=ctx.store.envelope)
    app.extensions[SERVICES] = dataclasses.replace(ctx, store=gone)
    for path in ("/healthz", "/healthz/ready"):
        answer = client.get(path)
        assert (answer.status_code, answer.json["status"], answer.json["checks"]["database"]) == (
            503, "unavailable", "unavailable")
    live = client.get("/healthz/live")  # a restart would not bring the database back
    assert (live.status_code, live.json, live.headers["Cache-Control"]) == (200, {"status": "ok"}, "no-store")


def test_celery_mode_reports_redis_and_is_degraded_without_it(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", queue="celery", redis_url=f"redis://127.0.0.1:{_free_port()}/0")
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200  # submissions still commit and wait in the database
    assert answer.json == {"status": "degraded", "checks": {"database": "ok", "ocr": "ok", "redis": "unavailable"}}
