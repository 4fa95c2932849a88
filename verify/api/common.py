"""What every blueprint shares: the services, request parsing and problem answers."""

from __future__ import annotations

import io
from typing import IO, Any

from flask import Request, Response, current_app, jsonify
from marshmallow import Schema, ValidationError

from verify import pipeline
from verify.crypto.cursor import Cursors
from verify.errors import InvalidRequest, VerifyError
from verify.reading.ocr import OcrEngine
from verify.services.context import Services

PROBLEM_JSON = "application/problem+json"


CURSORS = "verify.cursors"  # app.extensions key, set by create_app


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
    return current_app.extensions["verify"]


def ocr_engine() -> OcrEngine:
    """The configured OCR engine (``VERIFY_OCR_ENGINE``): Tesseract with chi_sim, or none."""
    return pipeline.make_ocr_engine(services().settings.ocr_engine)


def cursors() -> Cursors:
    """What seals and opens the list routes' page cursors."""
    return current_app.extensions[CURSORS]


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
