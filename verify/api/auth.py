"""Bearer API keys, roles and the principal of the current request.

Keys that authenticate are cached in-process for ``auth_cache_seconds`` (keyed by a hash of
the key), so the label-check hot path does not read the database for its key; a revoked key
therefore stops working within that many seconds. A key with an expiry stops at its expiry
exactly: a cached principal is checked against the clock on every use. Keys that fail are not
cached: they are counted against their source address instead, and past its limit a key that
is not cached is not looked up (``verify.api.ratelimit``), so a flood of bad keys neither evicts
good ones nor costs a query each. Each authorised call is then charged to its key's rate limit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from verify.api.common import edge, services
from verify.api.ratelimit import source
from verify.errors import Forbidden, Unauthorized
from verify.services.keys import Principal, authenticate

F = TypeVar("F", bound=Callable[..., Any])


def bearer_token() -> str:
    """The request's bearer token; ``Unauthorized`` without one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send 'Authorization: Bearer <api key>'.")
    return token.strip()


def principal_for(token: str) -> Principal | None:
    """The principal of an API key, ``None`` for a bad one (counted against the caller's address: past its
    limit, ``RateLimited`` before the key is looked up)."""
    ctx, cache, limits = services(), edge().keys, edge().rate_limits
    principal = cache.get(token)
    if principal is not None:
        if principal.expires_at is not None and principal.expired(ctx.clock()):
            return None  # expired since it was cached
        return principal
    limits.refuse_failing_source(source())  # 429 before the database is asked
    principal = authenticate(ctx.store, token, ctx.clock())
    if principal is None:
        limits.count_failed_authentication(source())
        return None
    cache.remember(token, principal)
    return principal


def current_principal() -> Principal:
    return g.principal


def require(*roles: str) -> Callable[[F], F]:
    """Allow callers with one of ``roles`` (admin is always allowed; what it sees is its key's scope)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = principal_for(bearer_token())
            if principal is None:
                raise Unauthorized("The API key is not valid.")
            if principal.role not in roles and not principal.is_admin:
                raise Forbidden(f"This needs the role {' or '.join(roles)}.")
            g.principal = principal
            edge().rate_limits.charge(principal, request.endpoint or "")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
