"""Delivering the outbox: claim a due delivery under a lease, send it outside any transaction, record the attempt.

Claims are the job runner's (verify.services.processing): one atomic UPDATE … RETURNING takes
the oldest due delivery under a new lease token (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite
serialises writers), so of several dispatchers — threads, gunicorn workers, Celery workers,
machines — exactly one makes each attempt. Endpoints are served in turn (``Turns``), and none gets
more than ``webhook_endpoint_in_flight`` deliveries at once, so a slow or dead receiver holds at
most that many senders. The request goes out with no transaction open; the attempt is recorded
only if the lease is still ours (the token fences a dispatcher that stalled past its lease: the
delivery was meanwhile claimed and sent again by another, with the same ``webhook-id``). A
dispatcher killed mid-send leaves its lease to lapse (``webhook_lease_seconds``) and another one
sends again: at least once, duplicates possible, nothing lost.

After an attempt: a 2xx ends the delivery (``succeeded``) and the endpoint's failing streak; any
other outcome schedules the next attempt (verify.webhooks.retries) or, once the schedule is
spent, ends it ``failed``. ``410 Gone`` disables the endpoint at once; an endpoint with no success
for ``webhook_disable_after_days`` is disabled at its next failure. A disabled endpoint's waiting
deliveries end ``failed`` (``endpoint_disabled``); the platform sees why on the endpoint and may
enable it and redeliver.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from verify.crypto.envelope import SealBroken
from verify.services.context import Services
from verify.services.processing import Turns
from verify.services.webhooks import (
    CANCELLED,
    FAILED,
    PENDING,
    SENDING,
    SUCCEEDED,
    delivery_policy,
    disable_endpoint,
)
from verify.store.models import UtcDateTime, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from verify.webhooks.retries import next_delay
from verify.webhooks.sending import Attempt, send
from verify.webhooks.signing import secret_aad, signed_headers

log = logging.getLogger(__name__)

GONE, FAILING = "gone", "failing"  # why an endpoint was disabled
_PRUNE_BATCH = 500


@dataclass(frozen=True)
class Claim:
    delivery_id: str
    token: str
    attempts: int  # this attempt's number


@dataclass(frozen=True)
class Outgoing:
    """A claimed delivery with what sending it needs."""

    claim: Claim
    url: str
    message_id: str  # the event's id: the webhook-id
    body: bytes
    secrets: tuple[str, ...] = field(repr=False)  # current first, then one still in its grace period


#: Due: waiting for an attempt whose time has come, or claimed under a lease that lapsed. The statements are
#: built once with bind parameters (SQLAlchemy caches their compiled form too): a claim runs several per delivery.
_DUE = or_(and_(WebhookDelivery.state == PENDING, WebhookDelivery.next_attempt_at <= bindparam("now")),
           and_(WebhookDelivery.state == SENDING, WebhookDelivery.lease_expires_at < bindparam("now")))
_WAITING = (select(WebhookDelivery.endpoint_id, func.min(WebhookDelivery.next_attempt_at))
            .where(_DUE).group_by(WebhookDelivery.endpoint_id))
_IN_FLIGHT = (select(WebhookDelivery.endpoint_id, func.count())
              .where(WebhookDelivery.state == SENDING, WebhookDelivery.lease_expires_at >= bindparam("now"))
              .group_by(WebhookDelivery.endpoint_id))
_OUTGOING = (select(WebhookEvent.id, WebhookEvent.body, WebhookEndpoint.id, WebhookEndpoint.platform_id,
                    WebhookEndpoint.url, WebhookEndpoint.secret, WebhookEndpoint.previous_secret,
                    WebhookEndpoint.previous_secret_expires_at)
             .select_from(WebhookDelivery)
             .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
             .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
             .where(WebhookDelivery.id == bindparam("delivery_id")))


def _claim_statement(skip_locked: bool) -> Any:
    """The atomic claim: the oldest due delivery of an endpoint becomes ours under a new lease token."""
    oldest = (select(WebhookDelivery.id).where(_DUE, WebhookDelivery.endpoint_id == bindparam("claim_endpoint"))
              .order_by(WebhookDelivery.next_attempt_at).limit(1))
    if skip_locked:  # PostgreSQL: a row another claim holds is passed over, never waited for
        oldest = oldest.with_for_update(skip_locked=True)
    return (update(WebhookDelivery).where(WebhookDelivery.id == oldest.scalar_subquery(), _DUE)
            .values(state=SENDING, lease_token=bindparam("claim_token"),
                    lease_expires_at=bindparam("claim_expires", type_=UtcDateTime()),
                    attempts=WebhookDelivery.attempts + 1)
            .returning(WebhookDelivery.id, WebhookDelivery.attempts))


_CLAIM = {False: _claim_statement(False), True: _claim_statement(True)}


def claim_next(services: Services, *, turns: Turns | None = None, expected: bool = False) -> Outgoing | None:
    """Claim a due delivery (the endpoints in turn, each below its in-flight limit); None when none is due.

    A poll reads first, so that finding nothing takes no write lock; when a delivery is ``expected``
    (a commit in this process just rang for it) the claim goes straight to the write transaction.
    """
    now = services.clock()
    if not expected:
        with services.store.read() as session:
            if not _claim_order(services, session, now, turns):
                return None
    with services.store.write() as session:
        order = _claim_order(services, session, now, turns)
        return _claim(services, session, now, order, turns) if order else None


def _claim_order(services: Services, session: Session, now: datetime, turns: Turns | None) -> list[str]:
    """The endpoints with a due delivery and room for one more in flight, in the order to serve them."""
    waiting = session.execute(_WAITING, {"now": now}).all()
    if not waiting:
        return []
    busy = dict(session.execute(_IN_FLIGHT, {"now": now}).all())
    ready = [(row[0], row[1]) for row in waiting if busy.get(row[0], 0) < services.settings.webhook_endpoint_in_flight]
    return turns.order(ready) if turns is not None else [endpoint for endpoint, _ in sorted(ready, key=_oldest)]


def _claim(services: Services, session: Session, now: datetime, order: list[str],
           turns: Turns | None) -> Outgoing | None:
    statement = _CLAIM[not services.store.is_sqlite]
    expires = now + timedelta(seconds=services.settings.webhook_lease_seconds)
    for endpoint_id in order:
        token = uuid.uuid4().hex
        row = session.execute(statement, {"now": now, "claim_endpoint": endpoint_id, "claim_token": token,
                                          "claim_expires": expires},
                              execution_options={"synchronize_session": False}).first()
        if row is not None:
            if turns is not None:
                turns.served(endpoint_id)
            return _outgoing(services, session, Claim(row[0], token, row[1]), now)
    return None


def _oldest(row: tuple[str, datetime]) -> datetime:
    return row[1]


def _outgoing(services: Services, session: Session, claim: Claim, now: datetime) -> Outgoing:
    event_id, body, endpoint_id, platform_id, url, secret, previous, previous_until = session.execute(
        _OUTGOING, {"delivery_id": claim.delivery_id}).one()
    sealed = [secret] + ([previous] if previous and previous_until and previous_until > now else [])
    assert services.store.envelope is not None
    aad = secret_aad(platform_id, endpoint_id)
    try:
        secrets = tuple(services.store.envelope.open_text(value, aad) for value in sealed if value)
    except SealBroken:
        log.error("the secret of webhook endpoint %s does not open (tampered or moved): nothing sent", endpoint_id)
        secrets = ()
    return Outgoing(claim, url, event_id, body.encode(), secrets)


def send_outgoing(services: Services, outgoing: Outgoing) -> Attempt:
    """One attempt, signed now with every secret in use; no database and no transaction involved."""
    if not outgoing.secrets:
        return Attempt(None, "integrity_error", 0.0)
    settings = services.settings
    headers = signed_headers(outgoing.secrets, outgoing.message_id, int(services.clock().timestamp()), outgoing.body)
    return send(outgoing.url, outgoing.body, headers, delivery_policy(services),
                connect_timeout=settings.webhook_connect_timeout_seconds,
                total_timeout=settings.webhook_timeout_seconds)


#: The recording statements (Core, built once): the lease check, the endpoint's state, the attempt, the delivery.
_LEASED = (select(WebhookDelivery.attempts, WebhookDelivery.endpoint_id)
           .where(WebhookDelivery.id == bindparam("delivery"), WebhookDelivery.lease_token == bindparam("token"),
                  WebhookDelivery.state == SENDING).with_for_update())
_ENDPOINT_STATE = (select(WebhookEndpoint.deleted_at, WebhookEndpoint.disabled_at, WebhookEndpoint.failing_since)
                   .where(WebhookEndpoint.id == bindparam("endpoint")).with_for_update())
_deliveries, _endpoints = WebhookDelivery.__table__, WebhookEndpoint.__table__
_LOG_ATTEMPT = insert(WebhookAttempt.__table__)
_MOVE_ON = update(_deliveries).where(_deliveries.c.id == bindparam("delivery"))  # SET: the columns given
_FAILING_SINCE = update(_endpoints).where(_endpoints.c.id == bindparam("endpoint"))


def record(services: Services, claim: Claim, attempt: Attempt) -> str | None:
    """Log the attempt and move the delivery on, if the lease is still ours; its new state, None when fenced off."""
    with services.store.write() as session:
        return _record(services, session, services.clock(), claim, attempt)


def record_and_claim_next(services: Services, claim: Claim, attempt: Attempt, *,
                          turns: Turns | None = None) -> Outgoing | None:
    """``record``, then ``claim_next`` in the same transaction: a busy sender commits once per delivery."""
    now = services.clock()
    with services.store.write() as session:
        _record(services, session, now, claim, attempt)
        order = _claim_order(services, session, now, turns)
        return _claim(services, session, now, order, turns) if order else None


def _record(services: Services, session: Session, now: datetime, claim: Claim, attempt: Attempt) -> str | None:
    settings = services.settings
    leased = session.execute(_LEASED, {"delivery": claim.delivery_id, "token": claim.token}).first()
    if leased is None:
        log.info("webhook delivery %s: lease lost before its attempt was recorded", claim.delivery_id)
        return None
    attempts_made, endpoint_id = leased
    session.execute(_LOG_ATTEMPT, {
        "delivery_id": claim.delivery_id, "number": claim.attempts, "duration_ms": attempt.duration_ms,
        "at": now - timedelta(milliseconds=attempt.duration_ms), "status_code": attempt.status_code,
        "error": attempt.error, "response": attempt.response})
    deleted_at, disabled_at, failing_since = session.execute(_ENDPOINT_STATE, {"endpoint": endpoint_id}).one()
    next_attempt_at = None
    if deleted_at is not None:
        state = CANCELLED
    elif attempt.ok:
        state = SUCCEEDED
        if failing_since is not None:  # the streak of failures ends
            session.execute(_FAILING_SINCE, {"endpoint": endpoint_id, "failing_since": None})
    else:
        if failing_since is None:
            failing_since = now
            session.execute(_FAILING_SINCE, {"endpoint": endpoint_id, "failing_since": now})
        delay = next_delay(settings.webhook_schedule, attempts_made=attempts_made, retry_after=attempt.retry_after)
        failing_too_long = now - failing_since >= timedelta(days=settings.webhook_disable_after_days)
        if disabled_at is None and (attempt.status_code == 410 or failing_too_long):
            disable_endpoint(session, session.get_one(WebhookEndpoint, endpoint_id),
                             GONE if attempt.status_code == 410 else FAILING, now)
            disabled_at = now
        if disabled_at is not None or delay is None:
            state = FAILED
        else:
            state, next_attempt_at = PENDING, now + timedelta(seconds=delay)
    session.execute(_MOVE_ON, {
        "delivery": claim.delivery_id, "state": state, "next_attempt_at": next_attempt_at,
        "finished_at": None if state == PENDING else now, "lease_token": None, "lease_expires_at": None,
        "last_status_code": attempt.status_code, "last_error": attempt.error})
    return state


def deliver_next(services: Services, *, turns: Turns | None = None) -> bool:
    """Claim, send and record one delivery; False when none was due."""
    outgoing = claim_next(services, turns=turns)
    if outgoing is None:
        return False
    record(services, outgoing.claim, send_outgoing(services, outgoing))
    return True


def deliver_due(services: Services) -> int:
    """Every delivery due now, one after another in this thread; how many attempts were made."""
    count = 0
    while deliver_next(services):
        count += 1
    return count


def prune_log(services: Services) -> int:
    """Remove finished deliveries (with their attempts), and events left without one, older than the log keeps."""
    cutoff = services.clock() - timedelta(days=services.settings.webhook_log_days)
    removed = 0
    while True:
        with services.store.write() as session:
            ids = session.scalars(select(WebhookDelivery.id).where(
                WebhookDelivery.state.in_((SUCCEEDED, FAILED, CANCELLED)), WebhookDelivery.created_at < cutoff)
                .limit(_PRUNE_BATCH)).all()
            if ids:
                session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids)))
                session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(ids)))
            orphans = select(WebhookEvent.id).where(
                WebhookEvent.created_at < cutoff,
                ~exists().where(WebhookDelivery.event_id == WebhookEvent.id)).limit(_PRUNE_BATCH)
            session.execute(delete(WebhookEvent).where(WebhookEvent.id.in_(orphans)),
                            execution_options={"synchronize_session": False})
        removed += len(ids)
        if len(ids) < _PRUNE_BATCH:
            return removed
