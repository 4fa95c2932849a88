"""Platforms and API keys.

A key reads ``vk_<key id>_<secret>``. The secret has 256 bits of entropy, so a plain
SHA-256 of it is what we keep (as GitHub and Stripe do for high-entropy tokens); it is
compared in constant time. A lost key cannot be shown again.

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
from datetime import datetime

from sqlalchemy import select

from verify.errors import NotFound
from verify.store.db import Store
from verify.store.models import ApiKey, Platform

ROLES = ("platform", "reviewer", "admin")
_KEY = re.compile(r"vk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key, its platform and its role."""

    key_id: str
    platform_id: str
    platform_name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class KeyInfo:
    id: str
    platform: str
    role: str
    created_at: datetime
    revoked_at: datetime | None


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


def create_key(store: Store, platform: str, role: str, now: datetime) -> tuple[str, str]:
    """A new key for ``platform`` (created if new); returns (key id, the full key)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    platform_id = ensure_platform(store, platform, now)
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    with store.write() as session:
        session.add(ApiKey(id=key_id, platform_id=platform_id, role=role, secret_hash=_hash(secret),
                           created_at=now))
    return key_id, f"vk_{key_id}_{secret}"


def list_keys(store: Store) -> list[KeyInfo]:
    with store.read() as session:
        rows = session.execute(
            select(ApiKey, Platform.name).join(Platform).order_by(ApiKey.created_at)
        ).all()
        return [KeyInfo(k.id, name, k.role, k.created_at, k.revoked_at) for k, name in rows]


def revoke_key(store: Store, key_id: str, now: datetime) -> None:
    with store.write() as session:
        key = session.get(ApiKey, key_id)
        if key is None:
            raise NotFound("No such key.")
        key.revoked_at = key.revoked_at or now


def has_admin_key(store: Store) -> bool:
    with store.read() as session:
        query = select(ApiKey.id).where(ApiKey.role == "admin", ApiKey.revoked_at.is_(None))
        return session.scalars(query.limit(1)).first() is not None


def authenticate(store: Store, token: str) -> Principal | None:
    """The principal for a bearer token, or None for an unknown, malformed or revoked key."""
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
    if key.revoked_at is not None or not hmac.compare_digest(key.secret_hash, _hash(secret)):
        return None
    return Principal(key.id, key.platform_id, platform_name, key.role)
