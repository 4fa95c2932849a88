"""The label as the API shows it: from its row, or from a verified token's claims (the check hot path).

Both have one shape, so a valid check answers with the label as ``GET`` shows it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from verify.services.labels.state import state
from verify.store.models import Label


def describe(label: Label | None, now: datetime) -> dict[str, Any] | None:
    """The label as stored, its state at ``now``; None for no label."""
    if label is None:
        return None
    return {
        "id": label.id, "token": label.token, "display": label.display, "domain": label.domain,
        "title": label.title, "kind": label.kind, "account_id": label.account_id,
        "issued_at": label.issued_at, "expires_at": label.expires_at, "state": state(label, now),
        "revoked_at": label.revoked_at, "revoke_reason": label.revoke_reason, "suspended_at": label.suspended_at,
    }


def shown(token: str, claims: dict[str, Any]) -> dict[str, Any]:
    """The label a valid check answers with, from the verified claims (the shape of :func:`describe`).

    >>> shown("t", {"jti": "l1", "sub": "acct", "iat": 0, "exp": 86400})["expires_at"]
    '1970-01-02T00:00:00+00:00'
    """
    return {
        "id": claims["jti"], "token": token, "display": claims.get("display"), "domain": claims.get("domain"),
        "title": claims.get("title"), "kind": claims.get("kind"), "account_id": claims["sub"],
        "issued_at": _iso(claims["iat"]), "expires_at": _iso(claims["exp"]), "state": "active",
        "revoked_at": None, "revoke_reason": None, "suspended_at": None,
    }


def _iso(seconds: Any) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()
