"""The reason codes a reviewer decides with, and what the applicant is told.

>>> REASONS["name_mismatch"].decision
'reject'
>>> APPROVE_REASONS
('documents_consistent', 'confirmed_by_official_lookup', 'name_difference_explained')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verify.domain import ReviewState
from verify.errors import InvalidRequest
from verify.store.models import ReviewItem


@dataclass(frozen=True)
class ReasonCode:
    """A documented reason for a decision: its code, what it means, the applicant's default message."""

    code: str
    decision: str  # approve | reject
    title: str  # for reviewers
    message: str  # shown to the applicant unless the reviewer writes another
    note_required: bool = False


_APPROVED = "您的资质材料已通过人工审核。"
#: The reason codes a reviewer picks from (README documents them).
REASON_CODES: tuple[ReasonCode, ...] = (
    ReasonCode("documents_consistent", "approve", "材料与识别信息一致，核对无误", _APPROVED),
    ReasonCode("confirmed_by_official_lookup", "approve", "已在官方平台查询核实", _APPROVED),
    ReasonCode("name_difference_explained", "approve", "姓名差异已核实（曾用名、繁简体、少数民族译名等）",
               _APPROVED),
    ReasonCode("forged_or_altered", "reject", "疑似伪造或篡改",
               "您提交的材料未通过审核。请上传证书原件的清晰照片或扫描件。"),
    ReasonCode("wrong_document", "reject", "不是所需证书（证书类型或职业不符）",
               "您提交的材料不是所选职业需要的证书，请上传执业证书或资格证书。"),
    ReasonCode("unreadable", "reject", "无法辨认（模糊、遮挡或不完整）",
               "证书图片不够清晰或不完整，请拍摄完整、清晰的证书页面后重新提交。"),
    ReasonCode("name_mismatch", "reject", "证书姓名与账号实名信息不符",
               "证书上的姓名与账号实名信息不一致。如曾改名，请一并提供改名证明。"),
    ReasonCode("id_mismatch", "reject", "证件号码与账号实名信息不符",
               "证书上的身份证号与账号实名信息不一致。"),
    ReasonCode("expired_or_revoked", "reject", "证书已过期、注销或吊销",
               "该证书已不在有效期内或已失效，请提交有效的证书。"),
    ReasonCode("not_found_in_registry", "reject", "官方平台查无此证",
               "未能在官方平台查询到该证书信息，请核对后重新提交。"),
    ReasonCode("not_a_professional_credential", "reject", "非执业或资格证书（如工作证、毕业证）",
               "您提交的材料不是执业证书或资格证书，请上传相应证书。"),
    ReasonCode("other", "reject", "其他（须在内部备注中说明）", "您提交的材料未通过审核，请检查后重新提交。",
               note_required=True),
)
REASONS: dict[str, ReasonCode] = {reason.code: reason for reason in REASON_CODES}
APPROVE_REASONS = tuple(r.code for r in REASON_CODES if r.decision == "approve")
REJECT_REASONS = tuple(r.code for r in REASON_CODES if r.decision == "reject")
DECISIONS = ("approve", "reject")
NOTE_MAX, MESSAGE_MAX = 2000, 500


def internal_note(item: ReviewItem) -> str | None:
    """The reviewer's internal note (never shown to platforms)."""
    return item.note


def applicant_message(item: ReviewItem) -> str | None:
    """The user-safe message for the applicant: the reviewer's, else (none written, or removed with the
    personal data) the reason code's own."""
    reason = REASONS.get(item.reason_code or "")
    return item.message or (reason.message if reason else None)


def applicant_review(item: ReviewItem | None) -> dict[str, Any] | None:
    """What a platform sees of a decided review: decision, reason code, message, when."""
    if item is None or item.state != ReviewState.DECIDED.value:
        return None
    return {"decision": item.decision, "reason_code": item.reason_code, "message": applicant_message(item),
            "decided_at": item.decided_at}


def check_reason(decision: str, reason_code: str, note: str | None) -> ReasonCode:
    """The reason ``reason_code`` if it fits ``decision`` (with its note, if it needs one); else ``InvalidRequest``."""
    reason = REASONS.get(reason_code)
    if reason is None or reason.decision != decision:
        allowed = APPROVE_REASONS if decision == "approve" else REJECT_REASONS
        raise InvalidRequest("reason_code is not in the documented list for this decision.",
                             errors={"reason_code": [f"one of: {', '.join(allowed)}"]})
    if reason.note_required and not (note or "").strip():
        raise InvalidRequest("This reason code needs an internal note.", errors={"note": ["required"]})
    return reason
