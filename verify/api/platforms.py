"""``/v1/platforms/{name}/policy``: a platform's approval policy (admins set it; a platform reads its own).

An admin key scoped to one platform reads and sets that platform's policy only.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from schemas.platform import PolicyRequestSchema, PolicySchema
from verify.api.auth import current_principal, require
from verify.api.common import load, services
from verify.errors import NotFound
from verify.services import policy
from verify.store.models import Platform

bp = Blueprint("platforms", __name__, url_prefix="/v1/platforms")


def _visible(name: str) -> None:
    """Another platform's policy answers like a missing one, unless the key sees every platform."""
    principal = current_principal()
    if not principal.sees_every_platform and principal.platform_name != name:
        raise NotFound("No such platform.")


def _answer(platform: Platform) -> Response:
    return jsonify(PolicySchema().dump({"platform": platform.name, "approval": platform.approval_policy}))


@bp.get("/<name>/policy")
@require("platform", "admin")
def get_policy(name: str) -> Response:
    _visible(name)
    return _answer(policy.get_policy(services().store, name))


@bp.put("/<name>/policy")
@require("admin")
def set_policy(name: str) -> Response:
    _visible(name)
    body = load(PolicyRequestSchema(), request.get_json(silent=True))
    ctx = services()
    platform = policy.set_policy(ctx.store, name, policy.ApprovalPolicy(body["approval"]),
                                 actor=current_principal().key_id, now=ctx.clock())
    return _answer(platform)
