"""Rank claims and the labels of vocabulary 2: a rank is covered only by a label that shows it."""

from __future__ import annotations

import pytest

from verify.claims.coverage import Need, cover
from verify.claims.model import Action, LabelView
from verify.domain import Profession

CHIEF = LabelView("L1", "medical", "主任医师", "title_certificate")
PROFESSOR = LabelView("L2", "education", "教授", "title_certificate")
PRACTICE = LabelView("L3", "medical", "执业医师", "physician_practice", "临床")


@pytest.mark.parametrize(("need", "labels", "covered_by", "reason"), [
    (Need(Profession.DOCTOR, "主任医师", rank=True), [PRACTICE, CHIEF], "L1", None),
    (Need(Profession.DOCTOR, "副主任医师", rank=True), [CHIEF], None, "rank_not_shown"),
    (Need(Profession.DOCTOR, "主任医师", rank=True), [PRACTICE], None, "rank_not_shown"),
    (Need(Profession.DOCTOR, "执业医师"), [CHIEF], "L1", None),  # a 主任医师 is an 执业医师
    (Need(Profession.DOCTOR, "医生"), [CHIEF], "L1", None),
    (Need(Profession.TEACHER, "教授", rank=True, level="高等学校"), [PROFESSOR], "L2", None),
    (Need(Profession.TEACHER, "副教授", rank=True, level="高等学校"), [PROFESSOR], None, "rank_not_shown"),
    (Need(Profession.TEACHER, "老师", level="高等学校"), [PROFESSOR], "L2", None),  # a university rank
    (Need(Profession.TEACHER, "教授", rank=True), [CHIEF], None, "no_label"),  # another domain
])
def test_rank_claims(need: Need, labels: list[LabelView], covered_by: str | None, reason: str | None) -> None:
    found = cover(need, labels)
    assert (found.covered_by, found.reason) == (covered_by, reason)
    assert (found.action is Action.OK) == (covered_by is not None)
