"""``GET /metrics``: only for the scraper's token or an admin key, and cheap to answer (issue 13.5)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from tests.conftest import bearer, make_app, new_key
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
