"""Printed labels and their synonyms, per certificate kind, mapped to canonical field names.

Sources: registry-formats.md §1.4, §2.4, §3.4, §4.4 (the exact label strings are only
partly confirmed, hence the synonyms). Within a field, earlier synonyms are preferred
when a document prints several (``主要执业机构`` over ``执业地点``). Labels mapped to
``None`` are printed on some versions but not extracted; knowing them stops their text
from running into a neighbouring value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from verify.domain import CREDENTIAL_FIELDS, CredentialKind

_PERSON: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "持证人姓名", "持证人"),
    "gender": ("性别",),
    "birth_date": ("出生日期", "出生年月"),
    "id_number": ("身份证号", "身份证件号码", "公民身份号码", "身份证号码", "证件号码"),
    "ethnicity": ("民族",),
}
_NUMBER = ("证书编码", "执业证书编码", "执业证号", "证书号码", "证书编号")
_ISSUER = ("发证机关", "签发机关", "颁发机关", "认定机构", "发证机构")
_ISSUE_DATE = ("发证日期", "签发日期", "颁发日期", "认定时间", "认定日期", "批准日期")

#: canonical field -> printed labels, per kind.
LABELS: dict[CredentialKind, dict[str, tuple[str, ...]]] = {
    CredentialKind.PHYSICIAN_PRACTICE: {
        **_PERSON,
        "number": _NUMBER,
        "level": ("医师级别", "执业级别", "资格级别"),
        "category": ("执业类别", "执业证类别"),
        "scope": ("执业范围",),
        "institution": ("主要执业机构", "执业机构", "执业地点"),
        "issuer": _ISSUER,
        "issue_date": _ISSUE_DATE,
    },
    CredentialKind.PHYSICIAN_QUALIFICATION: {
        **_PERSON,
        "level": ("资格级别", "医师级别", "执业级别"),
        "category": ("类别", "资格类别", "执业类别"),
        "institution": ("毕业学校", "毕业院校"),
        "number": _NUMBER,
        "issuer": _ISSUER,
        "issue_date": _ISSUE_DATE,
    },
    CredentialKind.LAWYER_PRACTICE: {
        **_PERSON,
        "name": ("持证人", "姓名", "持证人姓名"),
        "institution": ("执业机构",),
        "category": ("执业证类别", "执业类别"),
        "number": ("执业证号", "执业证书编号", "执业证书号", "证书编号", "证书号码"),
        "qualification_number": (
            "法律职业资格或律师资格证号",
            "法律职业资格证号",
            "法律职业资格证书编号",
            "律师资格证号",
            "资格证号",
        ),
        "issuer": _ISSUER,
        "issue_date": _ISSUE_DATE,
    },
    CredentialKind.TEACHER_QUALIFICATION: {
        **_PERSON,
        "id_number": ("身份证件号码", "身份证号码", "身份证号", "公民身份号码", "证件号码"),
        "category": ("资格种类", "教师资格种类", "资格类别"),
        "subject": ("任教学科",),
        "number": ("证书号码", "证书编号", "证书编码", "资格证书号码"),
        "issuer": _ISSUER,
        "issue_date": _ISSUE_DATE,
    },
}

#: Printed labels of fields we do not extract, per kind.
OTHER_LABELS: dict[CredentialKind, tuple[str, ...]] = {
    CredentialKind.PHYSICIAN_PRACTICE: (
        "医师资格证书编码", "执业机构地址", "审批机构", "审批日期", "变更项目", "变更日期", "批准机关", "备注",
    ),
    CredentialKind.PHYSICIAN_QUALIFICATION: ("学历", "专业", "管理号", "备注"),
    CredentialKind.LAWYER_PRACTICE: ("流水号", "备注"),
    CredentialKind.TEACHER_QUALIFICATION: ("备注",),
}


@cache
def label_fields(kind: CredentialKind) -> dict[str, str | None]:
    """Every printed label of ``kind`` -> its canonical field (``None``: printed, not extracted)."""
    fields = set(CREDENTIAL_FIELDS[kind])
    mapping: dict[str, str | None] = dict.fromkeys(OTHER_LABELS[kind])
    for name, synonyms in LABELS[kind].items():
        if name in fields:
            mapping.update(dict.fromkeys(synonyms, name))
    return mapping


def preference(kind: CredentialKind, label: str) -> int:
    """How preferred a label is for its field (0 = first synonym, and for labels not extracted)."""
    field = label_fields(kind).get(label)
    return LABELS[kind][field].index(label) if field else 0


def _repair_order(kind: CredentialKind, label: str) -> int:
    """Labels to try first when repairing a misread one: extracted fields' usual labels."""
    return preference(kind, label) if label_fields(kind).get(label) else 100


_SPACING = "[ \t\u3000]*"
#: A misread label character: CJK, or a mark OCR makes of one (``执业范!`` for ``执业范围``);
#: never a space, letter or digit.
_ANY = "[^\\sA-Za-z0-9]"
#: Labels this long or longer are also found with one character misread.
FUZZY_LENGTH = 4


@cache
def _label_pattern(kind: CredentialKind) -> re.Pattern[str]:
    """Any label of ``kind``, longest first: as printed (letter-spaced or not), then with
    one character misread, written solid or evenly letter-spaced (not with one gap inside,
    which is a column gap: ``执业医师 类别`` is a value and ``类别``, not ``医师级别`` misread)."""
    labels = sorted(label_fields(kind), key=len, reverse=True)
    exact = [_SPACING.join(map(re.escape, label)) for label in labels]
    fuzzy = [
        joint.join(_ANY if i == j else re.escape(ch) for j, ch in enumerate(label))
        for label in labels
        if len(label) >= FUZZY_LENGTH
        for i in range(len(label))
        for joint in ("", "[ \t\u3000]+")
    ]
    return re.compile("|".join(exact + fuzzy))


@dataclass(frozen=True)
class LabelMatch:
    """A label found in a line: the label it stands for, and where it was printed."""

    label: str
    start: int
    end: int


def find_labels(kind: CredentialKind, text: str) -> list[LabelMatch]:
    """The labels of ``kind`` in ``text``, in order (see ``_label_pattern``).

    >>> [m.label for m in find_labels(CredentialKind.TEACHER_QUALIFICATION, "姓  名：张三 发证月期：2015年")]
    ['姓名', '发证日期']
    >>> [m.label for m in find_labels(CredentialKind.PHYSICIAN_QUALIFICATION, "资格级别 执业医师 类别 临床")]
    ['资格级别', '类别']
    """
    return [
        LabelMatch(canonical_label(kind, m.group()), m.start(), m.end()) for m in _label_pattern(kind).finditer(text)
    ]


def has_label(kind: CredentialKind, text: str) -> bool:
    """Whether ``text`` holds any label of ``kind`` (see ``find_labels``)."""
    return _label_pattern(kind).search(text) is not None


def canonical_label(kind: CredentialKind, printed: str) -> str:
    """The label a match stands for: letter spacing removed, one misread character repaired.

    >>> canonical_label(CredentialKind.LAWYER_PRACTICE, "持 证 人")
    '持证人'
    >>> canonical_label(CredentialKind.LAWYER_PRACTICE, "发证月期")
    '发证日期'
    """
    squeezed = re.sub(r"[ \t\u3000]", "", printed)
    labels = label_fields(kind)
    if squeezed in labels:
        return squeezed
    for label in sorted(labels, key=lambda label: _repair_order(kind, label)):
        if len(label) == len(squeezed) and sum(a != b for a, b in zip(label, squeezed, strict=True)) == 1:
            return label
    return squeezed


def distinctive_labels(kind: CredentialKind, among: tuple[CredentialKind, ...]) -> frozenset[str]:
    """Labels of ``kind`` that no other kind in ``among`` prints."""
    others = {label for other in among if other != kind for label in label_fields(other)}
    return frozenset(label for label in label_fields(kind) if label not in others)
