"""Bearer API keys, roles and the principal of the current request.

Authentication results are cached in-process for ``auth_cache_seconds`` (keyed by a
hash of the key), so the label-check hot path does not read the database for its key;
a revoked key therefore stops working within that many seconds. A key with an expiry stops
at its expiry exactly: a cached principal is checked against the clock on every use. Each
authorised call is then charged to its key's rate limit (``verify.api.ratelimit``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from verify.api import ratelimit
from verify.api.common import services
from verify.errors import Forbidden, Unauthorized
from verify.services.keys import Principal, authenticate

F = TypeVar("F", bound=Callable[..., Any])
_CACHE_LIMIT = 10_000
_cache: dict[bytes, tuple[Principal | None, float]] = {}


def _principal_for(token: str) -> Principal | None:
    key, now = hashlib.sha256(token.encode()).digest(), time.monotonic()
    cached = _cache.get(key)
    if cached is not None and cached[1] > now:
        principal = cached[0]
        if principal is not None and principal.expires_at is not None and principal.expired(services().clock()):
            return None  # expired since it was cached
        return principal
    ctx = services()
    principal = authenticate(ctx.store, token, ctx.clock())
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()
    _cache[key] = (principal, now + ctx.settings.auth_cache_seconds)
    return principal


def current_principal() -> Principal:
    return g.principal


def require(*roles: str) -> Callable[[F], F]:
    """Allow callers with one of ``roles`` (admin is always allowed; what it sees is its key's scope)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("Send 'Authorization: Bearer <api key>'.")
            principal = _principal_for(token.strip())
            if principal is None:
                raise Unauthorized("The API key is not valid.")
            if principal.role not in roles and not principal.is_admin:
                raise Forbidden(f"This needs the role {' or '.join(roles)}.")
            g.principal = principal
            ratelimit.charge(principal, services().settings.limits)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
