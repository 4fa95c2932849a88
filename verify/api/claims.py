"""``POST /v1/claims/scan`` and ``/v1/claims/scan-batch``: which accounts present a title, and are they labelled.

Role platform. Coverage reads the valid labels of the caller's platform only. Each account
scanned takes a token from the key's ``claims`` bucket (``VERIFY_LIMITS_CLAIM_SCANS_PER_SECOND``):
one on the way in, the rest of a batch once its body is read. Answers have the shapes of
``schemas.claims.ScanResultSchema`` and ``ScanBatchResultSchema``; they are built from the scan's
own ``as_dict`` (the tests validate them against the schemas). Nothing is stored.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request

from schemas.claims import AccountSchema, ScanBatchRequestSchema
from verify.api.auth import current_principal, require
from verify.api.common import edge, load, services
from verify.claims import Account
from verify.errors import TooManyAccounts
from verify.services import claims

bp = Blueprint("claims", __name__, url_prefix="/v1/claims")
#: Built once: a marshmallow schema's constructor deep-copies its fields; ``load`` keeps no state.
_ACCOUNT = AccountSchema()
_BATCH = ScanBatchRequestSchema()


def _account(body: dict[str, Any]) -> Account:
    return Account(body["account_id"], body["name"], bio=body.get("bio"), handle=body.get("handle"))


def _json(data: Any) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, separators=(",", ":")), mimetype="application/json")


@bp.post("/scan")
@require("platform")
def scan() -> Response:
    ctx = services()
    body = load(_ACCOUNT, request.get_json(silent=True))
    claims.check_input(ctx.settings.limits, [body], batch=False)
    result = claims.scan_accounts(ctx, current_principal().platform_id, [_account(body)])[0]
    return _json(result.as_dict())


@bp.post("/scan-batch")
@require("platform")
def scan_batch() -> Response:
    ctx = services()
    limits = ctx.settings.limits
    raw = request.get_json(silent=True)
    sent = raw.get("accounts") if isinstance(raw, dict) else None
    if isinstance(sent, list) and len(sent) > limits.claim_batch_max:
        raise TooManyAccounts(f"At most {limits.claim_batch_max} accounts per batch (VERIFY_LIMITS_CLAIM_BATCH_MAX); "
                              f"this one has {len(sent)}.")
    body = load(_BATCH, raw)
    claims.check_input(limits, body["accounts"], batch=True)
    edge().rate_limits.charge(current_principal(), request.endpoint or "", cost=len(body["accounts"]) - 1)
    results = claims.scan_accounts(ctx, current_principal().platform_id, [_account(a) for a in body["accounts"]])
    return _json({"results": [result.as_dict() for result in results]})
