"""Printed labels and their synonyms, per certificate kind, mapped to canonical field names.

Sources: the printed-fields sections of docs/registry-rules.md (the exact label strings are only
partly confirmed, hence the synonyms). Within a field, earlier synonyms are preferred
when a document prints several (``主要执业机构`` over ``执业地点``). Labels mapped to
``None`` are printed on some versions but not extracted; knowing them stops their text
from running into a neighbouring value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

import ahocorasick

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


@cache
def _repair_order(kind: CredentialKind) -> tuple[str, ...]:
    """The labels in the order to try when repairing a misread one: extracted fields' usual labels first."""
    fields = label_fields(kind)
    return tuple(sorted(fields, key=lambda label: preference(kind, label) if fields[label] else 100))


#: What may stand between a label's characters: nothing or spaces (``姓  名``); a fuzzy match
#: is written solid or evenly letter-spaced (not with one gap inside, which is a column gap:
#: ``执业医师 类别`` is a value and ``类别``, not ``医师级别`` misread).
_SPACING = " \t\u3000"
#: Labels this long or longer are also found with one character misread.
FUZZY_LENGTH = 4
#: Stand-ins in the text the automaton reads: a character no label holds that may still be a
#: misread label character (CJK or a mark: ``执业范!`` for ``执业范围``), and one that may not
#: (a letter, a digit, a space other than letter spacing).
_OTHER_MARK, _NEVER = "\ufffc", "\x00"
_NOT_A_MARK = re.compile(r"[\sA-Za-z0-9]+")


class LabelMatch(NamedTuple):
    """A label found in a line: the label it stands for, and where it was printed."""

    label: str
    start: int
    end: int


class _Window(NamedTuple):
    """What a window of the text without letter spacing may be, by how its characters stood: the rank
    of the first way that matches (exact ways first, longest labels first) and the label it reads as."""

    length: int
    side_by_side: int | None  # as printed, or with one character misread
    as_printed: int | None  # letter-spaced anyhow
    evenly_spaced: int | None  # with one character misread, each character apart from the next
    label: str


class _LabelFinder:
    """Every label of a kind as printed, letter-spaced or not, then with one character misread
    written solid or evenly letter-spaced; at each position the first way in rank order wins, and
    the next match starts after it: what one regex alternating all of them, longest label first,
    finds (tests/fields/test_linear_time.py holds it), but that regex tried some 400 alternatives
    at each position, 13 µs a character.

    One Aho-Corasick pass (pyahocorasick, C) over the text without its letter spacing finds every
    window that spells a label, or a label with one character replaced by a character a label
    holds or by the stand-in for any other mark; each hit is then checked against its spacing.
    At most one window per label length ends at each character, so the work stays linear.
    """

    def __init__(self, kind: CredentialKind) -> None:
        labels = sorted(label_fields(kind), key=len, reverse=True)
        alphabet = sorted(set("".join(labels)))
        assert not _NOT_A_MARK.search("".join(alphabet)) and _OTHER_MARK not in alphabet
        ways: dict[str, list[tuple[int, str]]] = {}  # window -> (rank, spacing) of each way it matches
        for rank, label in enumerate(labels):
            ways.setdefault(label, []).append((rank, "any"))
        rank = len(labels)
        for label in (label for label in labels if len(label) >= FUZZY_LENGTH):
            for i in range(len(label)):
                for spacing in ("none", "even"):
                    for mark in (*alphabet, _OTHER_MARK):
                        if mark != label[i]:  # as printed, the exact way matches too, and ranks first
                            ways.setdefault(label[:i] + mark + label[i + 1:], []).append((rank, spacing))
                    rank += 1
        self._others = re.compile("[^" + re.escape("".join(alphabet)) + "\\sA-Za-z0-9]+")
        self._automaton = ahocorasick.Automaton()
        for key, found in ways.items():  # a stand-in mismatches every label as the mark it stands for does
            def best_rank(*spacings: str, found: list[tuple[int, str]] = found) -> int | None:
                return min((rank for rank, spacing in found if spacing in spacings), default=None)

            self._automaton.add_word(key, _Window(len(key), best_rank("any", "none"), best_rank("any"),
                                                  best_rank("even"), canonical_label(kind, key)))
        self._automaton.make_automaton()

    def find(self, text: str) -> list[LabelMatch]:
        """Each label in ``text``, in order."""
        squeezed, kept = _squeeze(text)
        marks = self._others.sub(lambda m: _OTHER_MARK * len(m.group()), squeezed)
        marks = _NOT_A_MARK.sub(lambda m: _NEVER * len(m.group()), marks)
        best: dict[int, tuple[int, int, str]] = {}  # start -> (rank, end, label) of the first way matching there
        for last, (length, side_by_side, as_printed, evenly_spaced, label) in self._automaton.iter(marks):
            first = last - length + 1
            start, end = kept[first], kept[last] + 1
            if end - start == length:
                rank = side_by_side
            elif as_printed is not None:
                rank = as_printed
            elif evenly_spaced is not None and all(kept[i + 1] - kept[i] > 1 for i in range(first, last)):
                rank = evenly_spaced
            else:
                continue
            if rank is not None and (start not in best or best[start][0] > rank):
                best[start] = (rank, end, label)
        found, position = [], 0
        for start, (_, end, label) in sorted(best.items()):
            if start >= position:
                found.append(LabelMatch(label, start, end))
                position = end
        return found


def _squeeze(text: str) -> tuple[str, Sequence[int]]:
    """``text`` without letter spacing, and where each of its characters stood in ``text``."""
    if not any(space in text for space in _SPACING):
        return text, range(len(text))
    kept = [i for i, ch in enumerate(text) if ch not in _SPACING]
    return "".join(text[i] for i in kept), kept


@cache
def _finder(kind: CredentialKind) -> _LabelFinder:
    return _LabelFinder(kind)


def find_labels(kind: CredentialKind, text: str) -> list[LabelMatch]:
    """The labels of ``kind`` in ``text``, in order (see ``_LabelFinder``).

    >>> [m.label for m in find_labels(CredentialKind.TEACHER_QUALIFICATION, "姓  名：张三 发证月期：2015年")]
    ['姓名', '发证日期']
    >>> [m.label for m in find_labels(CredentialKind.PHYSICIAN_QUALIFICATION, "资格级别 执业医师 类别 临床")]
    ['资格级别', '类别']
    """
    return _finder(kind).find(text)


def has_label(kind: CredentialKind, text: str) -> bool:
    """Whether ``text`` holds any label of ``kind`` (see ``find_labels``)."""
    return bool(_finder(kind).find(text))


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
    for label in _repair_order(kind):
        if len(label) == len(squeezed) and sum(a != b for a, b in zip(label, squeezed, strict=True)) == 1:
            return label
    return squeezed


def distinctive_labels(kind: CredentialKind, among: tuple[CredentialKind, ...]) -> frozenset[str]:
    """Labels of ``kind`` that no other kind in ``among`` prints."""
    others = {label for other in among if other != kind for label in label_fields(other)}
    return frozenset(label for label in label_fields(kind) if label not in others)
