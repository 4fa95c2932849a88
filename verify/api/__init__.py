"""The HTTP layer: thin blueprints over the service functions, errors as RFC 9457 problems."""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from verify import errors
from verify.api import claims, credentials, labels, ops, platforms, review, verifications, webhooks
from verify.api.common import InMemoryUploads, problem
from verify.store.db import is_database_unavailable, is_storage_full
from verify.web import console

log = logging.getLogger(__name__)

_HTTP_PROBLEMS: dict[int, type[errors.VerifyError]] = {
    400: errors.BadRequest, 401: errors.Unauthorized, 403: errors.Forbidden, 404: errors.NotFound,
    409: errors.Conflict, 413: errors.FileTooLarge, 415: errors.TypeNotAllowed,
}


class MethodNotAllowed(errors.VerifyError):
    status, type_slug, title = 405, "method_not_allowed", "Method not allowed"


class PayloadTooLarge(errors.FileTooLarge):
    """413 raised by Werkzeug's own limits (body size, form parts, form memory)."""


def _http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    if code == 405:
        return problem(MethodNotAllowed(), request.path)
    error_class = _HTTP_PROBLEMS.get(code)
    if error_class is None:
        error = errors.VerifyError("The request could not be handled.")
        error.status = code
        return problem(error, request.path)
    return problem(error_class(), request.path)


def _verify_error(exc: errors.VerifyError) -> Response:
    return problem(exc, request.path)


def _unexpected(exc: Exception) -> Response:
    if is_storage_full(exc):  # e.g. a full disk under the database: nothing was acknowledged
        log.error("storage full on %s %s", request.method, request.path)
        return problem(errors.StorageFull(), request.path)
    if is_database_unavailable(exc):  # a query outside Store.read/write: still a 503, never a 500
        log.error("database unavailable on %s %s", request.method, request.path)
        return problem(errors.DatabaseUnavailable(), request.path)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem(errors.VerifyError("An unexpected error occurred; it has been logged."), request.path)


def register(app: Flask) -> None:
    app.request_class = InMemoryUploads  # uploads never reach a disk unencrypted
    for module in (verifications, credentials, labels, claims, review, platforms, webhooks, ops):
        app.register_blueprint(module.bp)
    app.register_blueprint(console.bp)  # the reviewers' console at /review/
    app.register_error_handler(errors.VerifyError, _verify_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
    app.after_request(ops.count_request)
