"""Does a label of the account back a claim? The coverage rules, in one place.

Only valid labels (not revoked, suspended or expired) of the same platform and account are passed
in. A label backs a claim of its profession (medical: doctor, legal: lawyer, education: teacher)
unless one of these gaps remains:

- ``rank_not_shown`` (review): a rank or honour (主任医师, 教授, 特级教师) that the label's title does not
  show. Vocabulary 1 shows no rank; vocabulary 2 shows a title certificate's (``主任医师``, ``教授``), which
  covers a claim of that rank and no other;
- ``qualification_only`` (review): a 医师资格 label; a qualification grants no practice;
- ``scope_differs`` (review): 中医师 or 牙医 against another 执业类别; 公职律师 against a 专职律师 label;
- ``level_differs`` (require_verification): a teacher's qualification below the level claimed
  (教师资格条例 art. 5: a qualification covers its own level and those below; 高中老师 needs
  高级中学 or 高等学校), and 教授 or 讲师 without 高等学校教师资格 — a 高级中学 label makes no one a 教授;
  执业医师 against an 执业助理医师 label.

Without any label of the profession a claim needs verification, unless the claim itself goes to a
person (an ambiguous word, weak evidence, a former title, a trainee, another licence).

>>> doctor = Need(Profession.DOCTOR, "医生")
>>> practice = LabelView("L1", "medical", "执业医师", "physician_practice", "临床")
>>> cover(doctor, [practice])
Cover(action=<Action.OK: 'ok'>, covered_by='L1', reason=None)
>>> cover(Need(Profession.DOCTOR, "主任医师", rank=True), [practice]).reason
'rank_not_shown'
>>> cover(Need(Profession.TEACHER, "教授", rank=True, level="高等学校"),
...       [LabelView("L2", "education", "高级中学教师资格", "teacher_qualification")]).action
<Action.REQUIRE_VERIFICATION: 'require_verification'>
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verify.claims.model import Action, LabelView
from verify.domain import CredentialKind, Profession
from verify.kinds.title_certificate import SERIES_OF

DOMAINS = {Profession.DOCTOR: "medical", Profession.LAWYER: "legal", Profession.TEACHER: "education"}
#: 教师资格 levels, lowest first; 中等职业学校 stands beside 高级中学. The 实习指导 qualification covers
#: no level (it allows teaching practical training only) and is absent.
TEACHER_LEVELS = {"幼儿园": 0, "小学": 1, "初级中学": 2, "高级中学": 3, "中等职业学校": 3, "高等学校": 4}
_REVIEW_GAPS = frozenset({"rank_not_shown", "qualification_only", "scope_differs"})
_PHYSICIAN_LEVELS = {"执业助理医师": 0, "执业医师": 1}


@dataclass(frozen=True)
class Need:
    """What a claim needs a label to show: its profession and title, and any rank, scope or level."""

    profession: Profession
    title: str
    rank: bool = False
    scope: str | None = None
    level: str | None = None
    review: str | None = None  # the claim goes to a person whatever the labels: why


@dataclass(frozen=True)
class Cover:
    action: Action
    covered_by: str | None
    reason: str | None


def _teacher_level(label: LabelView) -> int:
    """The 教师资格 level a label shows; a university rank (教授, 讲师 …) stands for 高等学校."""
    if label.kind == CredentialKind.TITLE_CERTIFICATE and SERIES_OF.get(label.title) == "高等学校教师":
        return TEACHER_LEVELS["高等学校"]
    return TEACHER_LEVELS.get(label.title.removesuffix("教师资格"), -1)


def _physician_level(label: LabelView) -> int:
    """The 医师级别 a label shows; a physician's rank (主治医师 and above) is held by an 执业医师 only."""
    if label.kind in (CredentialKind.TITLE_CERTIFICATE, CredentialKind.HEALTH_TITLE_QUALIFICATION):
        return _PHYSICIAN_LEVELS["执业医师"]
    return _PHYSICIAN_LEVELS.get(label.title, 0)


def gap(need: Need, label: LabelView) -> str | None:
    """What ``label`` leaves unbacked of ``need`` (None: it backs the claim). The label is of the same domain."""
    if need.rank and label.title == need.title:
        return None  # a label that shows the rank itself (a title certificate's, vocabulary 2)
    if need.profession is Profession.DOCTOR:
        if label.kind == CredentialKind.PHYSICIAN_QUALIFICATION:
            return "qualification_only"
        if need.scope and label.scope != need.scope:
            return "scope_differs"
        if need.title in _PHYSICIAN_LEVELS and _physician_level(label) < _PHYSICIAN_LEVELS[need.title]:
            return "level_differs"
    elif need.profession is Profession.LAWYER:
        if need.scope and label.title != need.scope:
            return "scope_differs"
    elif need.level and _teacher_level(label) < TEACHER_LEVELS[need.level]:
        return "level_differs"
    if need.rank and label.title != need.title:
        return "rank_not_shown"
    return None


def cover(need: Need, labels: Sequence[LabelView]) -> Cover:
    """The action for one claim given the account's valid labels."""
    gaps = []
    for label in labels:
        if label.domain != DOMAINS[need.profession]:
            continue
        found = gap(need, label)
        if found is None:
            return Cover(Action.OK, label.id, None)
        gaps.append(found)
    review_gap = next((g for g in gaps if g in _REVIEW_GAPS), None)
    if review_gap:
        return Cover(Action.REVIEW, None, review_gap)
    if need.review:
        return Cover(Action.REVIEW, None, need.review)
    return Cover(Action.REQUIRE_VERIFICATION, None, gaps[0] if gaps else "no_label")
