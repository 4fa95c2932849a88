"""The console's sign-in session and CSRF tokens.

The session is Flask's signed cookie holding a random token that names a session kept in the
database (``verify.services.console_sessions``; never the API key) and a CSRF token. The
session and its key are looked up on every request: signing out deletes the session, so a copy
of the cookie is refused afterwards; it ends ``VERIFY_SESSION_HOURS`` after sign-in however busy
it is, and at once when its key is revoked or expires. The cookie is HttpOnly, SameSite=Strict,
scoped to ``/review``, and Secure as ``VERIFY_SESSION_COOKIE_SECURE`` says: ``auto`` when the
request came over HTTPS, ``always`` (behind a proxy that terminates TLS), or ``never``.

>>> len(session_secret(b"service secret"))
32
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from verify.services import console_sessions
from verify.services.context import Services
from verify.services.keys import Principal

F = TypeVar("F", bound=Callable[..., Any])
COOKIE_NAME = "verify_review"
CSRF_FIELD = "csrf_token"
SESSION_FIELD = "session"  # the token of the server-side session
REVIEW_ROLES = ("reviewer", "admin")


def session_secret(service_secret: bytes) -> bytes:
    """Flask's ``SECRET_KEY``: HKDF-SHA256 of the service secret, for this one purpose."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"verify review console session").derive(
        service_secret)


class ConsoleSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, Secure as configured (``auto``: if the request is HTTPS); only under ``/review``.

    API requests (the label-check hot path among them) authenticate with a bearer key and get
    Flask's null session: no cookie parsed or signed for them.
    """

    def __init__(self, secure: str) -> None:
        self.secure = secure

    def open_session(self, app: Flask, request: Any) -> Any:
        if not request.path.startswith(app.config["SESSION_COOKIE_PATH"]):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure if self.secure == "auto" else self.secure == "always"


def _services() -> Services:
    return current_app.extensions["verify"]


def configure(app: Flask) -> None:
    """Cookie settings for the console session (called once when the blueprint is registered).

    ``VERIFY_SESSION_COOKIE_SECURE`` is auto, always or never: ``load_settings`` refuses anything else.
    """
    settings = app.extensions["verify"].settings
    app.session_interface = ConsoleSessionInterface(settings.session_cookie_secure)
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME, SESSION_COOKIE_PATH="/review", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict", PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
    )


def sign_in(principal: Principal) -> None:
    """Start a server-side session for ``principal`` and put its token in a fresh cookie."""
    session.clear()
    session.permanent = True
    session[SESSION_FIELD] = console_sessions.start(_services(), principal)
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


def sign_out() -> None:
    """End the session on the server (every copy of the cookie is refused from now on) and clear the cookie."""
    token = session.get(SESSION_FIELD)
    if token:
        console_sessions.end(_services(), token)
    session.clear()


def csrf_token() -> str:
    """This session's CSRF token (made on first use, e.g. by the sign-in form)."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """Refuse (400) a form post whose token is missing or not this session's."""
    sent, expected = request.form.get(CSRF_FIELD, ""), session.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, description="csrf")


def safe_next(target: str | None) -> str:
    """A post-sign-in destination inside the console, else the queue (no open redirects).

    >>> safe_next("/review/items/abc"), safe_next("//evil.example/x"), safe_next("https://evil.example")
    ('/review/items/abc', '/review/', '/review/')
    """
    if not target:
        return "/review/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/review/") or "\\" in target:
        return "/review/"
    return target


def reviewer() -> Principal:
    return g.reviewer


def signed_in(view: F) -> F:
    """Pages for a signed-in reviewer or admin; others go to the sign-in page, a platform key gets 403.

    Form posts also need this session's CSRF token.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = session.get(SESSION_FIELD)
        principal = console_sessions.principal_of(_services(), token) if isinstance(token, str) else None
        if principal is None:
            session.clear()
            target = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("console.login", next=target), 302 if request.method == "GET" else 303)
        if principal.role not in REVIEW_ROLES:
            abort(403)
        if request.method == "POST":
            check_csrf()
        g.reviewer = principal
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
