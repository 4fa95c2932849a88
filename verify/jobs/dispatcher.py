"""The webhook dispatcher: threads that deliver the outbox, in every process that does background work.

The job runner starts one in each serving process (and ``flask worker`` in its own); in Celery
mode each Celery worker runs one (the API processes then run none). ``webhook_senders``
threads each claim one due delivery at a time (verify.services.dispatch), so a slow receiver
holds one thread, never the process; a thread busy with a backlog records each attempt and claims
its next delivery in one commit. A thread that finds nothing waits until an event committed in
this process rings for it (``Services.deliveries_waiting``: one thread per commit, not all of
them) or ``webhook_poll_seconds`` pass, which is how deliveries committed by other processes are
found. One thread at a time also runs
the periodic sweeps: expired labels (``label.expired``, every ``label_expiry_sweep_seconds``)
and old delivery logs (every ``purge_interval_seconds``). ``stop`` takes no new delivery and
waits for those in flight; one cut short (the process ended) is sent again once its lease lapses.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from verify.services.context import Services
from verify.services.dispatch import Outgoing, claim_next, prune_log, record, record_and_claim_next, send_outgoing
from verify.services.processing import Turns
from verify.services.webhooks import note_expired_labels

log = logging.getLogger(__name__)
NICE = 10  # the reading processes' priority too (verify.jobs.isolate)


class Dispatcher:
    def __init__(self, services: Services, threads: int | None = None) -> None:
        self._services = services
        self._stop = threading.Event()
        self._turns = Turns()
        self._sweep_lock = threading.Lock()
        self._next_expiry = self._next_prune = time.monotonic()
        count = services.settings.webhook_senders if threads is None else threads
        self._threads = [threading.Thread(target=self._loop, name=f"verify-webhooks-{i}", daemon=True)
                         for i in range(count)]

    def start(self) -> Dispatcher:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, grace: float = 10.0) -> None:
        """Take no new delivery; give those in flight ``grace`` seconds to finish."""
        self._stop.set()
        self._services.deliveries_waiting.ring(len(self._threads))
        deadline = time.monotonic() + grace
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _sweep_if_due(self) -> None:
        if not self._sweep_lock.acquire(blocking=False):
            return
        try:
            settings, now = self._services.settings, time.monotonic()
            if now >= self._next_expiry:
                self._next_expiry = now + settings.label_expiry_sweep_seconds
                if noted := note_expired_labels(self._services):
                    log.info("noted %d expired label(s)", noted)
            if now >= self._next_prune:
                self._next_prune = now + settings.purge_interval_seconds
                prune_log(self._services)
        finally:
            self._sweep_lock.release()

    def _loop(self) -> None:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)  # this thread only: checks come first
        services = self._services
        bell, poll = services.deliveries_waiting, services.settings.webhook_poll_seconds
        outgoing: Outgoing | None = None  # claimed by this thread, not sent yet
        rung = False  # woken by a commit in this process: a delivery is expected
        while outgoing is not None or not self._stop.is_set():
            try:
                if outgoing is None:
                    self._sweep_if_due()
                    outgoing = claim_next(services, turns=self._turns, expected=rung)
                if outgoing is not None:
                    attempt = send_outgoing(services, outgoing)
                    if self._stop.is_set():
                        record(services, outgoing.claim, attempt)
                        outgoing = None
                    else:  # one commit records this attempt and claims the next due delivery, if any
                        outgoing = record_and_claim_next(services, outgoing.claim, attempt, turns=self._turns)
                    if outgoing is not None:
                        continue
            except Exception:  # the database busy or away: a claimed delivery is sent again once its lease lapses
                log.exception("webhook dispatcher iteration failed; retrying")
                outgoing = None
            if not self._stop.is_set():
                rung = bell.wait(poll)
