"""Catalogue 99, isolation under load: one platform's flood does not starve another platform.

The job runner takes the platforms in turn (the oldest job of each), so a platform that
submits after another's backlog waits for one job per other platform, not for the backlog;
reading processes run at a lower CPU priority than the serving threads, so a backlog of
documents leaves label checks their latency.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest
from flask import Flask
from sqlalchemy import select

from tests.certificates import degrade, make_certificate, render_image, render_pdf, to_jpeg
from tests.conftest import bearer, make_app, new_key
from tests.jobs.readers import Watch
from tests.uploads import holder_form, signed_pdf, submit
from verify.jobs.runner import JobRunner
from verify.services.context import Services
from verify.services.processing import Turns, claim_next
from verify.store.models import Verification

FINAL = {"approved", "rejected", "needs_review"}
PDF = render_pdf(make_certificate("lawyer_practice", 8))


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path / "data", ocr_engine="none",
                   limits={"account_uploads_per_day": 0, "uploads_per_minute": 0})
    yield app
    app.extensions["verify"].store.dispose()


def busy_niceness(readers: list[psutil.Process]) -> list[int]:
    """The niceness of the reading processes and their Tesseracts that have done real work (> 0.3 s of CPU).

    A reading process starts at the forkserver's priority and is lowered as soon as it exists; the
    work that matters — unpickling a document, rendering, OCR — runs after that.
    """
    found = []
    for process in [*readers, *(child for reader in readers for child in reader.children(recursive=True))]:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            if times.user + times.system > 0.3:
                found.append(process.nice())
    return found


def _run_until_done(services: Services, ids: list[str], threads: int = 1, seconds: float = 240) -> list[str]:
    """Run the job runner until every one of ``ids`` is final; the ids in the order they finished."""
    runner = JobRunner(services, threads).start()
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with services.store.read() as session:
                rows = session.execute(select(Verification.id, Verification.status, Verification.finished_at)
                                       .where(Verification.id.in_(ids))).all()
            if len(rows) == len(ids) and all(row[1] in FINAL for row in rows):
                return [row[0] for row in sorted(rows, key=lambda row: row[2])]
            time.sleep(0.1)
    finally:
        runner.stop(grace=30)
    raise AssertionError("the jobs did not finish")


def test_a_platform_behind_anothers_backlog_waits_one_job_not_the_backlog(app: Flask) -> None:
    services, client = app.extensions["verify"], app.test_client()
    flooder, other = new_key(services, "flood-live", "platform"), new_key(services, "quiet-video", "platform")
    backlog = [submit(client, flooder, PDF, account_id=f"flood-{n}").json["id"] for n in range(6)]
    waiting = submit(client, other, PDF, account_id="quiet-1").json["id"]

    finished = _run_until_done(services, [*backlog, waiting])
    assert finished.index(waiting) <= 1, finished  # after at most the one flood job older than it


def test_three_platforms_are_served_in_turn() -> None:
    turns, start = Turns(), datetime(2025, 1, 1, tzinfo=UTC)
    waiting = [("a", start), ("b", start + timedelta(seconds=1)), ("c", start + timedelta(seconds=2))]
    served = []
    for _ in range(6):
        first = turns.order(waiting)[0]
        turns.served(first)
        served.append(first)
    assert served == ["a", "b", "c", "a", "b", "c"]
    assert turns.order([("c", start), ("a", start), ("new", start + timedelta(days=1))])[0] == "new"


def test_claims_without_turns_stay_oldest_first(app: Flask) -> None:
    services, client = app.extensions["verify"], app.test_client()
    first = submit(client, new_key(services, "one", "platform"), PDF).json["id"]
    submit(client, new_key(services, "two", "platform"), PDF)
    claim = claim_next(services)
    assert claim is not None and claim.verification_id == first


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_reading_backlog_runs_below_the_serving_threads_and_checks_stay_fast(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", workers=2, limits={"account_uploads_per_day": 0, "uploads_per_minute": 0})
    services, client = app.extensions["verify"], app.test_client()
    flooder, other = new_key(services, "flood-live", "platform"), new_key(services, "quiet-video", "platform")
    lawyer = make_certificate("lawyer_practice", 8)
    label = submit(client, other, signed_pdf(lawyer), profession="lawyer", account_id="quiet-1",
                   **holder_form(lawyer)).json["id"]
    _run_until_done(services, [label])
    token = client.get(f"/v1/verifications/{label}", headers=bearer(other)).json["label"]["token"]
    scans = [to_jpeg(degrade(render_image(make_certificate("physician_practice", n)), "scan", n), 50)
             for n in range(4)]  # quality 50: under 500 KB, so the upload stays in memory
    backlog = [submit(client, flooder, scan, mimetype="image/jpeg", filename="scan.jpg",
                      account_id=f"flood-{n}").json["id"] for n, scan in enumerate(scans)]

    def backlog_busy() -> bool:
        with services.store.read() as session:
            return session.scalar(select(Verification.id).where(
                Verification.id.in_(backlog), Verification.status.not_in(FINAL))) is not None

    niceness: list[int] = []
    latencies: list[float] = []  # only those answered while the backlog was being read
    runner = JobRunner(services, services.settings.workers).start()
    try:
        with Watch(lambda readers: niceness.extend(busy_niceness(readers))):
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and backlog_busy():
                for _ in range(10):
                    started = time.perf_counter()
                    answer = client.post("/v1/labels/check", json={"token": token}, headers=bearer(other))
                    latencies.append(time.perf_counter() - started)
                    assert answer.json["valid"] is True
                    time.sleep(0.01)
    finally:
        runner.stop(grace=0)
    assert len(latencies) >= 50, "the backlog was done too soon: the checks did not run under load"
    assert niceness and min(niceness) >= 10, "reading processes must yield the CPU to the serving threads"
    p99 = statistics.quantiles(latencies, n=100)[98]
    assert p99 < 0.05, f"label check p99 {p99 * 1000:.1f} ms under a reading backlog"
