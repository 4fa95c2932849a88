"""Webhooks: a platform's endpoints, and the outbox that tells them what happened.

Outbox. ``record_event`` runs inside the write transaction that makes a change — a decision
(``verification_decided``), a label revoked, suspended, resumed (``label_changed``) or expired
(``note_expired_labels``) — and adds the event (its body, exactly as it will be sent) and one
delivery per endpoint of the platform that wants its type. So the event commits with the change
or not at all, and once committed it survives any crash (the transactional outbox); the
dispatcher (verify.services.dispatch) sends it later, outside any transaction, until a 2xx.
After the commit this process's dispatcher is woken; the others find the delivery when they
next poll. A platform with no endpoint wanting the type gets no row at all.

Endpoints. A platform registers up to ``webhook_max_endpoints`` URLs (checked by
``verify.webhooks.addresses``: public https only, unless the operator allows more), each with
the event types it wants (all by default) and its own ``whsec_`` secret: shown once, kept sealed
by the envelope like every other secret. Rotating the secret keeps the old one signing beside the
new for a grace period; deleting an endpoint destroys its secret and cancels what it had waiting.
Everything is scoped to the caller's platform (an admin sees every platform's); another
platform's endpoint or delivery answers 404 like a missing one. Endpoint changes are audited.

Delivery log. Each delivery keeps its attempts (time, status code, duration, error class, the
first 4 KiB of the answer) for ``webhook_log_days``; a redelivery is a new delivery of the same
event, so the receiver sees the same ``webhook-id`` again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_, event, func, insert, or_, select, update
from sqlalchemy.orm import Session

from verify import audit
from verify.crypto.cursor import Cursors
from verify.domain import VerificationStatus
from verify.errors import InvalidCursor, NotFound, TooManyWebhookEndpoints, WebhookEndpointDisabled
from verify.services.context import Services
from verify.services.keys import Principal
from verify.store.db import hold_lock
from verify.store.models import Label, Verification, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from verify.webhooks import events
from verify.webhooks.addresses import Policy
from verify.webhooks.signing import new_secret, secret_aad

log = logging.getLogger(__name__)

PENDING, SENDING, SUCCEEDED, FAILED, CANCELLED = "pending", "sending", "succeeded", "failed", "cancelled"
STATES = (PENDING, SENDING, SUCCEEDED, FAILED, CANCELLED)
WAITING = (PENDING, SENDING)
SUBJECT = "webhook_endpoint"  # audit_events.subject_type
_LABEL_EVENTS = {"revoke": "label.revoked", "suspend": "label.suspended", "resume": "label.resumed",
                 "expire": "label.expired"}
_WAKE = "verify.webhooks.wake"  # session.info: the dispatcher is woken after this session's commit
_EXPIRY_BATCH = 200


def delivery_policy(services: Services) -> Policy:
    """Where deliveries may go, from the settings (``VERIFY_WEBHOOK_ALLOWED_NETWORKS``, ``…_ALLOW_HTTP``)."""
    return Policy(services.settings.webhook_networks, services.settings.webhook_allow_http)


# --- the outbox ------------------------------------------------------------------------------------------------


def record_event(services: Services, session: Session, event_type: str, *, platform_id: str,
                 data: dict[str, Any], now: datetime, endpoint_id: str | None = None) -> str | None:
    """Write an event and its deliveries in ``session``'s transaction; its id (the webhook-id), or None if unwanted.

    ``endpoint_id`` sends it to that endpoint only, whatever its filter (``webhook.test``).
    """
    query = select(WebhookEndpoint.id, WebhookEndpoint.events).where(
        WebhookEndpoint.platform_id == platform_id, WebhookEndpoint.deleted_at.is_(None),
        WebhookEndpoint.disabled_at.is_(None))
    if endpoint_id is not None:
        query = query.where(WebhookEndpoint.id == endpoint_id)
    targets = [target for target, wanted in session.execute(query)
               if endpoint_id is not None or wanted is None or event_type in wanted]
    if not targets:
        return None
    event_id = uuid.uuid4().hex
    session.execute(insert(WebhookEvent).values(id=event_id, platform_id=platform_id, type=event_type,
                                                body=events.body(event_type, now, data).decode(), created_at=now))
    first = now + timedelta(seconds=services.settings.webhook_schedule[0])
    session.execute(insert(WebhookDelivery), [
        {"id": uuid.uuid4().hex, "event_id": event_id, "endpoint_id": target, "platform_id": platform_id,
         "state": PENDING, "attempts": 0, "next_attempt_at": first, "created_at": now} for target in targets])
    _wake_after_commit(services, session)
    return event_id


def _wake_after_commit(services: Services, session: Session) -> None:
    if session.info.get(_WAKE):
        return
    session.info[_WAKE] = True

    def wake(_session: Session) -> None:
        session.info.pop(_WAKE, None)
        services.deliveries_waiting.ring()

    event.listen(session, "after_commit", wake, once=True)


def verification_decided(services: Services, session: Session, verification: Verification, *, decided_by: str,
                         now: datetime) -> None:
    """``verification.<status>`` for a decision just written in ``session`` (by the ``machine`` or a ``reviewer``)."""
    label_id = session.scalar(select(Label.id).where(Label.verification_id == verification.id)) \
        if verification.status == VerificationStatus.APPROVED.value else None
    record_event(services, session, f"verification.{verification.status}", platform_id=verification.platform_id,
                 now=now, data=events.verification_data(
                     verification_id=verification.id, account_id=verification.account_id,
                     profession=verification.profession, status=verification.status,
                     reasons=verification.reasons or [], label_id=label_id, decided_by=decided_by))


def label_changed(services: Services, session: Session, label: Label, action: str, *, now: datetime,
                  reason_code: str = "requested") -> None:
    """``label.revoked``, ``.suspended``, ``.resumed`` or ``.expired`` (``action``: revoke, suspend, resume, expire)."""
    from verify.services.labels.state import state  # labels records its changes through this module

    record_event(services, session, _LABEL_EVENTS[action], platform_id=label.platform_id, now=now,
                 data=events.label_data(label_id=label.id, verification_id=label.verification_id,
                                        account_id=label.account_id, kind=label.kind, domain=label.domain,
                                        status=state(label, now), reason_code=reason_code))


def note_expired_labels(services: Services) -> int:
    """Note every label whose lifetime ended: ``label.expired`` once per label, with the mark that says so.

    The mark is a compare-and-set, so sweepers in several processes never write one label's event
    twice. A label revoked before it expired is marked without an event (its state stays revoked).
    """
    noted = 0
    while True:
        now = services.clock()
        with services.store.write() as session:
            labels = session.scalars(select(Label).where(Label.expiry_noted_at.is_(None), Label.expires_at <= now)
                                     .order_by(Label.expires_at).limit(_EXPIRY_BATCH)).all()
            for label in labels:
                marked = session.execute(
                    update(Label).where(Label.id == label.id, Label.expiry_noted_at.is_(None))
                    .values(expiry_noted_at=now), execution_options={"synchronize_session": False}).rowcount
                if marked == 1 and label.revoked_at is None:
                    label_changed(services, session, label, "expire", now=now, reason_code="lifetime_ended")
                    noted += 1
        if len(labels) < _EXPIRY_BATCH:
            return noted


# --- endpoints -------------------------------------------------------------------------------------------------


def _scope(principal: Principal) -> Any:
    return True if principal.is_admin else WebhookEndpoint.platform_id == principal.platform_id


def _endpoint(session: Session, principal: Principal, endpoint_id: str, *, lock: bool = False) -> WebhookEndpoint:
    query = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.deleted_at.is_(None),
                                          _scope(principal))
    found = session.scalars(query.with_for_update() if lock else query).first()
    if found is None:
        raise NotFound("No such webhook endpoint.")
    return found


def _seal(services: Services, endpoint: WebhookEndpoint, secret: str) -> str:
    assert services.store.envelope is not None, "webhook secrets are kept sealed"
    return services.store.envelope.seal_text(secret, secret_aad(endpoint.platform_id, endpoint.id))


def _audit(session: Session, principal: Principal | None, action: str, endpoint: WebhookEndpoint, now: datetime,
           after: dict[str, Any] | None = None) -> None:
    audit.record(session, actor=principal.key_id if principal else "system", action=action, subject_type=SUBJECT,
                 subject_id=endpoint.id, now=now, platform_id=endpoint.platform_id, after=after)


def create_endpoint(services: Services, principal: Principal, url: str,
                    event_types: Sequence[str] | None) -> tuple[WebhookEndpoint, str]:
    """A new endpoint of the caller's platform and its secret (shown this once); 422 for a URL we will not use."""
    delivery_policy(services).check_url(url)
    now, secret = services.clock(), new_secret()
    with services.store.write() as session:
        hold_lock(session, f"webhook-endpoints:{principal.platform_id}")
        count = session.scalar(select(func.count()).select_from(WebhookEndpoint).where(
            WebhookEndpoint.platform_id == principal.platform_id, WebhookEndpoint.deleted_at.is_(None)))
        limit = services.settings.webhook_max_endpoints
        if (count or 0) >= limit:
            raise TooManyWebhookEndpoints(f"A platform may have {limit} webhook endpoints; delete one first.")
        endpoint = WebhookEndpoint(id=uuid.uuid4().hex, platform_id=principal.platform_id, url=url,
                                   events=sorted(set(event_types)) if event_types else None, created_at=now)
        endpoint.secret = _seal(services, endpoint, secret)
        session.add(endpoint)
        _audit(session, principal, "webhook.endpoint.create", endpoint, now, {  # a query string may hold a token
            "host": urlsplit(url).hostname, "url_sha256": audit.digest(url), "events": endpoint.events})
    return endpoint, secret


def list_endpoints(services: Services, principal: Principal) -> list[WebhookEndpoint]:
    with services.store.read() as session:
        return list(session.scalars(select(WebhookEndpoint).where(
            WebhookEndpoint.deleted_at.is_(None), _scope(principal)).order_by(WebhookEndpoint.created_at)))


def get_endpoint(services: Services, principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    with services.store.read() as session:
        return _endpoint(session, principal, endpoint_id)


def delete_endpoint(services: Services, principal: Principal, endpoint_id: str) -> None:
    """Delete an endpoint: its secrets are destroyed, its waiting deliveries cancelled; its log goes with it."""
    now = services.clock()
    with services.store.write() as session:
        endpoint = _endpoint(session, principal, endpoint_id, lock=True)
        endpoint.deleted_at, endpoint.secret, endpoint.previous_secret = now, None, None
        _end_waiting(session, endpoint.id, CANCELLED, "endpoint_deleted", now)
        _audit(session, principal, "webhook.endpoint.delete", endpoint, now)


def rotate_secret(services: Services, principal: Principal, endpoint_id: str,
                  grace_seconds: float | None) -> tuple[WebhookEndpoint, str]:
    """A new secret (shown this once); the current one keeps signing beside it for ``grace_seconds``."""
    now, secret = services.clock(), new_secret()
    grace = timedelta(hours=services.settings.webhook_secret_grace_hours) if grace_seconds is None \
        else timedelta(seconds=grace_seconds)
    with services.store.write() as session:
        endpoint = _endpoint(session, principal, endpoint_id, lock=True)
        endpoint.previous_secret = endpoint.secret if grace > timedelta(0) else None
        endpoint.previous_secret_expires_at = now + grace if grace > timedelta(0) else None
        endpoint.secret = _seal(services, endpoint, secret)
        _audit(session, principal, "webhook.endpoint.rotate_secret", endpoint, now,
               {"grace_seconds": grace.total_seconds()})
    return endpoint, secret


def enable_endpoint(services: Services, principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    """Deliver to a disabled endpoint again (new events; earlier ones by redelivery)."""
    now = services.clock()
    with services.store.write() as session:
        endpoint = _endpoint(session, principal, endpoint_id, lock=True)
        if endpoint.disabled_at is not None:
            endpoint.disabled_at, endpoint.disabled_reason, endpoint.failing_since = None, None, None
            _audit(session, principal, "webhook.endpoint.enable", endpoint, now)
        return endpoint


def disable_endpoint(session: Session, endpoint: WebhookEndpoint, reason: str, now: datetime) -> None:
    """Stop delivering to ``endpoint`` (``gone``: it answered 410; ``failing``: no success for days)."""
    endpoint.disabled_at, endpoint.disabled_reason = now, reason
    _end_waiting(session, endpoint.id, FAILED, "endpoint_disabled", now, (PENDING,))  # those in flight end as sent
    _audit(session, None, "webhook.endpoint.disable", endpoint, now, {"reason": reason})
    log.warning("webhook endpoint %s disabled: %s", endpoint.id, reason)


def _end_waiting(session: Session, endpoint_id: str, state: str, error: str, now: datetime,
                 waiting: tuple[str, ...] = WAITING) -> None:
    session.execute(
        update(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.state.in_(waiting))
        .values(state=state, last_error=error, finished_at=now, next_attempt_at=None, lease_token=None,
                lease_expires_at=None), execution_options={"synchronize_session": False})


# --- the delivery log ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryRecord:
    """A delivery as its log shows it: the event it carries and every attempt so far."""

    delivery: WebhookDelivery
    event: WebhookEvent
    attempts: list[WebhookAttempt]


def send_test(services: Services, principal: Principal, endpoint_id: str) -> DeliveryRecord:
    """A ``webhook.test`` event to this endpoint only; 409 if it is disabled."""
    now = services.clock()
    with services.store.write() as session:
        endpoint = _endpoint(session, principal, endpoint_id)
        if endpoint.disabled_at is not None:
            raise WebhookEndpointDisabled()
        event_id = record_event(services, session, events.TEST_EVENT, platform_id=endpoint.platform_id, now=now,
                                data=events.endpoint_test_data(endpoint.id), endpoint_id=endpoint.id)
        delivery = session.scalars(select(WebhookDelivery).where(WebhookDelivery.event_id == event_id)).one()
        return DeliveryRecord(delivery, session.get_one(WebhookEvent, event_id), [])


def _delivery_scope(principal: Principal) -> Any:
    return True if principal.is_admin else WebhookDelivery.platform_id == principal.platform_id


def _records(session: Session, rows: Sequence[Any]) -> list[DeliveryRecord]:
    ids = [delivery.id for delivery, _event in rows]
    attempts: dict[str, list[WebhookAttempt]] = {delivery_id: [] for delivery_id in ids}
    if ids:
        for attempt in session.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids))
                                       .order_by(WebhookAttempt.number, WebhookAttempt.id)):
            attempts[attempt.delivery_id].append(attempt)
    return [DeliveryRecord(delivery, event, attempts[delivery.id]) for delivery, event in rows]


def list_deliveries(services: Services, principal: Principal, *, endpoint_id: str | None, state: str | None,
                    limit: int, cursor: str | None, cursors: Cursors) -> tuple[list[DeliveryRecord], str | None]:
    """Newest first, ``limit`` at a time, with a cursor bound to the caller's platform for the next page."""
    query = (select(WebhookDelivery, WebhookEvent).join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
             .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
             .where(_delivery_scope(principal), WebhookEndpoint.deleted_at.is_(None))
             .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()).limit(limit + 1))
    if state is not None:
        query = query.where(WebhookDelivery.state == state)
    if cursor:
        created, _, last_id = cursors.open(cursor, principal.platform_id).partition("|")
        try:
            created_at = datetime.fromisoformat(created)
        except ValueError as exc:
            raise InvalidCursor("The cursor is not valid for this key.") from exc
        query = query.where(or_(WebhookDelivery.created_at < created_at,
                                and_(WebhookDelivery.created_at == created_at, WebhookDelivery.id < last_id)))
    with services.store.read() as session:
        if endpoint_id is not None:
            _endpoint(session, principal, endpoint_id)  # 404 for another platform's, like a missing one
            query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
        rows = session.execute(query).all()
        records = _records(session, rows[:limit])
    next_cursor = None
    if len(rows) > limit:
        last = records[-1].delivery
        next_cursor = cursors.seal(f"{last.created_at.isoformat()}|{last.id}", principal.platform_id)
    return records, next_cursor


def _delivery(session: Session, principal: Principal, delivery_id: str) -> tuple[WebhookDelivery, WebhookEvent]:
    row = session.execute(
        select(WebhookDelivery, WebhookEvent).join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.id == delivery_id, _delivery_scope(principal), WebhookEndpoint.deleted_at.is_(None))
    ).first()
    if row is None:
        raise NotFound("No such webhook delivery.")
    return row[0], row[1]


def get_delivery(services: Services, principal: Principal, delivery_id: str) -> DeliveryRecord:
    with services.store.read() as session:
        return _records(session, [_delivery(session, principal, delivery_id)])[0]


def redeliver(services: Services, principal: Principal, delivery_id: str) -> DeliveryRecord:
    """Send a delivery's event to its endpoint again, as a new delivery: the same ``webhook-id``, a fresh schedule."""
    now = services.clock()
    with services.store.write() as session:
        original, webhook_event = _delivery(session, principal, delivery_id)
        endpoint = session.get_one(WebhookEndpoint, original.endpoint_id)
        if endpoint.disabled_at is not None:
            raise WebhookEndpointDisabled()
        again = WebhookDelivery(
            id=uuid.uuid4().hex, event_id=original.event_id, endpoint_id=original.endpoint_id,
            platform_id=original.platform_id, state=PENDING, attempts=0, redelivery_of=original.id,
            next_attempt_at=now + timedelta(seconds=services.settings.webhook_schedule[0]), created_at=now)
        session.add(again)
        _wake_after_commit(services, session)
        return DeliveryRecord(again, webhook_event, [])
