"""VERIFY_QUEUE=celery: a real redis-server, real workers (``flask --app wsgi worker``), a real SQLite file.

Submissions go through the Flask app; workers are subprocesses, so one can be killed with
SIGKILL in the middle of a job. The database row is the source of truth: a job whose
message Redis lost, or whose worker died, is sent again by a worker's sweep, and a
duplicate message finds nothing to claim.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from standardwebhooks import Webhook

from tests.certificates import make_certificate, render_image, to_png
from tests.cluster.harness import RedisServer, wait_for
from tests.conftest import bearer, make_app, new_key
from tests.serving import free_port, kill_with_children
from tests.signing import trusted_signers_file
from tests.uploads import holder_form, signed_pdf
from tests.webhooks.receiver import Receiver
from verify.jobs.celery_queue import TASK, CeleryQueue, Sweeper, make_celery
from verify.services.context import Services
from verify.store.models import Label, Verification

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
FINAL = {"approved", "rejected", "needs_review"}
LEASE_SECONDS, SWEEP_SECONDS = 2.0, 0.5
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server of our own on a free port; missing is a failure, never a skip (make test installs it)."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def broker(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    yield client
    client.close()


@pytest.fixture
def app(tmp_path: Path, broker: redis.Redis, redis_url: str) -> Iterator[Flask]:
    app = make_app(tmp_path / "data", queue="celery", redis_url=redis_url, job_lease_seconds=LEASE_SECONDS,
                   webhook_allowed_networks="127.0.0.0/8", webhook_allow_http=True)  # the webhook receiver
    yield app
    app.extensions["verify"].store.dispose()


class Workers:
    """``flask --app wsgi worker`` subprocesses on the app's data dir, each in its own session."""

    def __init__(self, data_dir: Path, redis_url: str, log_dir: Path) -> None:
        self.env = {**os.environ, "VERIFY_DATA_DIR": str(data_dir), "VERIFY_QUEUE": "celery",
                    "VERIFY_REDIS_URL": redis_url, "VERIFY_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
                    "VERIFY_QUEUE_SWEEP_SECONDS": str(SWEEP_SECONDS), "VERIFY_WORKER_GRACE_SECONDS": "0.2",
                    "VERIFY_OCR_ENGINE": "tesseract", "VERIFY_TRUSTED_SIGNERS": str(trusted_signers_file()),
                    "OMP_THREAD_LIMIT": "1"}
        self.log_dir = log_dir
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, threads: int = 1, **env: str) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"worker-{len(self.running)}.log").open("wb")
        process = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "worker", "--threads", str(threads)],
                                   cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        log.close()
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the worker and everything it started (its isolated job processes have their own group)."""
        kill_with_children(process)

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-3000:] for path in sorted(self.log_dir.glob("*.log")))

    def kill_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                self.kill(process)


@pytest.fixture
def workers(app: Flask, redis_url: str, tmp_path: Path) -> Iterator[Workers]:
    workers = Workers(app.extensions["verify"].settings.data_dir, redis_url, tmp_path)
    yield workers
    workers.kill_all()


def _submit(client: FlaskClient, key: str, *pages: tuple[bytes, str, str]) -> str:
    """Pages of one submission for acct-1, sent with the real-name data of the holder of ``_pdf``'s certificate."""
    body = {"account_id": "acct-1", "profession": "doctor", **holder_form(_DOCTOR),
            "document": [(io.BytesIO(data), name, mime) for data, name, mime in pages]}
    answer = client.post("/v1/verifications", data=body, headers=bearer(key), content_type="multipart/form-data")
    assert answer.status_code == 202, answer.json
    return answer.json["id"]


_DOCTOR = make_certificate("physician_practice", seed=31)


def _pdf() -> tuple[bytes, str, str]:
    """An electronic 医师执业证书 the workers may approve: signed by the tests' trusted issuer."""
    return signed_pdf(_DOCTOR), "doctor.pdf", "application/pdf"


def _row(services: Services, verification_id: str) -> Verification:
    with services.store.read() as session:
        verification = session.get(Verification, verification_id)
        assert verification is not None
        return verification


def _wait_final(client: FlaskClient, key: str, verification_id: str, workers: Workers, seconds: float = 45) -> str:
    def final() -> bool:
        return client.get(f"/v1/verifications/{verification_id}", headers=bearer(key)).json["status"] in FINAL

    try:
        wait_for(final, seconds, "an end state")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; worker logs:\n{workers.logs()}") from None
    return client.get(f"/v1/verifications/{verification_id}", headers=bearer(key)).json["status"]


def test_a_submission_reaches_an_end_state_through_a_celery_worker(
    client: FlaskClient, services: Services, platform_key: str, workers: Workers
) -> None:
    workers.start()
    verification_id = _submit(client, platform_key, _pdf())
    assert _wait_final(client, platform_key, verification_id, workers) == "approved"
    assert _row(services, verification_id).attempts == 1


def test_a_worker_killed_mid_job_is_replaced_and_the_job_finishes(
    client: FlaskClient, services: Services, platform_key: str, workers: Workers
) -> None:
    first = workers.start()
    photo = to_png(render_image(make_certificate("physician_practice", seed=32)))  # OCR: seconds, not ms
    verification_id = _submit(client, platform_key, (photo, "doctor.png", "image/png"))
    wait_for(lambda: _row(services, verification_id).status == "processing", 30, "the first worker to claim the job")
    workers.kill(first)
    killed = _row(services, verification_id)
    assert (killed.status, killed.attempts) == ("processing", 1), "the job ended before the kill"
    workers.start(VERIFY_OCR_ENGINE="none")  # quick: the point is that the job ends, not how it reads
    assert _wait_final(client, platform_key, verification_id, workers) in FINAL
    assert _row(services, verification_id).attempts == 2


def test_sigterm_past_the_grace_releases_the_running_job_to_another_worker(
    client: FlaskClient, services: Services, platform_key: str, workers: Workers, broker: redis.Redis
) -> None:
    first = workers.start()
    photo = to_png(render_image(make_certificate("physician_practice", seed=33)))
    verification_id = _submit(client, platform_key, (photo, "doctor.png", "image/png"))
    wait_for(lambda: _row(services, verification_id).status == "processing", 30, "the worker to claim the job")
    first.send_signal(signal.SIGTERM)  # grace 0.2 s: far shorter than the job
    first.wait(20)
    released = _row(services, verification_id)
    assert (released.status, released.attempts) == ("pending", 0), workers.logs()
    assert (broker.llen("celery"), broker.hlen("unacked")) == (1, 0)  # sent again at once, not left for a sweep
    workers.start(VERIFY_OCR_ENGINE="none")
    assert _wait_final(client, platform_key, verification_id, workers) in FINAL
    assert _row(services, verification_id).attempts == 1


def test_a_message_lost_in_redis_is_sent_again_by_the_sweep(
    client: FlaskClient, services: Services, platform_key: str, workers: Workers, broker: redis.Redis
) -> None:
    verification_id = _submit(client, platform_key, _pdf())
    assert broker.llen("celery") == 1  # the message waits for a worker
    broker.flushall()
    workers.start()
    assert _wait_final(client, platform_key, verification_id, workers) == "approved"


def test_the_sweep_sends_a_job_only_when_no_message_waits_for_it(
    client: FlaskClient, services: Services, platform_key: str, broker: redis.Redis
) -> None:
    _submit(client, platform_key, _pdf())
    sweeper = Sweeper(services, CeleryQueue(services.settings))
    assert sweeper.sweep() == 0  # the submit's own message waits
    broker.flushall()
    assert sweeper.sweep() == 1
    assert sweeper.sweep() == 0
    assert broker.llen("celery") == 1


def test_a_duplicate_delivery_is_processed_once(
    client: FlaskClient, services: Services, platform_key: str, workers: Workers, broker: redis.Redis
) -> None:
    verification_id = _submit(client, platform_key, _pdf())
    with make_celery(services.settings) as sender:
        for _ in range(2):
            sender.send_task(TASK, args=[verification_id])
    assert broker.llen("celery") == 3
    workers.start(threads=2)
    assert _wait_final(client, platform_key, verification_id, workers) == "approved"
    wait_for(lambda: broker.llen("celery") == 0 and not broker.hlen("unacked"), 15, "every copy to be consumed")
    assert _row(services, verification_id).attempts == 1
    with services.store.read() as session:
        assert session.query(Label).filter_by(verification_id=verification_id).count() == 1


def test_redis_out_of_reach_at_submit_still_answers_202_and_a_sweep_sends_the_job(
    tmp_path: Path, redis_url: str, workers: Workers, broker: redis.Redis
) -> None:
    unreachable = make_app(tmp_path / "data", queue="celery", redis_url=f"redis://127.0.0.1:{free_port()}/0",
                           job_lease_seconds=LEASE_SECONDS)
    services = unreachable.extensions["verify"]
    key = new_key(services, "acme-video", "platform")
    client = unreachable.test_client()
    verification_id = _submit(client, key, _pdf())
    assert broker.llen("celery") == 0
    workers.start()
    assert _wait_final(client, key, verification_id, workers) == "approved"
    services.store.dispose()


def test_celery_workers_deliver_the_webhooks_the_api_processes_commit(
    client: FlaskClient, services: Services, platform_key: str, workers: Workers
) -> None:
    """In Celery mode only the workers run a dispatcher: an approval made by a worker and a revocation made
    by the API process both reach the receiver."""
    loopback = {"VERIFY_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8", "VERIFY_WEBHOOK_ALLOW_HTTP": "1"}
    with Receiver() as receiver:
        endpoint = client.post("/v1/webhooks/endpoints", json={"url": receiver.url}, headers=bearer(platform_key)).json
        workers.start(**loopback)
        verification_id = _submit(client, platform_key, _pdf())
        approved = receiver.wait_for(1, timeout=60)[0]
        label = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json["label"]
        client.post(f"/v1/labels/{label['id']}/revoke", json={"reason": "x"}, headers=bearer(platform_key))
        revoked = receiver.wait_for(2, timeout=30)[1]  # found by the worker's poll: the API process has no dispatcher
    told = [Webhook(endpoint["secret"]).verify(r.body, r.headers) for r in (approved, revoked)]
    assert [(e["type"], e["data"].get("verification_id")) for e in told] == [
        ("verification.approved", verification_id), ("label.revoked", verification_id)]
