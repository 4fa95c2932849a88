"""Console sign-in sessions kept in the database, so that signing out really ends one.

The console's cookie holds a random token naming a row of ``console_sessions`` (which keeps only
the token's SHA-256). Every console request looks the row up with its key: a session ends when it
is signed out (the row is deleted, so a copy of the cookie is refused), ``VERIFY_SESSION_HOURS``
after sign-in however busy it was, or when its key is revoked or expires.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from verify.services import keys
from verify.services.context import Services
from verify.services.keys import Principal
from verify.store.models import ApiKey, ConsoleSession, Platform


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(services: Services, principal: Principal) -> str:
    """A new session for ``principal``; its token, for the cookie. Sessions past their end are removed."""
    now, token = services.clock(), secrets.token_urlsafe(32)
    with services.store.write() as session:
        session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= now))
        session.add(ConsoleSession(id=_digest(token), key_id=principal.key_id, signed_in_at=now,
                                   expires_at=now + timedelta(hours=services.settings.session_hours)))
    return token


def principal_of(services: Services, token: str) -> Principal | None:
    """The principal of a live session: None once it is signed out or past its end, or its key revoked or expired."""
    now = services.clock()
    with services.store.read() as session:
        row = session.execute(
            select(ApiKey, Platform.name).join(Platform).join(ConsoleSession, ConsoleSession.key_id == ApiKey.id)
            .where(ConsoleSession.id == _digest(token), ConsoleSession.expires_at > now)
        ).first()
    return None if row is None else keys.principal_of(*row, now)


def end(services: Services, token: str) -> None:
    """Sign the session out: its token (and every copy of the cookie) is refused from now on."""
    with services.store.write() as session:
        session.execute(delete(ConsoleSession).where(ConsoleSession.id == _digest(token)))
