"""Platforms and API keys.

A key reads ``vk_<key id>_<secret>``. The secret has 256 bits of entropy, so a plain
SHA-256 of it is what we keep (as GitHub and Stripe do for high-entropy tokens); it is
compared in constant time. A lost key cannot be shown again.

Every key belongs to a platform and sees that platform's objects; an admin key made with
``all_platforms`` sees every platform's. A key may have an expiry: from then on it is refused
like a revoked one.

>>> parse_key("vk_0123456789abcdef_" + "A" * 43)[0]
'0123456789abcdef'
>>> parse_key("nonsense") is None
True
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from verify.errors import NotFound
from verify.store.db import Store
from verify.store.models import ApiKey, Platform

ROLES = ("platform", "reviewer", "admin")
_KEY = re.compile(r"vk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")
_LIFETIME = re.compile(r"([1-9][0-9]{0,5})([dh])")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key, its platform, its role, whether it sees every platform, and until when it works."""

    key_id: str
    platform_id: str
    platform_name: str
    role: str
    all_platforms: bool = False
    expires_at: datetime | None = None

    @property
    def is_admin(self) -> bool:
        """May call every route (the admin role)."""
        return self.role == "admin"

    @property
    def sees_every_platform(self) -> bool:
        """Sees every platform's objects (an admin key made for all platforms); otherwise only its own platform's."""
        return self.is_admin and self.all_platforms

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


@dataclass(frozen=True)
class KeyInfo:
    id: str
    platform: str
    role: str
    created_at: datetime
    revoked_at: datetime | None
    all_platforms: bool
    expires_at: datetime | None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_key(token: str) -> tuple[str, str] | None:
    match = _KEY.fullmatch(token)
    return (match.group(1), match.group(2)) if match else None


def ensure_platform(store: Store, name: str, now: datetime) -> str:
    """The id of the platform called ``name``, created if new."""
    with store.write() as session:
        platform = session.scalars(select(Platform).where(Platform.name == name)).first()
        if platform is None:
            platform = Platform(id=uuid.uuid4().hex, name=name, created_at=now)
            session.add(platform)
        return platform.id


def lifetime(text: str) -> timedelta:
    """A key's lifetime written as days or hours (``90d``, ``12h``); ``ValueError`` otherwise.

    >>> lifetime("90d"), lifetime("12h")
    (datetime.timedelta(days=90), datetime.timedelta(seconds=43200))
    >>> lifetime("0d")
    Traceback (most recent call last):
    ...
    ValueError: a lifetime is a whole number of days or hours, e.g. 90d or 12h
    """
    match = _LIFETIME.fullmatch(text.strip())
    if match is None:
        raise ValueError("a lifetime is a whole number of days or hours, e.g. 90d or 12h")
    count, unit = int(match.group(1)), match.group(2)
    return timedelta(days=count) if unit == "d" else timedelta(hours=count)


def expiry_at(text: str) -> datetime:
    """An expiry written in ISO 8601 (a date, or a date and time; without an offset it is UTC).

    >>> expiry_at("2030-01-02").isoformat(), expiry_at("2030-01-02T08:00:00+08:00").isoformat()
    ('2030-01-02T00:00:00+00:00', '2030-01-02T00:00:00+00:00')
    """
    moment = datetime.fromisoformat(text.strip())
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def create_key(store: Store, platform: str, role: str, now: datetime, *, all_platforms: bool = False,
               expires_at: datetime | None = None) -> tuple[str, str]:
    """A new key for ``platform`` (created if new); returns (key id, the full key).

    ``all_platforms`` (admin keys only) lets it see every platform; ``expires_at`` (in the future)
    ends it. ``ValueError`` for anything else.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if all_platforms and role != "admin":
        raise ValueError("only admin keys can see every platform")
    if expires_at is not None and expires_at <= now:
        raise ValueError("the expiry must be in the future")
    platform_id = ensure_platform(store, platform, now)
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    with store.write() as session:
        session.add(ApiKey(id=key_id, platform_id=platform_id, role=role, secret_hash=_hash(secret),
                           created_at=now, all_platforms=all_platforms, expires_at=expires_at))
    return key_id, f"vk_{key_id}_{secret}"


def list_keys(store: Store) -> list[KeyInfo]:
    with store.read() as session:
        rows = session.execute(
            select(ApiKey, Platform.name).join(Platform).order_by(ApiKey.created_at)
        ).all()
        return [KeyInfo(k.id, name, k.role, k.created_at, k.revoked_at, k.all_platforms, k.expires_at)
                for k, name in rows]


def revoke_key(store: Store, key_id: str, now: datetime) -> None:
    with store.write() as session:
        key = session.get(ApiKey, key_id)
        if key is None:
            raise NotFound("No such key.")
        key.revoked_at = key.revoked_at or now


def has_admin_key(store: Store) -> bool:
    """Whether an admin key was made and not revoked (an expired one counts: setup makes no second first key)."""
    with store.read() as session:
        query = select(ApiKey.id).where(ApiKey.role == "admin", ApiKey.revoked_at.is_(None))
        return session.scalars(query.limit(1)).first() is not None


def principal_of(key: ApiKey, platform_name: str, now: datetime) -> Principal | None:
    """The principal a stored key stands for, or None once it is revoked or expired."""
    principal = Principal(key.id, key.platform_id, platform_name, key.role, key.all_platforms, key.expires_at)
    return None if key.revoked_at is not None or principal.expired(now) else principal


def authenticate(store: Store, token: str, now: datetime | None = None) -> Principal | None:
    """The principal for a bearer token at ``now`` (default: the current time), or None for an unknown,
    malformed, revoked or expired key."""
    parsed = parse_key(token)
    if parsed is None:
        return None
    key_id, secret = parsed
    with store.read() as session:
        row = session.execute(
            select(ApiKey, Platform.name).join(Platform).where(ApiKey.id == key_id)
        ).first()
    if row is None:
        return None
    key, platform_name = row
    if not hmac.compare_digest(key.secret_hash, _hash(secret)):
        return None
    return principal_of(key, platform_name, now or datetime.now(UTC))
