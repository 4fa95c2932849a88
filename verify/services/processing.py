"""Processing submitted verifications as durable, leased jobs.

A worker claims a pending verification with one atomic UPDATE (SQLite serialises
writers; PostgreSQL uses ``FOR UPDATE SKIP LOCKED``) — the embedded runner takes the
platforms in turn (``Turns``), the oldest job of each — keeps its lease alive with a
heartbeat while the isolated pipeline runs, and writes the result only if it still holds
the lease (the lease token is the fencing check). The result, the label with its audit
events, and the review item are one transaction: a crash either loses the whole result
(the job runs again) or none of it. A lease that lapses — the process died — makes the
job claimable again; after ``job_max_attempts`` the case goes to manual review instead
of being retried for ever. A graceful shutdown releases the jobs it could not finish, so
the next start takes them at once.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, defer

from verify.decide import decide_unreadable
from verify.domain import Decision, Holder, Outcome, Profession, VerificationStatus
from verify.errors import DocumentError, IntegrityFailure
from verify.jobs.isolate import Cancelled, run_isolated
from verify.pipeline import PipelineResult, run_pipeline_with
from verify.reasons import Reason
from verify.services import reuse, webhooks
from verify.services.context import Services
from verify.services.labels.issuing import issue_for_verification
from verify.services.policy import final_decision
from verify.services.review.queue import open_review_item
from verify.store.models import Document, Platform, Verification
from verify.stored import checks_to_stored, fields_to_stored

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    verification_id: str
    token: str
    attempts: int


def _ready(now: datetime) -> Any:
    return or_(
        Verification.status == VerificationStatus.PENDING.value,
        and_(Verification.status == VerificationStatus.PROCESSING.value, Verification.lease_expires_at < now),
    )


class Turns:
    """Round robin across platforms: the platform served longest ago (or never) goes first.

    Kept by each job runner in its own process, so one platform's flood of uploads cannot make
    another platform's verifications wait behind it: with jobs of several platforms waiting,
    every platform gets a job in turn, the oldest of its own.
    """

    def __init__(self) -> None:
        self._served: dict[str, int] = {}
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def order(self, waiting: list[tuple[str, datetime]]) -> list[str]:
        """The platforms of ``waiting`` (platform, its oldest waiting job's time) in the order to serve them."""
        with self._lock:
            return [platform for platform, oldest in sorted(
                waiting, key=lambda item: (self._served.get(item[0], -1), item[1]))]

    def served(self, platform_id: str) -> None:
        with self._lock:
            self._served[platform_id] = next(self._turn)


def claim_next(services: Services, verification_id: str | None = None, *, turns: Turns | None = None) -> Claim | None:
    """Take a claimable verification (the one named, when given), or None when there is none.

    Without ``turns``, the oldest one; with them, the oldest of the platform whose turn it is.
    """
    now, lease = services.clock(), timedelta(seconds=services.settings.job_lease_seconds)
    with services.store.write() as session:
        if verification_id is not None:
            return _claim(services, session, now, lease, Verification.id == verification_id)
        if turns is None:
            return _claim(services, session, now, lease)
        waiting = session.execute(
            select(Verification.platform_id, func.min(Verification.created_at))
            .where(_ready(now)).group_by(Verification.platform_id)
        ).all()
        for platform_id in turns.order([(row[0], row[1]) for row in waiting]):
            claim = _claim(services, session, now, lease, Verification.platform_id == platform_id)
            if claim is not None:
                turns.served(platform_id)
                return claim
    return None


def _claim(services: Services, session: Session, now: datetime, lease: timedelta, *where: Any) -> Claim | None:
    """The atomic claim: the oldest ready job matching ``where`` becomes ours under a new lease token."""
    oldest = select(Verification.id).where(_ready(now), *where).order_by(Verification.created_at).limit(1)
    if not services.store.is_sqlite:
        oldest = oldest.with_for_update(skip_locked=True)
    token = uuid.uuid4().hex
    statement = (
        update(Verification)
        .where(Verification.id == oldest.scalar_subquery(), _ready(now))
        .values(status=VerificationStatus.PROCESSING.value, lease_token=token, lease_expires_at=now + lease,
                attempts=Verification.attempts + 1, updated_at=now)
        .returning(Verification.id, Verification.attempts)
    )
    row = session.execute(statement, execution_options={"synchronize_session": False}).first()
    return Claim(row[0], token, row[1]) if row else None


def claimable_ids(services: Services, limit: int = 1000) -> list[str]:
    """The verifications a worker could claim now (pending, or a lapsed lease), oldest first."""
    query = select(Verification.id).where(_ready(services.clock())).order_by(Verification.created_at).limit(limit)
    with services.store.read() as session:
        return list(session.scalars(query))


def renew_lease(services: Services, claim: Claim) -> bool:
    """Extend the lease; False when it was lost to another worker."""
    now = services.clock()
    with services.store.write() as session:
        result = session.execute(
            update(Verification)
            .where(Verification.id == claim.verification_id, Verification.lease_token == claim.token,
                   Verification.status == VerificationStatus.PROCESSING.value)
            .values(lease_expires_at=now + timedelta(seconds=services.settings.job_lease_seconds)),
            execution_options={"synchronize_session": False},
        )
    return result.rowcount == 1


def release(services: Services, claim: Claim) -> bool:
    """Give a claimed job back unfinished (a graceful shutdown): claimable at once, the attempt not counted.

    Fenced like ``complete``: False when the lease was already lost.
    """
    with services.store.write() as session:
        result = session.execute(
            update(Verification)
            .where(Verification.id == claim.verification_id, Verification.lease_token == claim.token,
                   Verification.status == VerificationStatus.PROCESSING.value)
            .values(status=VerificationStatus.PENDING.value, lease_token=None, lease_expires_at=None,
                    attempts=Verification.attempts - 1, updated_at=services.clock()),
            execution_options={"synchronize_session": False},
        )
    return result.rowcount == 1


class _Heartbeat:
    """Renews a claim's lease every third of its length until stopped."""

    def __init__(self, services: Services, claim: Claim) -> None:
        self._services, self._claim = services, claim
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-heartbeat", daemon=True)

    def _run(self) -> None:
        interval = self._services.settings.job_lease_seconds / 3
        while not self._stop.wait(interval):
            try:
                if not renew_lease(self._services, self._claim):
                    return
            except Exception:  # a busy database must not kill the heartbeat
                log.warning("lease renewal failed for a job; will retry", exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _load_job(services: Services, claim: Claim) -> tuple[list[bytes], Profession, Holder]:
    with services.store.read() as session:
        verification = session.get(Verification, claim.verification_id)
        assert verification is not None
        documents = session.scalars(  # whole rows: loading a Document opens its sealed content
            select(Document).where(Document.verification_id == claim.verification_id).order_by(Document.position)
        ).all()
        holder = Holder(name=verification.holder_name, id_number=verification.holder_id_number)
        return [d.content or b"" for d in documents], Profession(verification.profession), holder


def run_job(services: Services, claim: Claim, cancel: threading.Event | None = None) -> PipelineResult:
    """The pipeline for one claimed job, in an isolated child process; raises ``Cancelled`` once ``cancel`` is set."""
    settings = services.settings
    if claim.attempts > settings.job_max_attempts:
        return PipelineResult(decide_unreadable(Reason.PROCESSING_FAILED))
    try:
        parts, profession, holder = _load_job(services, claim)
    except IntegrityFailure as exc:  # logged by verify.crypto.at_rest, without content
        return PipelineResult(decide_unreadable(Reason(exc.type_slug)))
    try:
        # the cores are shared by this process's jobs: each reads its pages on its share of them
        limits = replace(settings.limits, page_workers=max(1, settings.limits.page_workers // settings.workers))
        with _Heartbeat(services, claim):
            return run_isolated(
                run_pipeline_with, parts, profession, holder, settings.ocr_engine, settings.tessdata_dir, limits,
                services.clock().date(), settings.ocr_confidence_floor, services.trust_roots,
                timeout=settings.limits.job_seconds, memory_bytes=settings.limits.job_memory_bytes, cancel=cancel,
            )
    except DocumentError as exc:
        return PipelineResult(decide_unreadable(Reason(exc.type_slug)))


def complete(services: Services, claim: Claim, result: PipelineResult) -> bool:
    """Write the result if we still hold the lease; issue the label or open the review item."""
    now = services.clock()
    with services.store.write() as session:
        # The sealed personal columns are only written here, never opened: a damaged one cannot block the result.
        verification = session.get(Verification, claim.verification_id, options=[defer(Verification.holder_name),
                                   defer(Verification.holder_id_number), defer(Verification.number),
                                   defer(Verification.fields)])
        if (verification is None or verification.lease_token != claim.token
                or verification.status != VerificationStatus.PROCESSING.value):
            log.warning("lease lost before completion; result discarded")
            return False
        extraction = result.extraction
        decision = result.decision
        verification.kind = result.kind.value if result.kind else None
        verification.fields = fields_to_stored(extraction.fields if extraction else {})
        verification.number = extraction.fields["number"].value if extraction and "number" in extraction.fields \
            else None
        verification.confidence = result.confidence
        verification.checks = checks_to_stored(result.checks)
        verification.documents = [{"kind": document.kind.value, "backs": document.backs, "primary": document.primary}
                                  for document in result.documents] or None
        if verification.number and verification.kind:
            verification.credential_digest = reuse.credential_digest(services.lookup_key(), verification.kind,
                                                                     verification.number)
        verification.image_prints = [page.to_json() for page in result.prints] or None
        findings = reuse.find(session, verification, now)
        verification.reuse = [finding.to_json() for finding in findings] or None
        platform = session.get(Platform, verification.platform_id)
        assert platform is not None
        decision = final_decision(decision, findings, platform.approval_policy)
        if decision.outcome is Outcome.APPROVED and not issue_for_verification(services, session, verification,
                                                                              now):
            decision = Decision(Outcome.NEEDS_REVIEW, (Reason.LABEL_UNKNOWN,))
        verification.status = decision.outcome.value
        verification.reasons = list(decision.reasons)
        verification.lease_token = None
        verification.lease_expires_at = None
        verification.updated_at = verification.finished_at = now
        if decision.outcome is Outcome.NEEDS_REVIEW:
            open_review_item(session, verification, now)
        webhooks.verification_decided(services, session, verification, decided_by="machine", now=now)
    return True


def process_next(services: Services, verification_id: str | None = None, *, turns: Turns | None = None,
                 cancel: threading.Event | None = None) -> bool:
    """Claim, run and complete one job (the one named, when given); False when there was nothing to claim.

    A job cancelled by ``cancel`` (the process is shutting down) is released, not completed.
    """
    claim = claim_next(services, verification_id, turns=turns)
    if claim is None:
        return False
    started = time.monotonic()
    try:
        result = run_job(services, claim, cancel)
    except Cancelled:
        released = release(services, claim)
        log.info("job released unfinished at shutdown" if released else "job cancelled after its lease was lost")
        return True
    if complete(services, claim, result) and services.metrics is not None:
        services.metrics.job_finished(time.monotonic() - started)
    return True
