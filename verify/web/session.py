"""The console's sign-in session and CSRF tokens.

The session is Flask's signed cookie holding only the API key's *id* (never the key), the
time of sign-in and a CSRF token. The key is looked up again on every request, so
revoking it ends every console session at once. The cookie is HttpOnly, SameSite=Strict,
scoped to ``/review``, Secure whenever the request came over HTTPS, and expires
``SESSION_HOURS`` after sign-in (the signature carries its time).

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

from verify.services import review
from verify.services.keys import Principal

F = TypeVar("F", bound=Callable[..., Any])
SESSION_HOURS = 8
COOKIE_NAME = "verify_review"
CSRF_FIELD = "csrf_token"
REVIEW_ROLES = ("reviewer", "admin")


def session_secret(service_secret: bytes) -> bytes:
    """Flask's ``SECRET_KEY``: HKDF-SHA256 of the service secret, for this one purpose."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"verify review console session").derive(
        service_secret)


class ConsoleSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure when the request is HTTPS; only under ``/review``.

    API requests (the label-check hot path among them) authenticate with a bearer key and get
    Flask's null session: no cookie parsed or signed for them.
    """

    def open_session(self, app: Flask, request: Any) -> Any:
        if not request.path.startswith(app.config["SESSION_COOKIE_PATH"]):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure or bool(app.config["SESSION_COOKIE_SECURE"])


def configure(app: Flask) -> None:
    """Cookie settings for the console session (called once when the blueprint is registered)."""
    app.session_interface = ConsoleSessionInterface()
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME, SESSION_COOKIE_PATH="/review", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict", PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
    )


def sign_in(principal: Principal) -> None:
    session.clear()
    session.permanent = True
    session["key_id"] = principal.key_id
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


def sign_out() -> None:
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
        key_id = session.get("key_id")
        principal = review.console_principal(current_app.extensions["verify"], key_id) if key_id else None
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
