"""What every blueprint shares: the services, the HTTP layer's own collaborators, request parsing, problems."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Any

from flask import Request, Response, current_app, jsonify
from marshmallow import Schema, ValidationError

from verify.api.keycache import KeyCache
from verify.api.ratelimit import RateLimits
from verify.crypto.cursor import Cursors
from verify.errors import InvalidRequest, VerifyError
from verify.services.context import Services
from verify.services.keys import Principal

PROBLEM_JSON = "application/problem+json"
SERVICES, EDGE = "verify", "verify.api"  # app.extensions keys, set once by create_app


@dataclass(frozen=True)
class Edge:
    """The HTTP layer's own collaborators, built once by ``create_app``: what seals the list routes' page
    cursors, this process's rate limits, and its cache of API keys that authenticated."""

    cursors: Cursors
    rate_limits: RateLimits
    keys: KeyCache[Principal]


class InMemoryUploads(Request):
    """Flask's request, with every multipart file part kept in memory, never spooled to ``TMPDIR``.

    Werkzeug writes a file part over 500 kB to a temporary file: a document, unencrypted, on a
    disk. Here each part is a ``BytesIO``; the whole body is bounded by ``MAX_CONTENT_LENGTH``
    (the upload limit + 64 KiB, checked as it is read, chunked bodies too), so a serving thread
    holds at most that much, plus the copy that is read out of it.
    """

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None, content_length: int | None = None) -> IO[bytes]:
        return io.BytesIO()


def services() -> Services:
    return current_app.extensions[SERVICES]


def edge() -> Edge:
    return current_app.extensions[EDGE]


def load(schema: Schema, data: Any) -> dict[str, Any]:
    """Validate ``data`` with ``schema``; a 422 problem listing the field errors otherwise."""
    if data is None:
        raise InvalidRequest("The body must be a JSON object.")
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise InvalidRequest(errors=exc.normalized_messages()) from exc


def problem(error: VerifyError, instance: str | None = None) -> Response:
    body: dict[str, Any] = {
        "type": error.type_uri, "title": error.title, "status": error.status, "detail": error.detail,
    }
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in error.extra.items() if k == "errors"})
    response = jsonify(body)
    response.status_code = error.status
    response.content_type = PROBLEM_JSON
    if "retry_after" in error.extra:
        response.headers["Retry-After"] = str(error.extra["retry_after"])
    elif error.status == 503:
        response.headers["Retry-After"] = "5"
    return response
