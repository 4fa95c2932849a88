"""Driving the console with Flask's test client: sign in, read the CSRF token, post forms."""

from __future__ import annotations

import functools
import re
from typing import Any

from flask.testing import FlaskClient

from verify.jobs.isolate import run_isolated

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@functools.cache
def start_page_renderer() -> None:
    """Start this process's job forkserver, where document pages are rendered, and wait until it serves.

    It preloads the OCR models (seconds on a busy machine); a case page waits at most
    ``verify.web.pages.RENDER_WAIT_SECONDS`` for its pages, so its first view would answer 503.
    """
    run_isolated(int, timeout=120)


def sign_in(client: FlaskClient, key: str) -> str:
    """Sign in through the form (the page renderer started first); returns the session's CSRF token."""
    start_page_renderer()
    token = csrf_of(client.get("/review/login").text)
    answer = client.post("/review/login", data={"api_key": key, "csrf_token": token, "next": "/review/"})
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/review/").text)


def post(client: FlaskClient, path: str, csrf: str, **form: Any) -> Any:
    return client.post(path, data={"csrf_token": csrf, **form})
