"""The Chinese words the console shows for the service's codes.

>>> field_label("physician_practice", "institution"), field_label(None, "issue_date")
('主要执业机构', '发证日期')
>>> reason_text("name.matches_holder", {"name.matches_holder": "姓名 and the account holder's name disagree."})
"检查存疑：姓名 and the account holder's name disagree."
"""

from __future__ import annotations

from verify.checks.common import LABELS as CHECK_FIELD_LABELS
from verify.domain import DOCUMENT_TITLES, CredentialKind
from verify.fields.labels import LABELS as PRINTED_LABELS
from verify.reasons import REVIEWER_TEXT

STATES = {"open": "待审核", "claimed": "审核中", "decided": "已决定"}
PROFESSIONS = {"doctor": "医师", "lawyer": "律师", "teacher": "教师"}
STATUSES = {"pending": "待处理", "processing": "处理中", "approved": "已通过", "rejected": "已驳回",
            "needs_review": "待人工审核"}
CHECK_STATUSES = {"pass": "通过", "fail": "不通过", "warn": "存疑"}
DECISIONS = {"approve": "批准", "reject": "驳回"}
SOURCES = {"text": "文字层", "ocr": "OCR"}
KINDS = {
    **{kind.value: title for kind, title in DOCUMENT_TITLES.items()},
    CredentialKind.LEGAL_QUALIFICATION.value: "法律职业资格证书",
    CredentialKind.RESIDENT_ID.value: "居民身份证",
    CredentialKind.USCC.value: "统一社会信用代码",
}
#: Reasons the pipeline gives that are not check codes: its own, and the document errors that go to review.
PIPELINE_REASONS = {
    **{reason.value: text for reason, text in REVIEWER_TEXT.items()},
    "parse_timeout": "解析超时",
    "ocr_timeout": "文字识别超时",
    "integrity_error": "存储的数据未通过完整性校验",
}
ACTIONS = {
    "review.claim": "领取", "review.release": "放回队列", "review.decide": "作出决定",
    "label.issue": "签发标签", "label.revoke": "撤销标签", "label.suspend": "暂停标签",
}
_EXTRA_FIELDS = {"subject": "任教学科", "ethnicity": "民族", "valid_until": "有效期至"}


def field_label(kind: str | None, name: str) -> str:
    """How the document prints field ``name`` (its first printed label), else a common name."""
    if kind in {k.value for k in PRINTED_LABELS}:
        printed = PRINTED_LABELS[CredentialKind(kind)].get(name)
        if printed:
            return printed[0]
    return CHECK_FIELD_LABELS.get(name) or _EXTRA_FIELDS.get(name, name)


def reason_text(code: str, check_messages: dict[str, str]) -> str:
    """A reason code in words: the pipeline's own reasons, or the message of the check it names."""
    if code in PIPELINE_REASONS:
        return PIPELINE_REASONS[code]
    if code in check_messages:
        return f"检查存疑：{check_messages[code]}"
    return code
