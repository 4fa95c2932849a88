"""What every blueprint shares: the services, request parsing and problem answers."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify
from marshmallow import Schema, ValidationError

from verify import pipeline
from verify.crypto.cursor import Cursors
from verify.errors import InvalidRequest, VerifyError
from verify.reading.ocr import OcrEngine
from verify.services.context import Services

PROBLEM_JSON = "application/problem+json"


CURSORS = "verify.cursors"  # app.extensions key, set by create_app


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
