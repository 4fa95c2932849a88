"""One error family for the whole service.

Every class knows its HTTP status and its stable RFC 9457 problem ``type`` slug; the
API turns them into ``application/problem+json`` at the edge. The ``detail`` is written
for the client: never put personal data or ``str(exception)`` of a library in it.

>>> FileTooLarge("Uploads are limited to 10 MiB.").status
413
"""

from __future__ import annotations

PROBLEM_BASE = "https://verify.example/problems/"


class VerifyError(Exception):
    """Base class: a failure with a stable problem type."""

    status: int = 500
    type_slug: str = "internal_error"
    title: str = "Internal error"

    def __init__(self, detail: str | None = None, **extra: object) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra

    @property
    def type_uri(self) -> str:
        return PROBLEM_BASE + self.type_slug


# --- request and auth -------------------------------------------------------------
class BadRequest(VerifyError):
    status, type_slug, title = 400, "bad_request", "Bad request"


class InvalidCursor(BadRequest):
    """A list cursor that is malformed, forged, or was given to another platform."""

    type_slug, title = "invalid_cursor", "The cursor is not valid"


class InvalidRequest(VerifyError):
    """The body parsed but a field is missing or wrong (``errors`` in extra)."""

    status, type_slug, title = 422, "validation_error", "The request is not valid"


class Unauthorized(VerifyError):
    status, type_slug, title = 401, "unauthorized", "A valid API key is required"


class Forbidden(VerifyError):
    status, type_slug, title = 403, "forbidden", "This key's role may not do that"


class NotFound(VerifyError):
    status, type_slug, title = 404, "not_found", "Not found"


class Conflict(VerifyError):
    status, type_slug, title = 409, "conflict", "Conflict"


class IdempotencyKeyReused(Conflict):
    type_slug, title = "idempotency_key_reused", "Idempotency-Key was used for a different request"


# --- manual review and resubmission ---------------------------------------------------
class AlreadyClaimed(Conflict):
    type_slug, title = "already_claimed", "Another reviewer holds this case"


class AlreadyDecided(Conflict):
    type_slug, title = "already_decided", "The case was already decided"


class LeaseLost(Conflict):
    type_slug, title = "lease_lost", "You do not hold a live claim on this case"


class StaleFencingToken(Conflict):
    type_slug, title = "stale_fencing_token", "The case was claimed again since this form was loaded"


class ResubmissionRefused(Conflict):
    type_slug, title = "resubmission_refused", "This verification cannot be resubmitted"


class ResubmissionLimit(Conflict):
    type_slug, title = "resubmission_limit", "The case was resubmitted as often as allowed"


class ServiceUnavailable(VerifyError):
    status, type_slug, title = 503, "service_unavailable", "Service unavailable"


class PagesNotReady(ServiceUnavailable):
    """A document's pages are still being rendered for the console (or too many are); ``retry_after`` in extra."""

    type_slug, title = "pages_not_ready", "The document's pages are being prepared; try again shortly"


class DatabaseUnavailable(ServiceUnavailable):
    """The database did not answer (down, unreachable, locked past the busy timeout); nothing was stored."""

    type_slug, title = "database_unavailable", "The database is unavailable; nothing was stored, try again later"


class StorageFull(ServiceUnavailable):
    """The disk or database refused the write (ENOSPC, SQLITE_FULL); nothing was acknowledged."""

    type_slug, title = "storage_full", "Storage is full; nothing was stored, try again later"


# --- rate limits, personal data --------------------------------------------------------
class RateLimited(VerifyError):
    """Too many requests for this API key; ``retry_after`` (seconds) in extra."""

    status, type_slug, title = 429, "rate_limited", "Too many requests for this API key"


class QuotaExceeded(RateLimited):
    type_slug, title = "quota_exceeded", "The upload quota for this account is used up"


class TooManyAccounts(VerifyError):
    """A claim-scan batch over ``claim_batch_max`` accounts."""

    status, type_slug, title = 413, "too_many_accounts", "The batch holds too many accounts"


# --- webhooks ------------------------------------------------------------------------------
class WebhookUrlRefused(InvalidRequest):
    """A webhook URL we will not send to; ``reason`` in extra: scheme, credentials, host, port, url or address."""

    type_slug, title = "webhook_url_refused", "The webhook URL is not allowed"


class TooManyWebhookEndpoints(Conflict):
    type_slug, title = "too_many_webhook_endpoints", "The platform has as many webhook endpoints as allowed"


class WebhookEndpointDisabled(Conflict):
    type_slug, title = "webhook_endpoint_disabled", "The webhook endpoint is disabled; enable it first"


class NotDecided(Conflict):
    type_slug, title = "not_decided", "The verification has no decision yet"


class IntegrityFailure(Conflict):
    """Stored personal data failed its authentication check (tampered or moved); nothing of it is shown."""

    type_slug, title = "integrity_error", "Stored data failed its integrity check"


# --- documents ---------------------------------------------------------------------
class DocumentError(VerifyError):
    """A document we cannot take or cannot read."""

    status, type_slug, title = 422, "document_error", "The document cannot be processed"


class FileTooLarge(DocumentError):
    status, type_slug, title = 413, "file_too_large", "The document is too large"


class TypeNotAllowed(DocumentError):
    status, type_slug, title = 415, "type_not_allowed", "Only PDF, JPEG, PNG, TIFF, WebP and HEIC are accepted"


class TypeMismatch(DocumentError):
    status, type_slug, title = 415, "type_mismatch", "The file's content does not match its declared type"


class TooManyPages(DocumentError):
    status, type_slug, title = 422, "too_many_pages", "The document has too many pages"


class PixelLimit(DocumentError):
    status, type_slug, title = 422, "pixel_limit", "The image is too large"


class EncryptedPdf(DocumentError):
    status, type_slug, title = 422, "encrypted_pdf", "Password-protected PDFs are not accepted"


class ParseError(DocumentError):
    status, type_slug, title = 422, "parse_error", "The document could not be parsed"


class ParseTimeout(DocumentError):
    status, type_slug, title = 422, "parse_timeout", "Reading the document took too long"


class OcrTimeout(DocumentError):
    status, type_slug, title = 422, "ocr_timeout", "Text recognition took too long"


class OcrUnavailable(ServiceUnavailable):
    type_slug, title = "ocr_unavailable", "Text recognition (Tesseract with chi_sim) is not available"


class ResourceLimit(DocumentError):
    status, type_slug, title = 422, "resource_limit", "Reading the document needed more memory or CPU than allowed"
