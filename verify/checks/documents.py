"""Checks across the documents of one submission (docs/registry-rules.md#documents-together).

FAIL: documents of different people (身份证号); a 中级 or higher physician's title beside an
执业助理医师's practising certificate.
WARN: different names; a title's 专业 outside the practising 执业类别/执业范围, or one whose scope its
name does not tell (the mapping from a 专业's name to a scope is read from the names, not from a rule
text); a letter's employer other than the practising certificate's 执业机构 or the title's 工作单位; a
letter's 职称 other than the title's rank.

>>> from datetime import date
>>> from verify.domain import CredentialKind as K
>>> practice = {"name": "王芳", "id_number": "330106198501150020", "level": "执业助理医师", "category": "临床",
...             "scope": "内科专业"}
>>> title = practice | {"rank": "主任医师", "specialty": "心血管内科"}
>>> [(c.code, c.status.value) for c in cross_checks({K.PHYSICIAN_PRACTICE: practice, K.TITLE_CERTIFICATE: title},
...                                                  date(2025, 6, 1))][-2:]
[('title.rank_within_practice', 'fail'), ('title.specialty_matches_scope', 'pass')]
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from verify.checks import common, person
from verify.checks.common import FAIL, WARN
from verify.checks.employment_letter import same_organisation
from verify.domain import Check, CredentialKind
from verify.kinds import KINDS
from verify.kinds.title_certificate import SENIOR_PHYSICIAN_RANKS

K = CredentialKind
TITLE_KINDS = (K.TITLE_CERTIFICATE, K.HEALTH_TITLE_QUALIFICATION)
#: Words in a title's 专业 -> the 执业类别 it belongs to, tried in order (口腔颌面外科 is 口腔, not 外科).
SPECIALTY_CATEGORIES = (("口腔", "口腔"), ("中西医", "中医"), ("中医", "中医"), ("公共卫生", "公共卫生"),
                        ("预防", "公共卫生"))
#: Words in a 临床 title's 专业 -> the 执业范围 it falls within.
SPECIALTY_SCOPES = (
    ("内科", "内科专业"), ("外科", "外科专业"), ("骨科", "外科专业"), ("妇", "妇产科专业"), ("产科", "妇产科专业"),
    ("儿科", "儿科专业"), ("眼", "眼耳鼻咽喉科专业"), ("耳鼻", "眼耳鼻咽喉科专业"), ("皮肤", "皮肤病与性病专业"),
    ("精神", "精神卫生专业"), ("影像", "医学影像和放射治疗专业"), ("放射", "医学影像和放射治疗专业"),
    ("超声", "医学影像和放射治疗专业"), ("检验", "医学检验、病理专业"), ("病理", "医学检验、病理专业"),
    ("全科", "全科医学专业"), ("急诊", "急救医学专业"), ("急救", "急救医学专业"), ("康复", "康复医学专业"),
)


def specialty_within(specialty: str, category: str, scope: str) -> bool | None:
    """Whether a title's 专业 falls within a practising 执业类别 and 执业范围 (``None``: its name does not say).

    >>> specialty_within("心血管内科", "临床", "内科专业"), specialty_within("骨科", "临床", "儿科专业")
    (True, False)
    >>> specialty_within("口腔颌面外科", "口腔", "口腔专业"), specialty_within("麻醉学", "临床", "外科专业")
    (True, None)
    """
    family = next((family for word, family in SPECIALTY_CATEGORIES if word in specialty), "临床")
    if family != "临床" or "临床" not in category:
        return family in category
    wanted = next((scope_word for word, scope_word in SPECIALTY_SCOPES if word in specialty), None)
    return None if wanted is None else wanted in scope


def cross_checks(documents: Mapping[CredentialKind, Mapping[str, str]], today: date) -> list[Check]:
    """The checks that hold the documents together (each document's own checks are run apart)."""
    checks = _same_holder(documents, today)
    practice = documents.get(K.PHYSICIAN_PRACTICE)
    title = next((documents[kind] for kind in TITLE_KINDS if kind in documents), None)
    letter = documents.get(K.EMPLOYMENT_LETTER)
    if practice is not None and title is not None:
        checks += _title_and_practice(title, practice)
    if letter is not None:
        checks += _letter(letter, practice, title)
    return checks


def _same_holder(documents: Mapping[CredentialKind, Mapping[str, str]], today: date) -> list[Check]:
    people = [(KINDS[kind].title, fields) for kind, fields in documents.items()]
    ids = [(title, common.text(fields, "id_number")) for title, fields in people]
    ids = [(title, value) for title, value in ids if value]
    names = [(title, common.text(fields, "name")) for title, fields in people]
    names = [(title, value) for title, value in names if value]
    checks = []
    if len(ids) > 1:
        same = all(person.same_id_number(ids[0][1], value, today) for _, value in ids[1:])
        checks.append(common.agree("documents.same_holder", same, "身份证号 on every document", ("id_number",)))
    if len(names) > 1:
        same = all(person.same_name(names[0][1], value) for _, value in names[1:])
        checks.append(common.agree("documents.same_name", same, "姓名 on every document", ("name",), WARN))
    return checks


def _title_and_practice(title: Mapping[str, str], practice: Mapping[str, str]) -> list[Check]:
    checks = []
    rank, level = common.text(title, "rank"), common.text(practice, "level")
    if rank in SENIOR_PHYSICIAN_RANKS and level is not None:
        checks.append(common.agree("title.rank_within_practice", level == "执业医师",
                                   (f"{rank} stands beside an 执业医师's practising certificate.",
                                    f"{rank} needs an 执业医师, but the practising certificate is not one."),
                                   ("rank", "level"), FAIL))
    specialty = common.text(title, "specialty")
    if specialty is not None and common.text(practice, "category") is not None:
        within = specialty_within(specialty, practice.get("category", ""), practice.get("scope", ""))
        if within is None:
            checks.append(common.check("title.specialty_matches_scope", WARN,
                                       "The title's 专业 does not tell which 执业范围 it belongs to.", ("specialty",)))
        else:
            checks.append(common.agree("title.specialty_matches_scope", within,
                                       "The title's 专业 and the practising 执业类别/执业范围", ("specialty", "scope"),
                                       WARN))
    return checks


def _letter(letter: Mapping[str, str], practice: Mapping[str, str] | None,
            title: Mapping[str, str] | None) -> list[Check]:
    checks = []
    employer = common.text(letter, "institution")
    for code, other, what in (("employer.matches_practice", practice, "The letter's employer and 执业机构"),
                              ("employer.matches_title", title, "The letter's employer and the title's 工作单位")):
        printed = common.text(other, "institution") if other is not None else None
        if employer is not None and printed is not None:
            checks.append(common.agree(code, same_organisation(employer, printed), what, ("institution",), WARN))
    rank = common.text(letter, "rank")
    if rank is not None and title is not None and common.text(title, "rank") is not None:
        checks.append(common.agree("letter.rank_matches_title", rank == common.text(title, "rank"),
                                   "The letter's 职称 and the title's 资格名称", ("rank",), WARN))
    return checks
