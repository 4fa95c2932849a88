"""The Chinese words the console shows for the service's codes (a kind's words, its name and
its field captions, are the kind's own: ``verify.kinds``).

>>> KINDS["uscc"], KINDS["lawyer_practice"]
('统一社会信用代码', '律师执业证')
>>> reason_text("ocr_timeout", {})
'文字识别超时'
>>> reason_text("name.matches_holder", {"name.matches_holder": "姓名 and the account holder's name disagree."})
"检查存疑：姓名 and the account holder's name disagree."
"""

from __future__ import annotations

from verify.domain import ReviewState, VerificationStatus
from verify.kinds import KINDS as _KINDS
from verify.reasons import REVIEWER_TEXT, Reason

_REASON_CODES = frozenset(Reason)

STATES = {ReviewState.OPEN: "待审核", ReviewState.CLAIMED: "审核中", ReviewState.DECIDED: "已决定"}
PROFESSIONS = {"doctor": "医师", "lawyer": "律师", "teacher": "教师"}
STATUSES = {VerificationStatus.PENDING: "待处理", VerificationStatus.PROCESSING: "处理中",
            VerificationStatus.APPROVED: "已通过", VerificationStatus.REJECTED: "已驳回",
            VerificationStatus.NEEDS_REVIEW: "待人工审核"}
CHECK_STATUSES = {"pass": "通过", "fail": "不通过", "warn": "存疑"}
DECISIONS = {"approve": "批准", "reject": "驳回"}
SOURCES = {"text": "文字层", "ocr": "OCR"}
#: What each credential kind is called (its document's title).
KINDS = {kind.value: words.title for kind, words in _KINDS.items()}
ACTIONS = {
    "review.claim": "领取", "review.release": "放回队列", "review.decide": "作出决定",
    "label.issue": "签发标签", "label.revoke": "撤销标签", "label.suspend": "暂停标签",
}


def reason_text(code: str, check_messages: dict[str, str]) -> str:
    """A reason code in words: the reviewers' text of a ``Reason``, or the message of the check it names."""
    if code in _REASON_CODES:
        return REVIEWER_TEXT[Reason(code)]
    if code in check_messages:
        return f"检查存疑：{check_messages[code]}"
    return code
