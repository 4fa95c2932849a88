"""Durable jobs: atomic claims, leases, fencing, attempt caps, isolation."""

from __future__ import annotations

import io
import threading
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict

from tests.certificates import make_certificate, render_image, render_pdf, to_jpeg
from tests.conftest import make_app, new_key, process_all
from tests.security.client import post_multipart
from tests.uploads import holder_form, signed_pdf, submit
from verify.errors import ParseTimeout
from verify.jobs.isolate import run_isolated
from verify.services.context import Services
from verify.services.processing import claim_next, complete, run_job
from verify.store.models import ReviewItem, Verification


def _pdf(seed: int = 1) -> bytes:
    return render_pdf(make_certificate("physician_practice", seed=seed))


def test_concurrent_claims_never_take_one_job_twice(client: FlaskClient, services: Services,
                                                     platform_key: str) -> None:
    for i in range(6):
        submit(client, platform_key, _pdf(i), account_id=f"acct-{i}")
    claimed: list[str] = []
    lock = threading.Lock()

    def grab() -> None:
        while (claim := claim_next(services)) is not None:
            with lock:
                claimed.append(claim.verification_id)

    threads = [threading.Thread(target=grab) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claimed) == 6 and len(set(claimed)) == 6


def test_a_lapsed_lease_is_claimed_again_and_the_stale_worker_cannot_write(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    cert = make_certificate("physician_practice", seed=1)
    submit(client, platform_key, signed_pdf(cert), **holder_form(cert))
    stale = claim_next(services)
    assert stale is not None and claim_next(services) is None  # leased
    later = services.clock() + timedelta(seconds=services.settings.job_lease_seconds + 1)
    services.clock.set(later)
    fresh = claim_next(services)
    assert fresh is not None and fresh.verification_id == stale.verification_id and fresh.attempts == 2
    result = run_job(services, fresh)
    assert complete(services, stale, result) is False  # fencing: the old lease token is refused
    assert complete(services, fresh, result) is True
    with services.store.read() as session:
        assert session.get(Verification, fresh.verification_id).status == "approved"


def test_a_job_that_keeps_dying_ends_in_review_not_in_a_loop(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    submit(client, platform_key, _pdf())
    start = services.clock()
    for attempt in range(services.settings.job_max_attempts):
        moment = start + timedelta(seconds=(services.settings.job_lease_seconds + 1) * attempt)
        services.clock.set(moment)
        assert claim_next(services) is not None  # then "dies" without completing
    services.clock.set(start + timedelta(hours=1))
    assert process_all(services) == 1
    with services.store.read() as session:
        verification = session.query(Verification).one()
        assert verification.status == "needs_review"
        assert verification.reasons == ["processing_failed"]
        assert session.query(ReviewItem).count() == 1


def test_a_document_that_takes_too_long_ends_with_a_clear_reason(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    services = replace(services, settings=replace(services.settings, limits=replace(services.settings.limits,
                                                                                   job_seconds=0.05)))
    submit(client, platform_key, _pdf())
    process_all(services)
    with services.store.read() as session:
        verification = session.query(Verification).one()
    assert verification.status == "needs_review"
    assert verification.reasons == ["parse_timeout"]


def test_isolated_work_is_killed_at_its_deadline() -> None:
    started = time.monotonic()
    try:
        run_isolated(time.sleep, 30, timeout=0.5)
    except ParseTimeout:
        pass
    else:
        raise AssertionError("expected ParseTimeout")
    assert time.monotonic() - started < 10


# --- 91: a slow but alive worker keeps its lease ---------------------------------------------------
@pytest.mark.reading  # three photographed pages: seconds of OCR, longer than the lease
def test_91_a_job_running_past_its_lease_keeps_it_by_heartbeat(tmp_path: Path) -> None:
    lease = 0.6
    app = make_app(tmp_path / "data", job_lease_seconds=lease)
    services: Services = app.extensions["verify"]
    try:
        key = new_key(services, "acme-video", "platform")
        page = to_jpeg(render_image(make_certificate("physician_practice", 91)), 85)  # seconds of OCR per page
        answer = post_multipart(app.test_client(), key, MultiDict([
            ("account_id", "acct-91"), ("profession", "doctor"),
            *(("document", FileStorage(io.BytesIO(page), f"p{i}.jpg", "image/jpeg")) for i in range(3))]))
        assert answer.status_code == 202, answer.json
        claim = claim_next(services)
        assert claim is not None
        results: list[Any] = []
        worker = threading.Thread(target=lambda: results.append(run_job(services, claim)))
        started = time.monotonic()
        worker.start()
        stolen = []
        while worker.is_alive():
            time.sleep(lease / 4)
            other = claim_next(services)  # another runner looking for lapsed leases
            if other is not None:
                stolen.append(time.monotonic() - started)
        worker.join()
        ran = time.monotonic() - started
        assert ran > 3 * lease, f"the job took {ran:.1f} s, too short to outlive its lease"
        assert stolen == [], f"the lease was taken over after {stolen[0]:.1f} s of a {ran:.1f} s job"
        assert complete(services, claim, results[0]) is True
        with services.store.read() as session:
            verification = session.get(Verification, answer.json["id"])
            assert verification.attempts == 1 and verification.status in ("approved", "needs_review", "rejected")
    finally:
        services.store.dispose()
