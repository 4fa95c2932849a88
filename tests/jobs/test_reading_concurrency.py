"""Catalogue 45, OCR concurrency: many documents at once, never more readers than configured.

Eight photos wait; a job runner with ``VERIFY_WORKERS=2`` reads them. At every moment at
most two reading processes exist (two at some moment: the work does run in parallel), each
under its address-space limit with one OpenMP thread, and every document reaches an end
within its deadline (no ``parse_timeout``/``ocr_timeout``).
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import psutil
import pytest
from sqlalchemy import select

from tests.certificates import make_certificate, render_image, to_jpeg
from tests.conftest import make_app, new_key
from tests.jobs.readers import Watch
from tests.uploads import submit
from verify.jobs.isolate import run_isolated
from verify.jobs.runner import JobRunner
from verify.store.models import Verification

FINAL = {"approved", "rejected", "needs_review"}
WORKERS = 2
MEMORY = 1536 * 1024**2


def test_a_reading_process_has_one_openmp_thread_and_a_low_priority(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_THREAD_LIMIT", "8")  # whatever the service was started with
    assert run_isolated(os.getenv, "OMP_THREAD_LIMIT", timeout=30) == "1"
    assert run_isolated(os.getpriority, os.PRIO_PROCESS, 0, timeout=30) >= 10


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_45_eight_documents_at_once_never_more_readers_than_workers(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", workers=WORKERS, ocr_engine="tesseract",
                   limits={"account_uploads_per_day": 0, "uploads_per_minute": 0, "job_memory_bytes": MEMORY})
    services, client = app.extensions["verify"], app.test_client()
    key = new_key(services, "acme-video", "platform")
    ids = []
    for n in range(8):
        image = render_image(make_certificate("physician_practice", 40 + n))
        photo = to_jpeg(image.resize((image.width * 2 // 3, image.height * 2 // 3)), 80)
        answer = submit(client, key, photo, mimetype="image/jpeg", filename="photo.jpg", account_id=f"acct-{n}")
        assert answer.status_code == 202, answer.json
        ids.append(answer.json["id"])

    counts: list[int] = []
    limits: set[int] = set()

    def look(readers: list[psutil.Process]) -> None:
        counts.append(len(readers))
        for reader in readers:
            with contextlib.suppress(psutil.Error):
                limits.add(reader.rlimit(psutil.RLIMIT_AS)[0])

    started = time.monotonic()
    runner = JobRunner(services, services.settings.workers).start()
    try:
        with Watch(look, interval=0.02):
            while time.monotonic() - started < 300:
                with services.store.read() as session:
                    rows = session.execute(select(Verification.status, Verification.reasons)
                                           .where(Verification.id.in_(ids))).all()
                if all(status in FINAL for status, _ in rows):
                    break
                time.sleep(0.2)
    finally:
        runner.stop(grace=0)
    assert all(status in FINAL for status, _ in rows), [status for status, _ in rows]
    assert not [reasons for _, reasons in rows if {"parse_timeout", "ocr_timeout"} & set(reasons)]
    assert max(counts) == WORKERS, f"readers at once: at most {max(counts)}"
    assert limits <= {MEMORY, psutil.RLIM_INFINITY} and MEMORY in limits  # infinity: caught before setrlimit
