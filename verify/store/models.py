"""Database tables (SQLAlchemy 2 declarative). Times are stored as UTC.

The schema itself is created by Alembic migrations (``verify/store/migrations``);
these classes are the one description both the code and the migrations use.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Platform(Base):
    __tablename__ = "platforms"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime]
    approval_policy: Mapped[str] = mapped_column(String(16), default="auto")  # auto | review_all


class ApiKey(Base):
    """An API key: ``vk_<id>_<secret>``; only a SHA-256 of the secret is kept.

    ``all_platforms`` (admin keys only) lets the key see every platform's objects; any other key sees
    its own platform's. A key stops working at ``revoked_at`` or ``expires_at``, whichever comes first.
    """

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    platform_id: Mapped[str] = mapped_column(ForeignKey("platforms.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    all_platforms: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime | None]


class ConsoleSession(Base):
    """A signed-in console session. The cookie holds a random token; only its SHA-256 is kept here.

    Signing out deletes the row, so a copy of the cookie is refused from then on. ``expires_at`` is
    ``VERIFY_SESSION_HOURS`` after sign-in, however busy the session.
    """

    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 (hex) of the cookie's token
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"), index=True)
    signed_in_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class Verification(Base):
    """One submission and, once processed, what was read and decided.

    ``lease_token`` / ``lease_expires_at`` make the background job a lease: a worker
    that lost its lease cannot write a result (the token is the fencing check).
    """

    __tablename__ = "verifications"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    platform_id: Mapped[str] = mapped_column(ForeignKey("platforms.id"), index=True)
    account_id: Mapped[str] = mapped_column(String(128), index=True)
    profession: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    holder_name: Mapped[str | None] = mapped_column(Text)  # sealed (verify.crypto.at_rest)
    holder_id_number: Mapped[str | None] = mapped_column(Text)  # sealed
    kind: Mapped[str | None] = mapped_column(String(32))
    number: Mapped[str | None] = mapped_column(Text)  # sealed: some numbers embed the ID number
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    confidence: Mapped[float | None] = mapped_column(Float)
    checks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None]
    previous_id: Mapped[str | None] = mapped_column(String(32), unique=True)  # the rejected case this resubmits
    # Keyed digests (verify.crypto.lookup) and page prints, copied to the label: another account's later use of
    # the same credential or picture is noticed without storing either in the clear. ``reuse``: what was found.
    credential_digest: Mapped[str | None] = mapped_column(String(64))
    holder_digest: Mapped[str | None] = mapped_column(String(64))
    image_prints: Mapped[list[Any] | None] = mapped_column(JSON)
    reuse: Mapped[list[Any] | None] = mapped_column(JSON)
    documents: Mapped[list[Any] | None] = mapped_column(JSON)  # [{kind, backs, primary}] of several documents
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    redacted_at: Mapped[datetime | None]  # personal data removed (DELETE or retention)


class Document(Base):
    """One uploaded part (page) of a submission, committed with it before the 202."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    verification_id: Mapped[str] = mapped_column(ForeignKey("verifications.id"), index=True)
    position: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed under its own data key
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)  # that data key, wrapped by the KEK
    purged_at: Mapped[datetime | None]


class IdempotencyRecord(Base):
    """The first answer to a (platform, Idempotency-Key), replayed for retries."""

    __tablename__ = "idempotency_keys"

    platform_id: Mapped[str] = mapped_column(ForeignKey("platforms.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    verification_id: Mapped[str] = mapped_column(ForeignKey("verifications.id"))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class Label(Base):
    __tablename__ = "labels"
    __table_args__ = (Index("ix_labels_expiry", "expiry_noted_at", "expires_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # the token's jti
    verification_id: Mapped[str] = mapped_column(ForeignKey("verifications.id"), unique=True)
    platform_id: Mapped[str] = mapped_column(ForeignKey("platforms.id"), index=True)
    account_id: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    domain: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(64))
    display: Mapped[str] = mapped_column(String(128))
    token: Mapped[str] = mapped_column(Text)
    kid: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(String(255))
    suspended_at: Mapped[datetime | None]
    status_index: Mapped[int | None] = mapped_column(Integer, unique=True)  # position in the status list
    credential_digest: Mapped[str | None] = mapped_column(String(64), index=True)  # kind + number, keyed
    holder_digest: Mapped[str | None] = mapped_column(String(64))  # the holder's ID number, keyed
    expiry_noted_at: Mapped[datetime | None]  # when its expiry was noted (label.expired written once)


class ImagePrint(Base):
    """A perceptual print of a page that backs a label (verify.reading.prints), found by its bands."""

    __tablename__ = "image_prints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    label_id: Mapped[str] = mapped_column(ForeignKey("labels.id"), index=True)
    band0: Mapped[int] = mapped_column(Integer, index=True)
    band1: Mapped[int] = mapped_column(Integer, index=True)
    band2: Mapped[int] = mapped_column(Integer, index=True)
    band3: Mapped[int] = mapped_column(Integer, index=True)
    fine: Mapped[str] = mapped_column(String(256))


class ServiceKey(Base):
    """A key the service made for itself, wrapped by the key-encryption key (``lookup``: verify.crypto.lookup)."""

    __tablename__ = "service_keys"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class SigningKeyRow(Base):
    """A label signing key (verify.labels.keyring): the current one's private part is a PKCS8 PEM encrypted with
    a password derived from the service secret; retired keys keep only their public value."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(43), primary_key=True)
    x: Mapped[str] = mapped_column(String(43))
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
    compromised_at: Mapped[datetime | None]
    encrypted: Mapped[bool] = mapped_column(Boolean)
    private_pem: Mapped[bytes | None] = mapped_column(LargeBinary)


class Counter(Base):
    """A number every node reads to learn that something changed elsewhere (verify.store.counters)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class AuditHead(Base):
    """The audit log's newest entry, sealed with an HMAC under a key derived from the service secret (one row)."""

    __tablename__ = "audit_head"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    entry_id: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


class ReviewItem(Base):
    """A needs_review case waiting for a person; ``fencing`` grows with every claim."""

    __tablename__ = "review_items"
    __table_args__ = (UniqueConstraint("verification_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    verification_id: Mapped[str] = mapped_column(ForeignKey("verifications.id"))
    platform_id: Mapped[str] = mapped_column(ForeignKey("platforms.id"), index=True)
    profession: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None]
    fencing: Mapped[int] = mapped_column(Integer, default=0)
    decision: Mapped[str | None] = mapped_column(String(16))
    reason_code: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)  # internal, never shown to platforms
    message: Mapped[str | None] = mapped_column(Text)  # user-safe, for the applicant
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(index=True)


class AuditEvent(Base):
    """Append-only, hash-chained record of every claim, decision, label change and key rotation."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))  # API key id, or "system"
    platform_id: Mapped[str | None] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class WebhookEndpoint(Base):
    """Where a platform is told of events; ``secret`` (and during a rotation ``previous_secret``) sealed."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    platform_id: Mapped[str] = mapped_column(ForeignKey("platforms.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[Any] | None] = mapped_column(JSON)  # the event types it wants; None: every type
    secret: Mapped[str | None] = mapped_column(Text)  # sealed (verify.webhooks.signing.secret_aad); None once deleted
    previous_secret: Mapped[str | None] = mapped_column(Text)  # sealed; signs too until previous_secret_expires_at
    previous_secret_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    failing_since: Mapped[datetime | None]  # first failure since its last success
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(String(32))  # gone (410) | failing
    deleted_at: Mapped[datetime | None]


class WebhookEvent(Base):
    """One event of the outbox, written in the transaction of the change it reports; ``id`` is the webhook-id."""

    __tablename__ = "webhook_events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    platform_id: Mapped[str] = mapped_column(ForeignKey("platforms.id"), index=True)
    type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)  # exactly what is sent: {type, timestamp, data}
    created_at: Mapped[datetime] = mapped_column(index=True)


class WebhookDelivery(Base):
    """An event on its way to one endpoint: a leased job (``lease_token`` fences a dispatcher that lost it)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("webhook_events.id"), index=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id"), index=True)
    platform_id: Mapped[str] = mapped_column(ForeignKey("platforms.id"), index=True)
    state: Mapped[str] = mapped_column(String(16))  # pending | sending | succeeded | failed | cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(32))
    redelivery_of: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]


class WebhookAttempt(Base):
    """One try of a delivery, as the delivery log shows it."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    number: Mapped[int]
    at: Mapped[datetime]
    duration_ms: Mapped[float] = mapped_column(Float)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(32))
    response: Mapped[str] = mapped_column(Text)  # the first 4 KiB of the answer
