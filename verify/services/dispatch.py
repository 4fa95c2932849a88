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

from sqlalchemy import and_, bindparam, delete, exists, func, or_, select, update
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


def claim_next(services: Services, *, turns: Turns | None = None) -> Outgoing | None:
    """Claim a due delivery (the endpoints in turn, each below its in-flight limit); None when none is due."""
    now, settings = services.clock(), services.settings
    with services.store.read() as session:  # a read first: an idle poll takes no write lock
        waiting = session.execute(_WAITING, {"now": now}).all()
        if not waiting:
            return None
        busy = dict(session.execute(_IN_FLIGHT, {"now": now}).all())
    ready = [(row[0], row[1]) for row in waiting if busy.get(row[0], 0) < settings.webhook_endpoint_in_flight]
    order = turns.order(ready) if turns is not None else [endpoint for endpoint, _ in sorted(ready, key=_oldest)]
    claim = _CLAIM[not services.store.is_sqlite]
    expires = now + timedelta(seconds=settings.webhook_lease_seconds)
    with services.store.write() as session:
        for endpoint_id in order:
            token = uuid.uuid4().hex
            row = session.execute(claim, {"now": now, "claim_endpoint": endpoint_id, "claim_token": token,
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


def record(services: Services, claim: Claim, attempt: Attempt) -> str | None:
    """Log the attempt and move the delivery on, if the lease is still ours; its new state, None when fenced off."""
    settings = services.settings
    now = services.clock()
    with services.store.write() as session:
        delivery = session.get(WebhookDelivery, claim.delivery_id, with_for_update=True)
        if delivery is None or delivery.lease_token != claim.token or delivery.state != SENDING:
            log.info("webhook delivery %s: lease lost before its attempt was recorded", claim.delivery_id)
            return None
        session.add(WebhookAttempt(
            delivery_id=delivery.id, number=claim.attempts, at=now - timedelta(milliseconds=attempt.duration_ms),
            duration_ms=attempt.duration_ms, status_code=attempt.status_code, error=attempt.error,
            response=attempt.response))
        endpoint = session.get_one(WebhookEndpoint, delivery.endpoint_id, with_for_update=True)
        delivery.lease_token = delivery.lease_expires_at = None
        delivery.last_status_code, delivery.last_error = attempt.status_code, attempt.error
        if endpoint.deleted_at is not None:
            _finish(delivery, CANCELLED, now)
        elif attempt.ok:
            endpoint.failing_since = None
            _finish(delivery, SUCCEEDED, now)
        else:
            endpoint.failing_since = endpoint.failing_since or now
            delay = next_delay(settings.webhook_schedule, attempts_made=delivery.attempts,
                               retry_after=attempt.retry_after)
            failing_too_long = now - endpoint.failing_since >= timedelta(days=settings.webhook_disable_after_days)
            if endpoint.disabled_at is None and (attempt.status_code == 410 or failing_too_long):
                disable_endpoint(session, endpoint, GONE if attempt.status_code == 410 else FAILING, now)
            if endpoint.disabled_at is not None or delay is None:
                _finish(delivery, FAILED, now)
            else:
                delivery.state, delivery.next_attempt_at = PENDING, now + timedelta(seconds=delay)
        return delivery.state


def _finish(delivery: WebhookDelivery, state: str, now: datetime) -> None:
    delivery.state, delivery.finished_at, delivery.next_attempt_at = state, now, None


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
