"""Each platform's approval policy, and the last word on a machine decision.

``auto`` (the default): the machine approves what passes every rule and every hold.
``review_all``: every case is seen by a person; labels are issued only by reviewers. An admin
sets it (``PUT /v1/platforms/{name}/policy``, ``flask platforms policy NAME review_all``); the
change is audited.

>>> from verify.domain import Decision, Outcome
>>> final_decision(Decision(Outcome.APPROVED), [], "review_all").reasons == ("review_all_policy",)
True
>>> final_decision(Decision(Outcome.REJECTED, ("number.checksum",)), [], "review_all").outcome
<Outcome.REJECTED: 'rejected'>
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from verify import audit
from verify.domain import Decision, Outcome
from verify.errors import NotFound
from verify.reasons import Reason
from verify.services.reuse import Finding
from verify.store.db import Store
from verify.store.models import Platform


class ApprovalPolicy(StrEnum):
    AUTO = "auto"
    REVIEW_ALL = "review_all"


def final_decision(decision: Decision, findings: Sequence[Finding], policy: str) -> Decision:
    """The pipeline's decision after reuse findings and the platform's policy.

    A rejection stands (a hard rule failed). Reuse sends the case to review with its reasons;
    under ``review_all`` what the machine would have approved goes to review too.
    """
    if decision.outcome is Outcome.REJECTED:
        return decision
    extra = list(dict.fromkeys(finding.reason for finding in findings))
    if decision.outcome is Outcome.APPROVED and policy == ApprovalPolicy.REVIEW_ALL and not extra:
        extra.append(Reason.REVIEW_ALL_POLICY)
    if not extra:
        return decision
    return Decision(Outcome.NEEDS_REVIEW, (*decision.reasons, *extra))


def set_policy(store: Store, platform_name: str, policy: ApprovalPolicy, *, actor: str, now: datetime) -> Platform:
    """Set a platform's approval policy (audited); ``NotFound`` for an unknown platform."""
    with store.write() as session:
        platform = session.scalars(select(Platform).where(Platform.name == platform_name)).first()
        if platform is None:
            raise NotFound("No such platform.")
        before = platform.approval_policy
        if before != policy.value:
            platform.approval_policy = policy.value
            audit.record(session, actor=actor, action="platform.policy", subject_type="platform",
                         subject_id=platform.id, platform_id=platform.id, now=now,
                         before={"approval_policy": before}, after={"approval_policy": policy.value})
    return platform


def get_policy(store: Store, platform_name: str) -> Platform:
    with store.read() as session:
        platform = session.scalars(select(Platform).where(Platform.name == platform_name)).first()
    if platform is None:
        raise NotFound("No such platform.")
    return platform
