"""``/v1/verifications``: submit a document, read the verification, list them."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for
from werkzeug.datastructures import FileStorage

from schemas.verification import (
    VerificationFormSchema,
    VerificationListQuerySchema,
    verification_view,
)
from verify.api.auth import current_principal, require
from verify.api.common import edge, load, services
from verify.domain import Holder, Profession
from verify.errors import BadRequest
from verify.services import privacy, verifications
from verify.services.verifications import Record, Submission, UploadPart

bp = Blueprint("verifications", __name__, url_prefix="/v1/verifications")
_IDEMPOTENCY_KEY_MAX = 255


def _accepted(body: dict, verification_id: str) -> Response:
    response = jsonify(body)
    response.status_code = 202
    response.headers["Location"] = url_for("verifications.get_one", verification_id=verification_id)
    return response


def _read(upload: FileStorage) -> UploadPart:
    """An uploaded part's bytes; its stream (a temporary file for a large part) is closed at once."""
    try:
        return UploadPart(upload.read(), upload.filename, upload.mimetype)
    finally:
        upload.close()


@bp.post("")
@require("platform")
def submit() -> Response:
    form = load(VerificationFormSchema(), request.form.to_dict())
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= _IDEMPOTENCY_KEY_MAX:
        raise BadRequest(f"Idempotency-Key must be 1 to {_IDEMPOTENCY_KEY_MAX} characters.")
    parts = [_read(f) for f in request.files.getlist("document")]
    submission = Submission(
        account_id=form["account_id"], profession=Profession(form["profession"]),
        holder=Holder(name=form.get("holder_name"), id_number=form.get("holder_id_number")), parts=parts,
        resubmission_of=form.get("resubmission_of"),
    )
    ctx = services()
    now = ctx.clock()
    accepted = verifications.submit(ctx, current_principal(), submission, idempotency_key=key,
                                    render=lambda record: verification_view(record, now=now))
    if accepted.replay is not None:
        return _accepted(accepted.replay, accepted.replay["id"])
    assert accepted.record is not None
    ctx.wake_workers(accepted.record.verification.id)
    return _accepted(verification_view(accepted.record, now=now), accepted.record.verification.id)


@bp.get("/<verification_id>")
@require("platform", "reviewer")
def get_one(verification_id: str) -> Response:
    ctx = services()
    record: Record = verifications.get(ctx, current_principal(), verification_id)
    response = jsonify(verification_view(record, now=ctx.clock()))  # masked for every role: reviewers reveal
    # through the audited POST /v1/review/items/{id}/reveal
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.delete("/<verification_id>")
@require("platform")
def redact(verification_id: str) -> Response:
    """Remove the personal data; the decision, checks and label stay (see services.privacy)."""
    ctx = services()
    privacy.redact(ctx, current_principal(), verification_id)
    record = verifications.get(ctx, current_principal(), verification_id)
    response = jsonify(verification_view(record, now=ctx.clock()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
@require("platform", "reviewer")
def list_all() -> Response:
    query = load(VerificationListQuerySchema(), request.args.to_dict())
    ctx = services()
    records, next_cursor = verifications.list_records(
        ctx, current_principal(), account_id=query.get("account_id"), status=query.get("status"),
        limit=query["limit"], cursor=query.get("cursor"), cursors=edge().cursors,
    )
    now = ctx.clock()
    page = {"items": [verification_view(r, now=now) for r in records], "next_cursor": next_cursor}
    response = jsonify(page)  # items are already dumped by verification_view
    response.headers["Cache-Control"] = "no-store"
    return response
