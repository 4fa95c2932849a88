"""Coverage rules: which label backs which claim."""

from __future__ import annotations

import pytest

from verify.claims.coverage import Need, cover
from verify.claims.model import Action, LabelView
from verify.domain import Profession

PRACTICE = LabelView("practice", "medical", "执业医师", "physician_practice", "临床")
CHINESE_MEDICINE = LabelView("tcm", "medical", "执业医师", "physician_practice", "中医")
ASSISTANT = LabelView("assistant", "medical", "执业助理医师", "physician_practice", "临床")
QUALIFICATION = LabelView("qual", "medical", "医师资格", "physician_qualification", "临床")
LAWYER = LabelView("lawyer", "legal", "专职律师", "lawyer_practice")
HIGH_SCHOOL = LabelView("high", "education", "高级中学教师资格", "teacher_qualification")
UNIVERSITY = LabelView("uni", "education", "高等学校教师资格", "teacher_qualification")
PRIMARY = LabelView("primary", "education", "小学教师资格", "teacher_qualification")


@pytest.mark.parametrize(("need", "labels", "action", "covered_by", "reason"), [
    (Need(Profession.DOCTOR, "医生"), [PRACTICE], Action.OK, "practice", None),
    (Need(Profession.DOCTOR, "医生"), [], Action.REQUIRE_VERIFICATION, None, "no_label"),
    (Need(Profession.DOCTOR, "医生"), [LAWYER], Action.REQUIRE_VERIFICATION, None, "no_label"),
    (Need(Profession.DOCTOR, "医生"), [QUALIFICATION], Action.REVIEW, None, "qualification_only"),
    (Need(Profession.DOCTOR, "主任医师", rank=True), [PRACTICE], Action.REVIEW, None, "rank_not_shown"),
    (Need(Profession.DOCTOR, "主任医师", rank=True), [], Action.REQUIRE_VERIFICATION, None, "no_label"),
    (Need(Profession.DOCTOR, "中医师", scope="中医"), [PRACTICE], Action.REVIEW, None, "scope_differs"),
    (Need(Profession.DOCTOR, "中医师", scope="中医"), [PRACTICE, CHINESE_MEDICINE], Action.OK, "tcm", None),
    (Need(Profession.DOCTOR, "执业医师"), [ASSISTANT], Action.REQUIRE_VERIFICATION, None, "level_differs"),
    (Need(Profession.DOCTOR, "执业助理医师"), [PRACTICE], Action.OK, "practice", None),
    (Need(Profession.LAWYER, "律师"), [LAWYER], Action.OK, "lawyer", None),
    (Need(Profession.LAWYER, "公职律师", scope="公职律师"), [LAWYER], Action.REVIEW, None, "scope_differs"),
    (Need(Profession.LAWYER, "实习律师", review="trainee"), [], Action.REVIEW, None, "trainee"),
    (Need(Profession.TEACHER, "教师"), [PRIMARY], Action.OK, "primary", None),
    (Need(Profession.TEACHER, "教师", level="高级中学"), [PRIMARY], Action.REQUIRE_VERIFICATION, None,
     "level_differs"),
    (Need(Profession.TEACHER, "教师", level="初级中学"), [HIGH_SCHOOL], Action.OK, "high", None),
    (Need(Profession.TEACHER, "教授", rank=True, level="高等学校"), [HIGH_SCHOOL], Action.REQUIRE_VERIFICATION,
     None, "level_differs"),
    (Need(Profession.TEACHER, "教授", rank=True, level="高等学校"), [UNIVERSITY], Action.REVIEW, None,
     "rank_not_shown"),
    (Need(Profession.TEACHER, "教授", rank=True, level="高等学校"),
     [LabelView("prof", "education", "教授", "teacher_title")], Action.OK, "prof", None),
    (Need(Profession.TEACHER, "教师", review="ambiguous"), [], Action.REVIEW, None, "ambiguous"),
    (Need(Profession.TEACHER, "教师", review="ambiguous"), [PRIMARY], Action.OK, "primary", None),
])
def test_coverage(need: Need, labels: list[LabelView], action: Action, covered_by: str | None,
                  reason: str | None) -> None:
    verdict = cover(need, labels)
    assert (verdict.action, verdict.covered_by, verdict.reason) == (action, covered_by, reason)
