"""The embedded job runner: threads in the serving process that take pending work.

Each thread claims one verification at a time (see ``services.processing``), taking the
platforms in turn; the document work itself runs in an isolated child process, so the web
worker only waits and a serving process never runs more jobs than it has threads
(``VERIFY_WORKERS``); each job reads its OCR pages in up to ``page_workers`` ÷ threads
processes (verify.reading.parallel). Several serving processes can each run one: claims are
atomic. ``stop`` is the graceful shutdown: no new claims, running jobs get a grace period
to finish, then their reading processes are ended and their jobs released (pending again,
the attempt not counted) for the next start to take at once. Every
``purge_interval_seconds`` one of the threads also purges what is past retention
(``services.privacy.purge_expired``; safe to run in several processes at once). The runner also
runs this process's webhook dispatcher (verify.jobs.dispatcher) and stops it with the jobs.
"""

from __future__ import annotations

import logging
import threading
import time

from verify.jobs.dispatcher import Dispatcher
from verify.jobs.isolate import sweep_scratch
from verify.services.context import Services
from verify.services.privacy import purge_expired
from verify.services.processing import Turns, process_next

log = logging.getLogger(__name__)


class JobRunner:
    def __init__(self, services: Services, threads: int = 1) -> None:
        self._services = services
        self._stop = threading.Event()  # take no new job
        self._abandon = threading.Event()  # give back the running ones
        self._turns = Turns()
        self._purge_lock = threading.Lock()
        self._next_purge = time.monotonic()
        self._threads = [
            threading.Thread(target=self._loop, name=f"verify-jobs-{i}", daemon=True) for i in range(threads)
        ]
        self._dispatcher = Dispatcher(services)

    def start(self) -> JobRunner:
        if sweep_scratch():  # scratch files of job processes whose parent was killed
            log.info("removed scratch directories left by a killed job process")
        for thread in self._threads:
            thread.start()
        self._dispatcher.start()
        return self

    def stop(self, grace: float = 10.0) -> None:
        """Take no new job; let running ones finish for ``grace`` seconds, then end and release them."""
        self._stop.set()
        self._services.wake_workers()
        deadline = time.monotonic() + grace
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._dispatcher.stop(max(0.0, deadline - time.monotonic()))
        if any(thread.is_alive() for thread in self._threads):
            self._abandon.set()
            for thread in self._threads:
                thread.join(10)

    def _purge_if_due(self) -> None:
        """Purge past-retention personal data when the interval has passed (one thread at a time)."""
        if time.monotonic() < self._next_purge or not self._purge_lock.acquire(blocking=False):
            return
        try:
            self._next_purge = time.monotonic() + self._services.settings.purge_interval_seconds
            purge_expired(self._services)
        finally:
            self._purge_lock.release()

    def _loop(self) -> None:
        poll = self._services.settings.job_poll_seconds
        while not self._stop.is_set():
            try:
                self._purge_if_due()
                busy = process_next(self._services, turns=self._turns, cancel=self._abandon)
            except Exception:
                log.exception("job runner iteration failed; retrying")
                busy = False
            if not busy:
                self._services.work_waiting.wait(poll)
                self._services.work_waiting.clear()
