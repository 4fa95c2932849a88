"""The label vocabulary: which credential earns which displayed label, as one versioned table.

A label is looked up, never composed from free text: the credential's kind and its
canonical ``level``/``category`` field values (``verify.domain.CREDENTIAL_FIELDS``) must
match a row exactly, otherwise :class:`UnknownLabel` is raised and the case goes to
manual review. Change the table only together with ``VOCABULARY_VERSION``; every label
carries the version it was issued under (claim ``vocab``).

Sources of the words: 医师执业证书 (医师级别, 执业类别), 医师资格证书 (资格级别, 类别),
律师执业证 (执业证类别), 教师资格证书 (资格种类), as printed on the certificates.

>>> label_text(CredentialKind.PHYSICIAN_PRACTICE, {"level": "执业医师", "category": "临床"}).display
'医疗卫生 · 执业医师（临床）'
>>> label_text(CredentialKind.LAWYER_PRACTICE, {"category": "专职律师"}).display
'法律 · 专职律师'
>>> label_text(CredentialKind.TEACHER_QUALIFICATION, {"category": "高级中学教师资格"}).title
'高级中学教师资格'
>>> label_text(CredentialKind.LAWYER_PRACTICE, {"category": "律师助理"})
Traceback (most recent call last):
...
verify.labels.errors.UnknownLabel: No label in vocabulary 1 for lawyer_practice with category '律师助理'.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from verify.domain import CredentialKind
from verify.labels.errors import UnknownLabel

VOCABULARY_VERSION = "1"


class Domain(StrEnum):
    """The field a label belongs to (claim ``domain``)."""

    MEDICAL = "medical"
    LEGAL = "legal"
    EDUCATION = "education"


#: The word shown for each domain, before the `` · `` separator.
DOMAIN_WORDS: dict[Domain, str] = {Domain.MEDICAL: "医疗卫生", Domain.LEGAL: "法律", Domain.EDUCATION: "教育"}


@dataclass(frozen=True)
class LabelText:
    """What a label says: ``display`` is the text platforms show.

    ``scope`` is the qualifier in brackets (a physician's 执业类别 such as ``临床``), or None.
    """

    domain: str
    title: str
    display: str
    scope: str | None = None


@dataclass(frozen=True)
class VocabularyRow:
    """One entry: the credential it matches (``level`` None for kinds without one) and its label."""

    kind: CredentialKind
    level: str | None
    category: str
    text: LabelText

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data (the ``/v1/labels/vocabulary`` shape)."""
        return {
            "kind": self.kind.value,
            "level": self.level,
            "category": self.category,
            "domain": self.text.domain,
            "title": self.text.title,
            "display": self.text.display,
            "scope": self.text.scope,
        }


def _row(kind: CredentialKind, level: str | None, category: str, domain: Domain, title: str,
         scope: str | None = None) -> VocabularyRow:
    shown = f"{title}（{scope}）" if scope else title
    text = LabelText(domain.value, title, f"{DOMAIN_WORDS[domain]} · {shown}", scope)
    return VocabularyRow(kind, level, category, text)


_PHYSICIAN_CATEGORIES = ("临床", "中医", "口腔", "公共卫生")
#: 医师级别 / 资格级别 -> (title on a practice certificate, title on a qualification certificate).
#: A qualification alone grants no practice rights, so its title says 资格, never 执业.
_PHYSICIAN_LEVELS = (("执业医师", "执业医师", "医师资格"), ("执业助理医师", "执业助理医师", "助理医师资格"))
_LAWYER_CATEGORIES = ("专职律师", "兼职律师", "公职律师", "公司律师", "法律援助律师")
_TEACHER_CATEGORIES = (
    "幼儿园教师资格", "小学教师资格", "初级中学教师资格", "高级中学教师资格",
    "中等职业学校教师资格", "中等职业学校实习指导教师资格", "高等学校教师资格",
)

#: The whole vocabulary, in display order.
VOCABULARY: tuple[VocabularyRow, ...] = (
    *(
        _row(CredentialKind.PHYSICIAN_PRACTICE, level, category, Domain.MEDICAL, practice, category)
        for level, practice, _ in _PHYSICIAN_LEVELS
        for category in _PHYSICIAN_CATEGORIES
    ),
    *(
        _row(CredentialKind.PHYSICIAN_QUALIFICATION, level, category, Domain.MEDICAL, qualification, category)
        for level, _, qualification in _PHYSICIAN_LEVELS
        for category in _PHYSICIAN_CATEGORIES
    ),
    *(_row(CredentialKind.LAWYER_PRACTICE, None, c, Domain.LEGAL, c) for c in _LAWYER_CATEGORIES),
    *(_row(CredentialKind.TEACHER_QUALIFICATION, None, c, Domain.EDUCATION, c) for c in _TEACHER_CATEGORIES),
)

_INDEX: dict[tuple[str, str | None, str], LabelText] = {
    (row.kind.value, row.level, row.category): row.text for row in VOCABULARY
}
_LEVELLED = frozenset(row.kind.value for row in VOCABULARY if row.level is not None)


def label_text(kind: CredentialKind | str, fields: Mapping[str, str]) -> LabelText:
    """The label for a credential of ``kind`` with these canonical field values.

    Reads ``level`` (physician kinds only) and ``category``; raises :class:`UnknownLabel`
    when the table has no matching row.
    """
    kind_value = str(kind)
    level = _field(fields, "level") if kind_value in _LEVELLED else None
    category = _field(fields, "category")
    text = _INDEX.get((kind_value, level, category or ""))
    if text is None:
        described = f"level {level!r} and category {category!r}" if kind_value in _LEVELLED else (
            f"category {category!r}"
        )
        raise UnknownLabel(f"No label in vocabulary {VOCABULARY_VERSION} for {kind_value} with {described}.")
    return text


def vocabulary_document() -> dict[str, Any]:
    """The table as JSON-ready data: ``{"version": ..., "labels": [row, ...]}``."""
    return {"version": VOCABULARY_VERSION, "labels": [row.as_dict() for row in VOCABULARY]}


def _field(fields: Mapping[str, str], name: str) -> str | None:
    value = fields.get(name)
    return value.strip() if isinstance(value, str) else None
