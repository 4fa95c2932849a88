"""Celery mode (``VERIFY_QUEUE=celery``): submitted verifications processed by Celery workers over Redis.

The database row stays the source of truth; a message in Redis only says "this job is
waiting". After a submission commits, ``CeleryQueue.notify`` sends one ``verify.process``
message carrying the verification id. The task claims that job with the same atomic
claim, lease and fencing token as the embedded runner (``services.processing``), so a
duplicate delivery finds nothing to claim and does nothing.

Every worker also sweeps, when it starts and every ``queue_sweep_seconds``: each claimable
job (pending, or leased by a worker that died and let the lease lapse) with no message
waiting is sent again. A marker key per waiting message (``SET NX`` with the visibility
timeout, removed when a worker takes the message) keeps the sweeps of several workers and
the submit from sending one job twice; a message Redis loses (restart without persistence,
``FLUSHALL``) loses its marker with it, so the next sweep sends the job again.

Messages are acknowledged after the job (``acks_late``, ``reject_on_worker_lost``). A
worker killed mid-job leaves its lease to lapse (``job_lease_seconds``), and the next sweep
sends the job to another worker; Redis itself redelivers the dead worker's unacknowledged
message only after the visibility timeout, which is longer than a job may run, so that
late copy meets a finished job and does nothing. A backlog older than the visibility
timeout gets one extra message per job per timeout: harmless, the claim refuses it.

The pool is threads: the document work already runs in isolated child processes
(``jobs.isolate``), so a worker thread only waits, as in the embedded runner. Each worker also
runs a webhook dispatcher (verify.jobs.dispatcher): the API processes have none in this mode.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

import redis
from celery import Celery
from celery.signals import worker_shutting_down
from kombu.exceptions import KombuError

from verify.config import Settings
from verify.jobs.dispatcher import Dispatcher
from verify.jobs.isolate import sweep_scratch
from verify.jobs.metrics_server import serve_metrics
from verify.services.context import Services
from verify.services.privacy import purge_expired
from verify.services.processing import claimable_ids, process_next

log = logging.getLogger(__name__)

TASK = "verify.process"
_MARKER = "verify:queued:"


def visibility_seconds(settings: Settings) -> int:
    """How long Redis keeps a taken, unacknowledged message before redelivering it: past any job's end."""
    return int(2 * settings.limits.job_seconds + 2 * settings.job_lease_seconds)


def make_celery(settings: Settings) -> Celery:
    """A Celery app on ``settings.redis_url`` with late acknowledgement; tasks are added by ``run_worker``."""
    app = Celery("verify", broker=settings.redis_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=1,  # a worker holds only the jobs it is running
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": visibility_seconds(settings), "socket_connect_timeout": 5},
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
    )
    return app


class CeleryQueue:
    """Sends verification ids to the Celery workers (one per process; thread-safe)."""

    def __init__(self, settings: Settings) -> None:
        self.celery = make_celery(settings)
        self._redis = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=5, socket_timeout=10)
        self._marker_seconds = visibility_seconds(settings)

    def send(self, verification_id: str) -> bool:
        """Send a message for the job unless one is already waiting; True when one was sent."""
        marker = _MARKER + verification_id
        if not self._redis.set(marker, 1, nx=True, ex=self._marker_seconds):
            return False
        try:
            self.celery.send_task(TASK, args=[verification_id])
        except (KombuError, redis.RedisError):
            self._redis.delete(marker)
            raise
        return True

    def notify(self, verification_id: str) -> None:
        """After a submission's commit, hand it to a worker; never fails the submission.

        Redis out of reach only delays the job: it waits in the database for a worker's sweep.
        """
        try:
            self.send(verification_id)
        except (redis.RedisError, KombuError):
            log.warning("Redis unreachable: the job waits in the database for a worker's sweep", exc_info=True)

    def taken(self, verification_id: str) -> None:
        """A worker took the job's message; from now on its lease guards it, and a sweep may send it again."""
        self._redis.delete(_MARKER + verification_id)


class Sweeper:
    """A thread in each worker: sends claimable jobs that have no message waiting, and purges past retention."""

    def __init__(self, services: Services, queue: CeleryQueue) -> None:
        self._services, self._queue = services, queue
        self._stop = threading.Event()
        self._next_purge = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="verify-sweep", daemon=True)

    def sweep(self) -> int:
        """Send every claimable job without a waiting message; returns how many were sent."""
        return sum(self._queue.send(verification_id) for verification_id in claimable_ids(self._services))

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        settings = self._services.settings
        while True:
            try:
                if sent := self.sweep():
                    log.info("sweep sent %d job(s) with no message waiting", sent)
                if time.monotonic() >= self._next_purge:
                    self._next_purge = time.monotonic() + settings.purge_interval_seconds
                    purge_expired(self._services)
            except Exception:  # Redis or the database busy or away: try again next round
                log.warning("sweep failed; retrying in %g s", settings.queue_sweep_seconds, exc_info=True)
            if self._stop.wait(settings.queue_sweep_seconds):
                return


def run_worker(services: Services, concurrency: int) -> int:
    """Run a Celery worker with ``concurrency`` threads until a shutdown signal; returns its exit code.

    SIGTERM is Celery's warm shutdown: running jobs get ``worker_grace_seconds`` to finish,
    then their reading processes are ended and the jobs released (pending again, the attempt
    not counted) and sent to another worker. A job cut short any other way (SIGKILL, a lost
    machine) is sent again by a sweep once its lease lapses.
    """
    queue = CeleryQueue(services.settings)
    abandon = threading.Event()

    @queue.celery.task(name=TASK, acks_late=True, reject_on_worker_lost=True)
    def process(verification_id: str) -> None:
        queue.taken(verification_id)
        if not process_next(services, verification_id, cancel=abandon):
            log.info("job %s: nothing to claim (finished, or leased by a live worker)", verification_id)
        elif abandon.is_set():  # released at shutdown (or finished just then: a second message does nothing)
            queue.send(verification_id)

    def shutting_down(**_kwargs: object) -> None:
        timer = threading.Timer(services.settings.worker_grace_seconds, abandon.set)
        timer.daemon = True
        timer.start()

    worker_shutting_down.connect(shutting_down, weak=False)

    if sweep_scratch():  # scratch files of job processes whose worker was killed
        log.info("removed scratch directories left by a killed job process")
    sweeper = Sweeper(services, queue).start()
    dispatcher = Dispatcher(services).start()
    if services.settings.worker_metrics_port:
        serve_metrics(services, services.settings.worker_metrics_port)
    worker = queue.celery.Worker(
        concurrency=concurrency, pool="threads", loglevel="INFO", optimization="fair",
        hostname=f"verify-{os.getpid()}@{socket.gethostname()}", without_gossip=True, without_mingle=True,
    )
    try:
        worker.start()
    finally:
        sweeper.stop()
        dispatcher.stop(services.settings.worker_grace_seconds)
    return worker.exitcode or 0
