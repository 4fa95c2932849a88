"""The check hot path: is this label token valid for the calling platform? No database read.

The signature step is cached per token (:class:`~verify.labels.cache.VerifiedTokens`), the label
shown comes from the token's claims, and revoked or suspended labels come from this process's
:class:`~verify.labels.cache.StatusBoard` (verify.services.labels.caches). A suspended label is
answered ``revoked`` (the contract's reasons are fixed); its state shows as ``suspended`` in the
account's labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verify.labels.cache import Verified
from verify.labels.status_list import Status
from verify.labels.tokens import MAX_TOKEN_BYTES, Reason, judge_claims, verify_token
from verify.services.context import Services
from verify.services.keys import Principal
from verify.services.labels.views import shown


@dataclass(frozen=True)
class LabelCheck:
    """The answer to a check: ``label`` (the label as shown) only when valid."""

    valid: bool
    reason: str | None
    label: dict[str, Any] | None


def check(services: Services, principal: Principal, token: str, account_id: str | None) -> LabelCheck:
    """Is this label valid for the calling platform (and the account, if given)? Counted in the node's metrics."""
    answer = _check(services, principal, token, account_id)
    if services.metrics is not None:
        services.metrics.label_checked("valid" if answer.valid else str(answer.reason))
    return answer


def _check(services: Services, principal: Principal, token: str, account_id: str | None) -> LabelCheck:
    """Is this label valid for the calling platform (and the account, if given)? No database read.

    First the board catches up with any change announced on this machine (a withdrawn signing key
    included, so the token is then judged with the keys as they are now).
    """
    if len(token) > MAX_TOKEN_BYTES:  # longer than any label we sign: not hashed, not parsed
        return LabelCheck(False, Reason.MALFORMED, None)
    caches = services.label_caches
    now = services.clock().timestamp()
    caches.board.catch_up(now)
    key, verified = caches.tokens.lookup(token)
    if verified is None or services.keyring.public_key(verified.kid) is None:
        result = verify_token(services.keyring, token)
        if not result.valid:
            return LabelCheck(False, result.reason, None)
        assert result.claims is not None and result.kid is not None
        verified = Verified(result.claims, result.kid, shown(token, result.claims))
        caches.tokens.put(key, verified)
    judged = judge_claims(verified.claims, verified.kid, issuer=services.settings.issuer, at=now,
                          account_id=account_id, platform=principal.platform_name)
    if not judged.valid:
        return LabelCheck(False, judged.reason, None)
    if caches.board.status(verified.claims["jti"]) is not Status.VALID:
        return LabelCheck(False, Reason.REVOKED, None)
    return LabelCheck(True, None, verified.label)
