"""``GET /metrics``: only for the scraper's token or an admin key, and cheap to answer (issue 13.5)."""

from __future__ import annotations

import multiprocessing
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import event

from tests.certificates import make_certificate
from tests.conftest import bearer, make_app, new_key, process_all
from tests.uploads import holder_form, signed_pdf, submit
from verify.jobs.metrics_server import serve_metrics
from verify.node_metrics import NodeMetrics
from verify.store.models import Platform, Verification

TOKEN = "metrics-token-for-the-tests-0123456789"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path / "data", ocr_engine="none", metrics_token=TOKEN)
    yield app
    app.extensions["verify"].store.dispose()


@contextmanager
def _statements(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (with their parameters) the app's engine runs inside the block."""
    seen: list[tuple[str, Any]] = []
    engine = app.extensions["verify"].store.engine

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _problem(answer: object, status: int, slug: str) -> None:
    assert answer.status_code == status  # type: ignore[attr-defined]
    assert answer.json["type"] == "https://verify.example/problems/" + slug  # type: ignore[attr-defined]


def test_metrics_need_the_scrapers_token_or_an_admin_key(app: Flask) -> None:
    client, services = app.test_client(), app.extensions["verify"]
    _problem(client.get("/metrics"), 401, "unauthorized")
    _problem(client.get("/metrics", headers=bearer("not-the-token")), 401, "unauthorized")
    _problem(client.get("/metrics", headers=bearer(new_key(services, "acme-video", "platform"))), 403, "forbidden")
    for credential in (TOKEN, new_key(services, "operator", "admin")):
        answer = client.get("/metrics", headers=bearer(credential))
        assert answer.status_code == 200 and answer.mimetype == "text/plain"
        assert 'verify_verifications{status="pending"} 0' in answer.text


def test_without_a_token_configured_only_admin_keys_read_metrics(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", ocr_engine="none")
    try:
        client = app.test_client()
        _problem(client.get("/metrics", headers=bearer("")), 401, "unauthorized")
        admin = new_key(app.extensions["verify"], "operator", "admin")
        assert client.get("/metrics", headers=bearer(admin)).status_code == 200
    finally:
        app.extensions["verify"].store.dispose()


def _add(app: Flask, counts: dict[str, int]) -> None:
    now = datetime.now(UTC)
    with app.extensions["verify"].store.write() as session:
        session.add(Platform(id="p1", name="acme-video", created_at=now))
        session.flush()
        for status, count in counts.items():
            session.add_all(Verification(id=f"{status}-{i}", platform_id="p1", account_id=f"a{i}", profession="doctor",
                                         status=status, created_at=now, updated_at=now) for i in range(count))


def test_metrics_count_the_waiting_work_from_the_status_index_and_cache_it(app: Flask) -> None:
    _add(app, {"pending": 3, "processing": 1, "needs_review": 2, "approved": 50, "rejected": 20})
    client = app.test_client()
    with _statements(app) as statements:
        answer = client.get("/metrics", headers=bearer(TOKEN))
    assert 'verify_verifications{status="pending"} 3' in answer.text
    assert 'verify_verifications{status="processing"} 1' in answer.text
    assert 'verify_verifications{status="needs_review"} 2' in answer.text
    queries = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    assert queries, "the counts come from the database"
    with app.extensions["verify"].store.engine.connect() as connection:
        for query, parameters in queries:
            plan = " / ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + query, parameters))
            assert "SCAN" not in plan, plan  # SEARCH ... USING ... INDEX: only the matching entries are read
    with _statements(app) as again:
        assert client.get("/metrics", headers=bearer(TOKEN)).status_code == 200
    assert again == []  # a scrape within the cache's lifetime asks nothing


def test_label_checks_and_job_durations_are_counted_per_node(app: Flask) -> None:
    client, services = app.test_client(), app.extensions["verify"]
    key = new_key(services, "acme-video", "platform")
    cert = make_certificate("teacher_qualification", seed=4)
    answer = submit(client, key, signed_pdf(cert), profession="teacher", account_id="teach-1", **holder_form(cert))
    assert answer.status_code == 202 and process_all(services) == 1
    token = client.get(answer.headers["Location"], headers=bearer(key)).json["label"]["token"]
    for body in ({"token": token}, {"token": token}, {"token": "junk"}):
        client.post("/v1/labels/check", json=body, headers=bearer(key))
    text = client.get("/metrics", headers=bearer(TOKEN)).text
    assert 'verify_label_checks_total{result="valid"} 2' in text
    assert 'verify_label_checks_total{result="malformed"} 1' in text
    assert 'verify_job_duration_seconds_count 1' in text
    assert 'verify_job_duration_seconds_bucket{le="+Inf"} 1' in text
    assert "# TYPE verify_job_duration_seconds histogram" in text


def _count_in_a_child(directory: str) -> None:
    NodeMetrics(Path(directory)).label_checked("revoked")


def test_every_process_of_a_node_adds_to_what_any_of_them_reports(tmp_path: Path) -> None:
    metrics = NodeMetrics(tmp_path / "metrics")
    metrics.label_checked("revoked")
    for _ in range(2):  # other gunicorn workers of the node (each a process of its own)
        child = multiprocessing.get_context("fork").Process(target=_count_in_a_child, args=(str(tmp_path / "metrics"),))
        child.start()
        child.join(10)
    assert metrics.totals()['verify_label_checks_total{result="revoked"}'] == 3  # the ended ones still count


def test_a_worker_serves_its_nodes_counters_to_the_token_only(app: Flask) -> None:
    services = app.extensions["verify"]
    services.metrics.job_finished(4.0)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = serve_metrics(services, port, host="127.0.0.1")
    try:
        url = f"http://127.0.0.1:{port}/metrics"
        assert requests.get(url, headers=bearer("wrong"), timeout=5).status_code == 401
        answer = requests.get(url, headers=bearer(TOKEN), timeout=5)
        assert answer.status_code == 200 and 'verify_job_duration_seconds_bucket{le="5"} 1' in answer.text
    finally:
        server.shutdown()
        server.server_close()
