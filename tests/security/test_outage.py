"""A dependency goes away and comes back: the database (catalogue 94), the OCR engine (46).

``Outage`` makes every new connection fail the way an unreachable PostgreSQL or an
unopenable SQLite file does (the driver's ``OperationalError`` at connect) and drops the
pooled ones, so nothing is served from a connection made before the outage.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, event, func, select

from tests.certificates import make_certificate, render_pdf
from tests.conftest import bearer, make_app, new_key, process_all
from tests.security.client import submit
from tests.uploads import holder_form, signed_pdf
from verify.domain import Holder, Profession
from verify.errors import PROBLEM_BASE, OcrUnavailable
from verify.reading.ocr import FailingEngine, NullEngine
from verify.services import keys, verifications
from verify.store.models import Document, Verification

PDF = render_pdf(make_certificate("physician_practice", 21))
BEFORE, AFTER = make_certificate("physician_practice", 22), make_certificate("physician_practice", 23)


class Outage:
    """While active, connecting to the database fails and no pooled connection is left."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @staticmethod
    def _refuse(*_args: Any) -> None:
        raise sqlite3.OperationalError("unable to open database file")

    def __enter__(self) -> Outage:
        event.listen(self.engine, "do_connect", self._refuse)
        self.engine.dispose()
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        event.remove(self.engine, "do_connect", self._refuse)


@pytest.fixture
def outage_app(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    app = make_app(tmp_path / "data", ocr_engine="none", auth_cache_seconds=0.0)
    services = app.extensions["verify"]
    yield app, new_key(services, "acme-video", "platform")
    services.store.dispose()


def _counts(app: Flask) -> tuple[int, int]:
    with app.extensions["verify"].store.read() as session:
        return (session.scalar(select(func.count()).select_from(Verification)) or 0,
                session.scalar(select(func.count()).select_from(Document)) or 0)


def _assert_unavailable(response: Any, slug: str = "database_unavailable") -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    assert response.json["type"] == PROBLEM_BASE + slug
    assert int(response.headers["Retry-After"]) > 0
    assert "sqlite" not in response.get_data(as_text=True).lower()  # no driver text for the client


def test_94_a_database_outage_answers_503_acknowledges_nothing_and_recovers(
    outage_app: tuple[Flask, str],
) -> None:
    app, key = outage_app
    client = app.test_client()
    before = submit(client, key, signed_pdf(BEFORE), account_id="before", **holder_form(BEFORE))
    assert before.status_code == 202
    counts = _counts(app)

    with Outage(app.extensions["verify"].store.engine):
        _assert_unavailable(submit(client, key, PDF, account_id="during"))
        _assert_unavailable(client.get(f"/v1/verifications/{before.json['id']}", headers=bearer(key)))
        _assert_unavailable(client.get("/v1/verifications", headers=bearer(key)))
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json["checks"]["database"] == "unavailable"

    assert _counts(app) == counts  # the upload during the outage left no row and no document
    assert client.get("/healthz").status_code == 200
    after = submit(client, key, signed_pdf(AFTER), account_id="after", **holder_form(AFTER))
    assert after.status_code == 202
    process_all(app.extensions["verify"])
    for verification_id in (before.json["id"], after.json["id"]):
        body = client.get(f"/v1/verifications/{verification_id}", headers=bearer(key)).json
        assert body["status"] == "approved", body["reasons"]


def test_94_losing_the_database_mid_transaction_is_a_503_and_rolls_back(outage_app: tuple[Flask, str]) -> None:
    app, key = outage_app
    engine = app.extensions["verify"].store.engine

    def lost(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO documents"):  # the verification row is already written
            raise sqlite3.OperationalError("disk I/O error")

    event.listen(engine, "before_cursor_execute", lost)
    try:
        _assert_unavailable(submit(app.test_client(), key, PDF, headers={"Idempotency-Key": "k-94"}))
    finally:
        event.remove(engine, "before_cursor_execute", lost)
    assert _counts(app) == (0, 0)
    assert submit(app.test_client(), key, PDF, headers={"Idempotency-Key": "k-94"}).status_code == 202


# --- 46: no OCR engine -------------------------------------------------------------------------
def test_46_without_ocr_a_submission_is_refused_and_nothing_is_stored(outage_app: tuple[Flask, str]) -> None:
    app, key = outage_app
    services = app.extensions["verify"]
    principal = keys.authenticate(services.store, key)
    assert principal is not None
    submission = verifications.Submission("acct-46", Profession.DOCTOR, Holder(), [verifications.UploadPart(PDF)])

    def send(ocr: Any, idempotency_key: str | None = None) -> verifications.Accepted:
        return verifications.submit(replace(services, ocr=ocr), principal, submission, idempotency_key=idempotency_key,
                                    render=lambda record: {"id": record.verification.id})

    with pytest.raises(OcrUnavailable):
        send(FailingEngine())
    assert _counts(app) == (0, 0)
    first = send(NullEngine(), "k-46")
    assert first.record is not None
    assert send(FailingEngine(), "k-46").replay == {"id": first.record.verification.id}  # an answer given stands


def test_46_without_ocr_uploads_answer_503_and_health_says_why(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    app = make_app(data_dir, tessdata_dir=str(tmp_path / "no-tessdata"))  # no chi_sim: Tesseract cannot start
    key = new_key(app.extensions["verify"], "acme-video", "platform")
    client = app.test_client()
    _assert_unavailable(submit(client, key, PDF), "ocr_unavailable")
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json["checks"] == {"database": "ok", "ocr": "unavailable"}
    assert _counts(app) == (0, 0)
    app.extensions["verify"].store.dispose()
    installed = make_app(data_dir)  # the language data installed, the service started again
    try:
        assert submit(installed.test_client(), key, PDF).status_code == 202
    finally:
        installed.extensions["verify"].store.dispose()
