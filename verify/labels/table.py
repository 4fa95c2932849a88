"""The label table: which credential earns which displayed label, as one versioned table.

A label is looked up, never composed from free text: the credential's kind and its
canonical ``level``/``category`` field values (``verify.kinds``) must match a row exactly,
otherwise :class:`UnknownLabel` is raised and the case goes to manual review. Each kind
declares the labels it earns (``Kind.labels``, ``Kind.domain``); change any of them only
together with ``LABEL_TABLE_VERSION``: every label carries the version it was issued under
(claim ``vocab``).

>>> label_text(CredentialKind.PHYSICIAN_PRACTICE, {"level": "执业医师", "category": "临床"}).display
'医疗卫生 · 执业医师（临床）'
>>> label_text(CredentialKind.LAWYER_PRACTICE, {"category": "专职律师"}).display
'法律 · 专职律师'
>>> label_text(CredentialKind.TEACHER_QUALIFICATION, {"category": "高级中学教师资格"}).title
'高级中学教师资格'
>>> label_text(CredentialKind.LAWYER_PRACTICE, {"category": "律师助理"})
Traceback (most recent call last):
...
verify.labels.errors.UnknownLabel: No label in vocabulary 2 for lawyer_practice with category '律师助理'.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from verify.domain import CredentialKind
from verify.kinds import KINDS
from verify.kinds.employment_letter import department_word
from verify.kinds.kind import DOMAIN_WORDS, EarnedLabel, Kind
from verify.labels.errors import UnknownLabel

#: The table's version, carried by every label (claim ``vocab``).
LABEL_TABLE_VERSION = "2"


@dataclass(frozen=True)
class LabelText:
    """What a label says: ``display`` is the text platforms show.

    ``scope`` is the qualifier in brackets (a physician's 执业类别 such as ``临床``), or None.
    ``department`` and ``institution``: the workplace an employment letter backs (``with_workplace``).
    """

    domain: str
    title: str
    display: str
    scope: str | None = None
    department: str | None = None
    institution: str | None = None


@dataclass(frozen=True)
class LabelRow:
    """One entry: the credential it matches (``level`` None for kinds without one) and its label."""

    kind: CredentialKind
    level: str | None
    category: str
    text: LabelText

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data."""
        return {
            "kind": self.kind.value,
            "level": self.level,
            "category": self.category,
            "domain": self.text.domain,
            "title": self.text.title,
            "display": self.text.display,
            "scope": self.text.scope,
        }


def _row(kind: Kind, earned: EarnedLabel) -> LabelRow:
    domain = earned.domain or kind.domain
    assert domain is not None, f"{kind.kind} earns labels but names no domain"
    shown = f"{earned.title}（{earned.scope}）" if earned.scope else earned.title
    word = earned.domain_word or DOMAIN_WORDS[domain]
    text = LabelText(domain.value, earned.title, f"{word} · {shown}", earned.scope)
    return LabelRow(kind.kind, earned.level, earned.category, text)


#: The whole table, in display order (the kinds' order, then each kind's).
LABEL_TABLE: tuple[LabelRow, ...] = tuple(_row(kind, earned) for kind in KINDS.values() for earned in kind.labels)

_INDEX: dict[tuple[str, str | None, str], LabelText] = {
    (row.kind.value, row.level, row.category): row.text for row in LABEL_TABLE
}
_KIND_VALUES = frozenset(kind.value for kind in CredentialKind)
_LEVELLED = frozenset(row.kind.value for row in LABEL_TABLE if row.level is not None)


def label_text(kind: CredentialKind | str, fields: Mapping[str, str]) -> LabelText:
    """The label for a credential of ``kind`` with these canonical field values.

    Reads ``level`` (physician kinds only) and the kind's ``label_field`` (``category``; a title
    certificate's ``rank``); raises :class:`UnknownLabel` when the table has no matching row.
    """
    kind_value = str(kind)
    level = _field(fields, "level") if kind_value in _LEVELLED else None
    words = KINDS[CredentialKind(kind_value)] if kind_value in _KIND_VALUES else None
    category = _field(fields, words.label_field if words else "category")
    text = _INDEX.get((kind_value, level, category or ""))
    if text is None:
        described = f"level {level!r} and category {category!r}" if kind_value in _LEVELLED else (
            f"category {category!r}"
        )
        raise UnknownLabel(f"No label in vocabulary {LABEL_TABLE_VERSION} for {kind_value} with {described}.")
    return text


def table_document() -> dict[str, Any]:
    """The table as JSON-ready data: ``{"version": ..., "labels": [row, ...]}``."""
    return {"version": LABEL_TABLE_VERSION, "labels": [row.as_dict() for row in LABEL_TABLE]}


def _field(fields: Mapping[str, str], name: str) -> str | None:
    value = fields.get(name)
    return value.strip() if isinstance(value, str) else None


def with_workplace(text: LabelText, fields: Mapping[str, str]) -> LabelText:
    """``text`` with the workplace an employment letter backs: its ``department`` shown after the title
    when it is a 诊疗科目 (``verify.kinds.employment_letter.department_word``, a closed list), and its
    ``employer`` as the separate ``institution``. Without a letter's fields, ``text`` itself.

    >>> rank = label_text(CredentialKind.TITLE_CERTIFICATE, {"rank": "主任医师"})
    >>> with_workplace(rank, {"department": "心血管内科", "employer": "杭州市第一人民医院"}).display
    '医疗卫生 · 主任医师 · 心血管内科'
    >>> with_workplace(rank, {"department": "党委办公室", "employer": "杭州市第一人民医院"}).display
    '医疗卫生 · 主任医师'
    """
    department = department_word(_field(fields, "department") or "")
    institution = _field(fields, "employer") or None
    if department is None and institution is None:
        return text
    display = f"{text.display} · {department}" if department else text.display
    return replace(text, display=display, department=department, institution=institution)
