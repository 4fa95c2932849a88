"""Synthetic rank and workplace documents: title certificates, 卫生资格 certificates, employment letters.

Built like ``tests.certificates`` (whose people, places, layouts, fonts, renderers and upload
conditions they use): nothing comes from a real person. A ``Dossier`` is one person's set of
documents that belong together: a doctor's 医师执业证书, the 职称证书 of a rank above it and the
hospital's 在职证明, or a university teacher's 职称证书 (教授). ``make_dossier`` builds a consistent one;
``FORGED_DOSSIERS`` name the combinations that must never approve (a title above what the practising
certificate allows, a letter whose seal names another employer, another person's title ...).

Importing the module registers the printed captions of the three kinds with ``tests.certificates``
(``LABELS``), so its renderers and ``make_upload`` print them like any certificate.

>>> dossier = make_dossier("chief_physician", seed=1)
>>> [cert.kind.value for cert in dossier.documents]
['physician_practice', 'title_certificate', 'employment_letter']
>>> dossier.title.fields["rank"], dossier.letter.fields["issuer"] == dossier.letter.fields["institution"]
('主任医师', True)
>>> make_dossier("professor", seed=2).title.fields["series"]
'高等学校教师'
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from tests.certificates import (
    _PLACES,
    LABELS,
    REFERENCE_DATE,
    Certificate,
    _make_person,
    _Person,
    make_certificate,
)
from tests.registry.build import make_uscc
from verify.domain import CredentialKind, Profession

__all__ = [
    "BENCH_DOSSIERS",
    "DOSSIER_KINDS",
    "FORGED_DOSSIERS",
    "TITLE_KINDS",
    "Dossier",
    "bench_document",
    "make_dossier",
    "make_title_document",
]

K = CredentialKind
TITLE_KINDS = (K.TITLE_CERTIFICATE, K.HEALTH_TITLE_QUALIFICATION, K.EMPLOYMENT_LETTER)
#: The date an employment letter is dated before (letters are recent: a few weeks before it).
LETTER_BEFORE = REFERENCE_DATE

LABELS.update({
    K.TITLE_CERTIFICATE: {
        "name": "姓名", "gender": "性别", "birth_date": "出生日期", "id_number": "身份证号", "institution": "工作单位",
        "series": "系列", "specialty": "专业", "rank": "资格名称", "grade": "级别", "committee": "评审委员会",
        "approval_number": "批准文号", "approval_date": "批准日期", "number": "证书编号", "issuer": "发证机关",
        "issue_date": "发证日期",
    },
    K.HEALTH_TITLE_QUALIFICATION: {
        "name": "姓名", "gender": "性别", "birth_date": "出生日期", "id_number": "身份证号", "specialty": "专业",
        "rank": "资格名称", "grade": "级别", "approval_date": "取得时间", "number": "管理号", "issuer": "签发单位",
        "issue_date": "签发日期",
    },
    K.EMPLOYMENT_LETTER: {
        "name": "姓名", "gender": "性别", "id_number": "身份证号", "institution": "工作单位",
        "number": "统一社会信用代码", "department": "所在科室", "position": "职务", "rank": "职称",
        "issue_date": "出具日期", "issuer": "出具单位（盖章）",
    },
})

# 执业范围 -> (the title's 专业, the letter's 科室) pairs that fall within it (a 诊疗科目 as the 科室).
_SPECIALTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "内科专业": (("心血管内科", "心血管内科"), ("呼吸内科", "呼吸内科"), ("消化内科", "消化内科"),
                ("神经内科", "神经内科")),
    "外科专业": (("普通外科", "普通外科"), ("骨科", "骨科"), ("泌尿外科", "泌尿外科")),
    "儿科专业": (("儿科", "儿科"),),
    "妇产科专业": (("妇产科", "妇产科"),),
}
_EXAM_SUBJECTS = {"心血管内科": "心血管内科学", "呼吸内科": "呼吸内科学", "消化内科": "消化内科学",
                  "神经内科": "神经内科学", "普通外科": "普通外科学", "骨科": "骨外科学", "泌尿外科": "泌尿外科学",
                  "儿科": "儿科学", "妇产科": "妇产科学"}
_UNIVERSITIES = ("浙江大学", "复旦大学", "四川大学", "武汉大学", "山东大学", "中南大学", "厦门大学", "南京大学")
_ACADEMIC_SPECIALTIES = ("计算机科学与技术", "机械工程", "汉语言文学", "应用数学", "有机化学", "土木工程")
_UNIVERSITY_DEPARTMENTS = {"计算机科学与技术": "计算机科学与技术学院", "机械工程": "机械工程学院",
                           "汉语言文学": "文学院", "应用数学": "数学科学学院", "有机化学": "化学系",
                           "土木工程": "建筑工程学院"}
_GRADES = {"主任医师": "正高级", "副主任医师": "副高级", "主治医师": "中级", "教授": "正高级", "副教授": "副高级",
           "讲师": "中级"}
_POSITIONS = {"主任医师": "科室主任", "副主任医师": "科室副主任", "主治医师": "主治医师", "教授": "教授",
              "副教授": "副教授", "讲师": "讲师"}

#: The dossiers: a 主任医师 / 副主任医师 / 主治医师 with practising certificate, title and letter (the
#: 主治医师's title is the national exam's certificate), and a university 教授 with the title alone.
DOSSIER_KINDS = ("chief_physician", "associate_chief_physician", "attending_physician", "professor")
#: Forged combinations, each breaking one rule between (or on) the documents.
FORGED_DOSSIERS = ("rank_above_practice", "seal_differs", "other_holder", "grade_mismatch", "exam_grants_no_senior",
                   "specialty_outside_scope")


@dataclass(frozen=True)
class Dossier:
    """One person's documents, the practising certificate (if any) first."""

    name: str
    documents: tuple[Certificate, ...]

    def of(self, kind: CredentialKind) -> Certificate:
        return next(cert for cert in self.documents if cert.kind is kind)

    @property
    def title(self) -> Certificate:
        """The document that backs the rank."""
        return next(cert for cert in self.documents if cert.kind in TITLE_KINDS[:2])

    @property
    def letter(self) -> Certificate:
        return self.of(K.EMPLOYMENT_LETTER)

    @property
    def holder(self) -> dict[str, str]:
        """What the platform's real-name check knows: the holder's name and ID number."""
        fields = self.documents[0].fields
        return {"name": fields["name"], "id_number": fields["id_number"]}


def _person_of(fields: dict[str, str]) -> dict[str, str]:
    return {name: fields[name] for name in ("name", "gender", "birth_date", "id_number")}


def _place_of(region: str) -> object:
    return next((place for place in _PLACES if place.code[:2] == region[:2]), _PLACES[0])


def _date_in(rng: random.Random, year: int, months: tuple[int, int] = (1, 12)) -> date:
    return date(year, rng.randint(*months), rng.randint(1, 28))


def _title_certificate(rng: random.Random, person: dict[str, str], *, rank: str, specialty: str, institution: str,
                       province: str, short: str, region: str, earliest: int) -> dict[str, str]:
    """A provincial 职称证书 (or a university's, for the 高校 series)."""
    grade = _GRADES[rank]
    medical = rank.endswith("医师")
    year = min(max(earliest, int(person["birth_date"][:4]) + 35), REFERENCE_DATE.year - 1)
    approved = _date_in(rng, year, (10, 12))
    issued = approved + timedelta(days=rng.randint(20, 90))
    level = "高级" if grade in ("副高级", "正高级") else "中级"
    if medical:
        committee, issuer = f"{province}卫生{level}专业技术资格评审委员会", f"{province}人力资源和社会保障厅"
    else:
        committee, issuer = f"{institution}教师{level}专业技术职务评审委员会", institution
    serial = f"{rng.randint(0, 10**7 - 1):07d}"
    number = f"{approved.year}{region[:2]}{serial}" if rng.random() < 0.6 else f"{approved.year % 100:02d}{serial}1"
    return {
        **person, "institution": institution, "series": "卫生" if medical else "高等学校教师", "specialty": specialty,
        "rank": rank, "grade": grade, "committee": committee,
        "approval_number": f"{short if medical else institution}职〔{approved.year}〕{rng.randint(10, 199)}号",
        "approval_date": approved.isoformat(), "number": number, "issuer": issuer, "issue_date": issued.isoformat(),
    }


def _health_title(rng: random.Random, person: dict[str, str], *, rank: str, specialty: str,
                  region: str) -> dict[str, str]:
    """The national 卫生资格 exam's certificate (中级: 主治医师)."""
    year = min(int(person["birth_date"][:4]) + 30, REFERENCE_DATE.year - 1)
    approved = _date_in(rng, year, (5, 6))
    issued = approved + timedelta(days=rng.randint(60, 120))
    return {
        **person, "specialty": _EXAM_SUBJECTS.get(specialty, specialty), "rank": rank, "grade": _GRADES[rank],
        "approval_date": approved.isoformat(), "number": f"{year}{region[:2]}{rng.randint(0, 10**10 - 1):010d}",
        "issuer": "中华人民共和国人力资源和社会保障部", "issue_date": issued.isoformat(),
    }


def _employment_letter(rng: random.Random, person: dict[str, str], *, institution: str, department: str, rank: str,
                       region: str) -> dict[str, str]:
    """A hospital's or university's 在职证明, sealed in its own name (a 事业单位: code type 12)."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    issued = LETTER_BEFORE - timedelta(days=rng.randint(7, 60))
    return {
        "name": person["name"], "gender": person["gender"], "id_number": person["id_number"],
        "institution": institution, "number": make_uscc("12", region[:4] + "00", body), "department": department,
        "position": _POSITIONS[rank], "rank": rank, "issue_date": issued.isoformat(), "issuer": institution,
    }


def make_dossier(dossier: str, seed: int = 0) -> Dossier:
    """A consistent set of one of the ``DOSSIER_KINDS``, or a forged one of ``FORGED_DOSSIERS``."""
    if dossier in FORGED_DOSSIERS:
        return _forge(dossier, seed)
    if dossier not in DOSSIER_KINDS:
        raise ValueError(f"unknown dossier {dossier!r} ({', '.join(DOSSIER_KINDS + FORGED_DOSSIERS)})")
    rng = random.Random(f"dossier:{dossier}:{seed}")
    if dossier == "professor":
        return _professor(rng, seed)
    rank = {"chief_physician": "主任医师", "associate_chief_physician": "副主任医师",
            "attending_physician": "主治医师"}[dossier]
    scope = rng.choice(tuple(_SPECIALTIES))
    specialty, department = rng.choice(_SPECIALTIES[scope])
    drawn = make_certificate(K.PHYSICIAN_PRACTICE, seed).fields
    region = drawn["number"][3:9]
    place = _place_of(region)
    practice = make_certificate(K.PHYSICIAN_PRACTICE, seed, level="执业医师", category="临床", scope=scope,
                                number="110" + drawn["number"][3:], institution=rng.choice(place.hospitals))
    fields = practice.fields
    person = _person_of(fields)
    institution = fields["institution"]
    if rank == "主治医师":
        title = Certificate(K.HEALTH_TITLE_QUALIFICATION, _health_title(rng, person, rank=rank, specialty=specialty,
                                                                        region=region))
    else:
        title = Certificate(K.TITLE_CERTIFICATE, _title_certificate(
            rng, person, rank=rank, specialty=specialty, institution=institution, province=place.province,
            short=place.short, region=region, earliest=int(fields["issue_date"][:4]) + 5))
    letter = Certificate(K.EMPLOYMENT_LETTER, _employment_letter(rng, person, institution=institution,
                                                                 department=department, rank=rank, region=region))
    return Dossier(dossier, (practice, title, letter))


def _professor(rng: random.Random, seed: int) -> Dossier:
    person_rng = random.Random(f"person:professor:{seed}")
    p: _Person = _make_person(person_rng)
    person = {"name": p.name, "gender": p.gender, "birth_date": p.birth.isoformat(), "id_number": p.id_number}
    university = rng.choice(_UNIVERSITIES)
    specialty = rng.choice(_ACADEMIC_SPECIALTIES)
    title = Certificate(K.TITLE_CERTIFICATE, _title_certificate(
        rng, person, rank="教授", specialty=specialty, institution=university, province=p.place.province,
        short=p.place.short, region=p.place.code, earliest=p.birth.year + 38))
    letter = Certificate(K.EMPLOYMENT_LETTER, _employment_letter(
        rng, person, institution=university, department=_UNIVERSITY_DEPARTMENTS[specialty], rank="教授",
        region=p.place.code))
    return Dossier("professor", (title, letter))


def _with(dossier: Dossier, kind: CredentialKind, forgery: str, **changes: str) -> Dossier:
    documents = tuple(replace(cert, fields={**cert.fields, **changes}) if cert.kind is kind else cert
                      for cert in dossier.documents)
    return Dossier(forgery, documents)


def _forge(name: str, seed: int) -> Dossier:
    if name == "rank_above_practice":  # a 主任医师 whose practising certificate is an assistant's
        base = make_dossier("chief_physician", seed)
        practice = base.of(K.PHYSICIAN_PRACTICE).fields
        number = "2" + practice["number"][1:]
        return _with(base, K.PHYSICIAN_PRACTICE, name, level="执业助理医师", number=number)
    if name == "seal_differs":  # the letter is sealed by another hospital than the employer it names
        base = make_dossier("chief_physician", seed)
        return _with(base, K.EMPLOYMENT_LETTER, name, issuer=base.letter.fields["institution"] + "分院")
    if name == "other_holder":  # a title certificate of another person
        base = make_dossier("associate_chief_physician", seed)
        other = make_dossier("associate_chief_physician", seed + 1000).title.fields
        return _with(base, K.TITLE_CERTIFICATE, name, **_person_of(other))
    if name == "grade_mismatch":  # 主任医师 printed with the grade of a 中级 title
        return _with(make_dossier("chief_physician", seed), K.TITLE_CERTIFICATE, name, grade="中级")
    if name == "exam_grants_no_senior":  # a 卫生资格 certificate claiming a 评审 rank
        base = make_dossier("attending_physician", seed)
        return _with(base, K.HEALTH_TITLE_QUALIFICATION, name, rank="副主任医师", grade="副高级")
    # specialty_outside_scope: the title's 专业 beside a practising certificate for another 执业范围
    base = make_dossier("chief_physician", seed)
    scope = base.of(K.PHYSICIAN_PRACTICE).fields["scope"]
    return _with(base, K.PHYSICIAN_PRACTICE, name, scope="儿科专业" if scope != "儿科专业" else "外科专业")


def make_title_document(kind: CredentialKind | str, seed: int = 0) -> Certificate:
    """One document of ``kind`` (one of ``TITLE_KINDS``), from a dossier chosen by ``seed``.

    >>> make_title_document("health_title_qualification", 3).fields["grade"]
    '中级'
    """
    resolved = CredentialKind(kind)
    dossier = DOSSIER_KINDS[2] if resolved is K.HEALTH_TITLE_QUALIFICATION else DOSSIER_KINDS[seed % 2 * 3]
    return make_dossier(dossier, seed).of(resolved)


#: The document of each kind a benchmark reads on its own, and the profession it is sent for: a
#: professor's title (which approves alone), a 主治医师's exam certificate and a hospital's letter (which,
#: alone, go to a person by design: ``practice_certificate_needed``, ``employment_letter_review``).
BENCH_DOSSIERS = {K.TITLE_CERTIFICATE: ("professor", Profession.TEACHER),
                  K.HEALTH_TITLE_QUALIFICATION: ("attending_physician", Profession.DOCTOR),
                  K.EMPLOYMENT_LETTER: ("chief_physician", Profession.DOCTOR)}


def bench_document(kind: CredentialKind, seed: int) -> tuple[Certificate, Profession]:
    """The document of ``kind`` (one of ``TITLE_KINDS``) a benchmark reads, and its profession.

    >>> bench_document(CredentialKind.TITLE_CERTIFICATE, 1)[0].fields["rank"]
    '教授'
    """
    dossier, profession = BENCH_DOSSIERS[kind]
    return make_dossier(dossier, seed).of(kind), profession
