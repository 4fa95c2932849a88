"""Synthetic Chinese professional certificates for tests and benchmarks.

Nothing here comes from a real person: names, ID numbers and credential numbers are built
from a seed to the layouts in ``docs/registry-rules.md``. The module is an
independent oracle, so it computes check characters itself and never imports
``verify.registry``.

Printed in four ``LAYOUTS`` (bordered table, ``label：value`` lines, two columns, value below
label) and any of the ``FONTS`` (Hei, Song/Ming, Kai, Noto Sans/Serif CJK), with a red seal,
security lines and a photo box; delivered in the ``UPLOAD_CONDITIONS`` by ``make_upload`` (text
PDF, image PDF, two-page PDF, clean, scan, photo, 150 dpi, and as phones send them: turned a quarter or
half turn with or without an EXIF tag saying so, forwarded through a chat app, HEIC); ``make_forgery``
builds the forged set
(``FORGERY_TYPES``: documents that look fine but break one registry rule).

>>> cert = make_certificate("lawyer_practice", seed=3)
>>> cert.kind.value, len(cert.fields["number"]), cert.fields["number"][0]
('lawyer_practice', 17, '1')
>>> cert.printed()[0][0]
'持证人'
>>> id_check_char("11010519491231002")
'X'

Command line (writes the file, prints the normalised fields as JSON)::

    .venv/bin/python -m tests.certificates physician_practice doctor.pdf --seed 7
    .venv/bin/python -m tests.certificates teacher teacher.jpg --condition photo
    .venv/bin/python -m tests.certificates lawyer forged.png --layout columns --forgery sex_digit_mismatch
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import re
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tests.scenes import desk_photo, screenshot
from verify.domain import CredentialKind
from verify.kinds import DOCUMENTS

__all__ = [
    "CHAT_SIDE",
    "DATE_FIELDS",
    "EXIF_ORIENTATION",
    "EXIF_ORIENTATION_TAG",
    "FONTS",
    "FORGERY_TYPES",
    "KIND_ALIASES",
    "LABELS",
    "LAYOUTS",
    "QUARTER_TURNS",
    "REFERENCE_DATE",
    "UPLOAD_CONDITIONS",
    "Certificate",
    "Forgery",
    "ForgeryType",
    "Upload",
    "degrade",
    "forgeries",
    "id_check_char",
    "installed_fonts",
    "make_certificate",
    "make_forgery",
    "make_upload",
    "pdf_font",
    "render_image",
    "render_pdf",
    "to_heic",
    "to_jpeg",
    "to_png",
]

#: Latest date any generated certificate can carry (fixed, so output does not drift with the clock).
REFERENCE_DATE = date(2025, 12, 31)

KIND_ALIASES: dict[str, CredentialKind] = {
    "doctor": CredentialKind.PHYSICIAN_PRACTICE,
    "lawyer": CredentialKind.LAWYER_PRACTICE,
    "teacher": CredentialKind.TEACHER_QUALIFICATION,
}

DATE_FIELDS = frozenset({"birth_date", "issue_date"})

#: Printed label for every canonical field, per kind (the printed-fields sections of docs/registry-rules.md).
LABELS: dict[CredentialKind, dict[str, str]] = {
    CredentialKind.PHYSICIAN_PRACTICE: {
        "name": "姓名", "gender": "性别", "birth_date": "出生日期", "id_number": "身份证号",
        "number": "证书编码", "level": "医师级别", "category": "执业类别", "scope": "执业范围",
        "institution": "执业地点", "issuer": "发证机关", "issue_date": "发证日期",
    },
    CredentialKind.PHYSICIAN_QUALIFICATION: {
        "name": "姓名", "gender": "性别", "birth_date": "出生日期", "id_number": "身份证号",
        "level": "资格级别", "category": "类别", "institution": "毕业学校", "number": "证书编码",
        "issuer": "签发机关", "issue_date": "签发日期",
    },
    CredentialKind.LAWYER_PRACTICE: {
        "name": "持证人", "gender": "性别", "id_number": "身份证号", "institution": "执业机构",
        "category": "执业证类别", "number": "执业证号",
        "qualification_number": "法律职业资格或律师资格证号", "issuer": "发证机关", "issue_date": "发证日期",
    },
    CredentialKind.TEACHER_QUALIFICATION: {
        "name": "姓名", "gender": "性别", "ethnicity": "民族", "birth_date": "出生日期",
        "id_number": "身份证件号码", "category": "资格种类", "subject": "任教学科", "number": "证书号码",
        "issuer": "颁发机关", "issue_date": "颁发日期",
    },
}

# --------------------------------------------------------------------------------------------
# Vocabularies and places
# --------------------------------------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
)
_GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林峰建国志海东亮成振晨博诚"
_GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪慧莹琳颖洁倩红梅兰萍丹月悦欣怡佳晶璐蕾薇"
_GIVEN_MIDDLE = "子晓雨思嘉文俊梦天永家春立一新云"

_ETHNIC_MINORITIES = ("回族", "满族", "壮族", "蒙古族", "土家族", "苗族", "彝族", "藏族", "朝鲜族", "侗族")

_MUNICIPALITY_PREFIXES = ("11", "12", "31", "50")


@dataclass(frozen=True)
class _Place:
    """A district with its province and city (``city`` is empty for a municipality)."""

    code: str
    province: str
    city: str
    district: str
    hospitals: tuple[str, ...]

    @property
    def municipality(self) -> bool:
        return self.code[:2] in _MUNICIPALITY_PREFIXES

    @property
    def short(self) -> str:
        """``浙江``, ``北京`` ... as used in firm names."""
        return self.province.removesuffix("省").removesuffix("市")

    @property
    def city_name(self) -> str:
        return self.city or self.province

    @property
    def city_code(self) -> str:
        return self.code[:2] + "0000" if self.municipality else self.code[:4] + "00"

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def district_full(self) -> str:
        return f"{self.province}{self.city}{self.district}"


_PLACES: tuple[_Place, ...] = (
    _Place("330106", "浙江省", "杭州市", "西湖区",
           ("杭州市第一人民医院", "浙江大学医学院附属第二医院", "浙江省人民医院", "杭州市西溪医院")),
    _Place("440305", "广东省", "深圳市", "南山区",
           ("深圳市南山区人民医院", "北京大学深圳医院", "深圳市人民医院", "香港大学深圳医院")),
    _Place("110105", "北京市", "", "朝阳区", ("北京朝阳医院", "中日友好医院", "北京市垂杨柳医院")),
    _Place("510107", "四川省", "成都市", "武侯区",
           ("四川大学华西医院", "成都市第三人民医院", "四川省人民医院")),
    _Place("310104", "上海市", "", "徐汇区",
           ("复旦大学附属中山医院", "上海市第六人民医院", "上海市徐汇区中心医院")),
    _Place("320102", "江苏省", "南京市", "玄武区", ("江苏省人民医院", "南京市第一医院", "南京鼓楼医院")),
    _Place("420106", "湖北省", "武汉市", "武昌区", ("武汉大学人民医院", "武汉市第一医院", "湖北省人民医院")),
    _Place("370102", "山东省", "济南市", "历下区", ("山东省立医院", "济南市中心医院", "山东大学齐鲁医院")),
    _Place("430104", "湖南省", "长沙市", "岳麓区", ("中南大学湘雅医院", "长沙市第一医院", "湖南省人民医院")),
    _Place("610113", "陕西省", "西安市", "雁塔区",
           ("西安交通大学第一附属医院", "西安市第一医院", "陕西省人民医院")),
    _Place("350203", "福建省", "厦门市", "思明区",
           ("厦门大学附属中山医院", "厦门市第一医院", "厦门市中医院")),
    _Place("120101", "天津市", "", "和平区", ("天津医科大学总医院", "天津市第一中心医院", "天津市人民医院")),
)

# 医师: printed level/category -> number digits (docs/registry-rules.md#physician-qualification-layout)
_PHYSICIAN_LEVELS = {"执业医师": "1", "执业助理医师": "2"}
_PHYSICIAN_CATEGORIES = {"临床": "10", "口腔": "20", "公共卫生": "30", "中医": "41"}
_PHYSICIAN_CATEGORY_WEIGHTS = {"临床": 60, "中医": 15, "口腔": 12, "公共卫生": 13}
# 执业范围 per 执业类别 (docs/registry-rules.md#physician-practice-vocabularies), without the catch-all "其他专业".
_PHYSICIAN_SCOPES: dict[str, tuple[str, ...]] = {
    "临床": ("内科专业", "外科专业", "妇产科专业", "儿科专业", "眼耳鼻咽喉科专业", "皮肤病与性病专业",
             "精神卫生专业", "医学影像和放射治疗专业", "医学检验、病理专业", "全科医学专业", "急救医学专业",
             "康复医学专业", "预防保健专业"),
    "口腔": ("口腔专业",),
    "公共卫生": ("公共卫生类别专业",),
    "中医": ("中医专业", "中医专业", "中医专业", "中西医结合专业"),
}
_MEDICAL_SCHOOLS = ("浙江大学", "复旦大学", "四川大学", "中山大学", "北京大学医学部", "首都医科大学",
                    "南京医科大学", "温州医科大学", "中南大学湘雅医学院", "武汉大学医学部", "山东大学",
                    "西安交通大学医学部",
                    "天津医科大学", "福建医科大学", "重庆医科大学", "华中科技大学同济医学院")
_TCM_SCHOOLS = ("浙江中医药大学", "北京中医药大学", "广州中医药大学", "成都中医药大学", "南京中医药大学",
                "上海中医药大学", "山东中医药大学")
_VOCATIONAL_MEDICAL_SCHOOLS = ("杭州医学院", "宁波卫生职业技术学院", "沧州医学高等专科学校",
                               "四川卫生康复职业学院", "江苏医药职业学院", "山东医学高等专科学校")

# 律师 (docs/registry-rules.md#lawyer-practice-layout): printed category -> digit 10, weight, where they practise
_LAWYER_CATEGORIES = {"专职律师": "1", "兼职律师": "2", "公职律师": "6", "公司律师": "7", "法律援助律师": "8"}
_LAWYER_CATEGORY_WEIGHTS = {"专职律师": 70, "兼职律师": 10, "公职律师": 10, "公司律师": 7, "法律援助律师": 3}
_FIRM_WORDS = ("明理", "正衡", "诚泰", "和信", "博远", "嘉合", "瑞丰", "致远", "中衡", "安泽", "鼎诚", "合众",
               "汇德", "宏杰", "至善", "立行", "同舟", "恒信")
_COMPANY_WORDS = ("华信", "远航", "盛达", "宏图", "新锐", "恒通", "天成", "联创")

# 教师 (docs/registry-rules.md#teacher-qualification-layout): printed category -> digit 10.
# 幼儿园 is left out of the random pool: real ones print no 任教学科.
_TEACHER_CATEGORIES = {
    "幼儿园教师资格": "1", "小学教师资格": "2", "初级中学教师资格": "3", "高级中学教师资格": "4",
    "中等职业学校教师资格": "5", "中等职业学校实习指导教师资格": "6", "高等学校教师资格": "7",
}
_TEACHER_CATEGORY_WEIGHTS = {
    "小学教师资格": 25, "初级中学教师资格": 25, "高级中学教师资格": 25, "中等职业学校教师资格": 7,
    "中等职业学校实习指导教师资格": 3, "高等学校教师资格": 15,
}
_SCHOOL_SUBJECTS = ("语文", "数学", "英语", "物理", "化学", "生物", "思想政治", "历史", "地理", "音乐",
                    "体育与健康", "美术", "信息技术")
_TEACHER_SUBJECTS: dict[str, tuple[str, ...]] = {
    "幼儿园教师资格": ("学前教育",),
    "小学教师资格": ("语文", "数学", "英语", "科学", "音乐", "体育", "美术", "信息技术"),
    "初级中学教师资格": _SCHOOL_SUBJECTS,
    "高级中学教师资格": _SCHOOL_SUBJECTS,
    "中等职业学校教师资格": ("会计", "计算机应用", "机械加工技术", "电子技术应用", "旅游服务与管理"),
    "中等职业学校实习指导教师资格": ("数控技术应用", "汽车运用与维修", "烹饪", "电气技术应用"),
    "高等学校教师资格": ("临床医学", "法学", "计算机科学与技术", "机械工程", "经济学", "汉语言文学", "数学",
                        "化学", "土木工程"),
}

_NATIONAL_HEALTH_AUTHORITIES = (  # (first year, name) for the 医师资格证书 签发机关
    (1998, "中华人民共和国卫生部"),
    (2013, "国家卫生和计划生育委员会"),
    (2018, "国家卫生健康委员会"),
)

# --------------------------------------------------------------------------------------------
# Numbers and dates
# --------------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """GB 11643 (ISO 7064 MOD 11-2) check character for the first 17 digits of an ID number.

    >>> id_check_char("44052418800101001")
    '4'
    """
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def make_id_number(rng: random.Random, region: str, birth: date, gender: str) -> str:
    """A valid 18-character ID: region, birth date, sequence with odd 17th digit for 男."""
    sex_digit = rng.choice("13579" if gender == "男" else "02468")
    first17 = f"{region}{birth:%Y%m%d}{rng.randint(0, 99):02d}{sex_digit}"
    return first17 + id_check_char(first17)


def _random_date(rng: random.Random, start: date, end: date) -> date:
    end = min(end, REFERENCE_DATE)
    if end < start:
        return end
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _in_year(rng: random.Random, year: int, first_month: int = 1) -> date:
    return _random_date(rng, date(year, first_month, 1), date(year, 12, 31))


def _career_year(rng: random.Random, earliest: int, span: int = 15) -> int:
    """A year from ``earliest`` (capped at the reference year) up to ``span`` years later."""
    earliest = min(earliest, REFERENCE_DATE.year)
    return rng.randint(earliest, min(earliest + span, REFERENCE_DATE.year))


def _serial(rng: random.Random, digits: int = 6) -> str:
    return f"{rng.randint(1, 10**digits - 1):0{digits}d}"


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def printed_date(iso: str) -> str:
    """``2015-03-12`` -> ``2015年03月12日`` (anything else is printed as it is).

    >>> printed_date("2015-03-12"), printed_date("forged")
    ('2015年03月12日', 'forged')
    """
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    return f"{m[1]}年{m[2]}月{m[3]}日" if m else iso


# --------------------------------------------------------------------------------------------
# The certificate
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    """A generated certificate: its kind and normalised field values (canonical names)."""

    kind: CredentialKind
    fields: dict[str, str] = field(hash=False)

    def printed(self) -> list[tuple[str, str]]:
        """(printed label, printed value) pairs in print order (the order of ``Kind.fields``)."""
        labels = LABELS[self.kind]
        return [
            (labels[name], printed_date(self.fields[name]) if name in DATE_FIELDS else self.fields[name])
            for name in DOCUMENTS[self.kind].fields
            if name in self.fields
        ]

    @property
    def title(self) -> str:
        return DOCUMENTS[self.kind].title


@dataclass(frozen=True)
class _Person:
    name: str
    gender: str
    birth: date
    id_number: str
    home: _Place  # where the ID was issued
    place: _Place  # where the career happens


def _make_name(rng: random.Random, gender: str) -> str:
    given = _GIVEN_MALE if gender == "男" else _GIVEN_FEMALE
    middle = rng.choice(_GIVEN_MIDDLE + given) if rng.random() < 0.6 else ""
    return rng.choice(_SURNAMES) + middle + rng.choice(given)


def _make_person(rng: random.Random) -> _Person:
    gender = rng.choice(("男", "女"))
    birth = _random_date(rng, date(1960, 1, 1), date(2000, 12, 31))
    home = rng.choice(_PLACES)
    place = home if rng.random() < 0.7 else rng.choice(_PLACES)
    return _Person(_make_name(rng, gender), gender, birth, make_id_number(rng, home.code, birth, gender),
                   home, place)


def _physician_practice(rng: random.Random, p: _Person) -> dict[str, str]:
    level = "执业医师" if rng.random() < 0.8 else "执业助理医师"
    category = _weighted(rng, _PHYSICIAN_CATEGORY_WEIGHTS)
    tier = rng.choices(("district", "city", "province"), weights=(50, 35, 15))[0]
    if p.place.municipality and tier == "city":
        tier = "province"
    region, issuer = _health_authority(p.place, tier)
    issue = _in_year(rng, _career_year(rng, max(p.birth.year + 25, 2010)))
    return {
        "name": p.name, "gender": p.gender, "birth_date": p.birth.isoformat(), "id_number": p.id_number,
        "number": _PHYSICIAN_LEVELS[level] + _PHYSICIAN_CATEGORIES[category] + region + _serial(rng),
        "level": level, "category": category, "scope": rng.choice(_PHYSICIAN_SCOPES[category]),
        "institution": _hospital(rng, p.place, category, level), "issuer": issuer,
        "issue_date": issue.isoformat(),
    }


def _health_authority(place: _Place, tier: str) -> tuple[str, str]:
    """(6-digit region of the issuing authority, its name) for a 医师执业证书."""
    if tier == "district":
        suffix = "卫生健康委员会" if place.municipality else "卫生健康局"
        return place.code, place.district_full + suffix
    if tier == "city":
        return place.city_code, f"{place.province}{place.city}卫生健康委员会"
    return place.province_code, f"{place.province}卫生健康委员会"


def _hospital(rng: random.Random, place: _Place, category: str, level: str) -> str:
    city = place.city_name
    if category == "口腔":
        return f"{city}口腔医院"
    if category == "公共卫生":
        return f"{city}疾病预防控制中心"
    if category == "中医":
        return rng.choice((f"{city}中医院", f"{place.province}中医院"))
    if level == "执业助理医师":
        return rng.choice((f"{city}{place.district}人民医院", f"{place.district}社区卫生服务中心"))
    return rng.choice(place.hospitals)


def _physician_qualification(rng: random.Random, p: _Person) -> dict[str, str]:
    level = "执业医师" if rng.random() < 0.8 else "执业助理医师"
    category = _weighted(rng, _PHYSICIAN_CATEGORY_WEIGHTS)
    year = _career_year(rng, max(p.birth.year + 23, 1999))
    issuer = [name for first, name in _NATIONAL_HEALTH_AUTHORITIES if first <= year][-1]
    if category == "中医":
        school = rng.choice(_TCM_SCHOOLS)
    else:
        school = rng.choice(_VOCATIONAL_MEDICAL_SCHOOLS if level == "执业助理医师" else _MEDICAL_SCHOOLS)
    code = _PHYSICIAN_LEVELS[level] + _PHYSICIAN_CATEGORIES[category]
    number = f"{year}{p.place.code[:2]}{code}{p.id_number}"
    return {
        "name": p.name, "gender": p.gender, "birth_date": p.birth.isoformat(), "id_number": p.id_number,
        "level": level, "category": category, "institution": school, "number": number, "issuer": issuer,
        "issue_date": _in_year(rng, year, first_month=9).isoformat(),
    }


def _lawyer_practice(rng: random.Random, p: _Person) -> dict[str, str]:
    category = _weighted(rng, _LAWYER_CATEGORY_WEIGHTS)
    exam_year = min(_career_year(rng, max(p.birth.year + 22, 2002), span=12), REFERENCE_DATE.year - 1)
    first_year = min(exam_year + rng.randint(1, 3), REFERENCE_DATE.year)  # after a year's 实习
    reissued = rng.random() < 0.4  # a later certificate (moved firm, renewed booklet) keeps the number
    issue = _random_date(rng, date(first_year, 1, 1), REFERENCE_DATE) if reissued else _in_year(rng, first_year)
    place = p.place
    sex_digit = "0" if p.gender == "男" else "1"
    number = f"1{place.code[:4]}{first_year}{_LAWYER_CATEGORIES[category]}{sex_digit}{_serial(rng)}"
    qualification = f"A{exam_year}{place.code}{_serial(rng, 4)}"
    issuer = f"{place.province}司法{'局' if place.municipality else '厅'}"
    return {
        "name": p.name, "gender": p.gender, "id_number": p.id_number,
        "institution": _lawyer_institution(rng, place, category), "category": category, "number": number,
        "qualification_number": qualification, "issuer": issuer, "issue_date": issue.isoformat(),
    }


def _lawyer_institution(rng: random.Random, place: _Place, category: str) -> str:
    if category == "公职律师":
        return f"{place.province}{place.city or place.district}人民政府"
    if category == "公司律师":
        return f"{place.short}{rng.choice(_COMPANY_WORDS)}集团有限公司"
    if category == "法律援助律师":
        return f"{place.province}{place.city}法律援助中心"
    prefix = place.province if place.municipality else place.short
    return f"{prefix}{rng.choice(_FIRM_WORDS)}律师事务所"


def _teacher_qualification(rng: random.Random, p: _Person) -> dict[str, str]:
    category = _weighted(rng, _TEACHER_CATEGORY_WEIGHTS)
    year = _career_year(rng, max(p.birth.year + 21, 2003))
    code, issuer = _education_authority(p.place, _TEACHER_CATEGORIES[category])
    male = p.gender == "男"
    sex_digit = ("1" if male else "2") if year >= 2009 else ("0" if male else "1")  # UNCONFIRMED, soft rule
    number = f"{year}{p.place.code[:2]}{code}{_TEACHER_CATEGORIES[category]}{sex_digit}{_serial(rng)}"
    ethnicity = "汉族" if rng.random() < 0.88 else rng.choice(_ETHNIC_MINORITIES)
    return {
        "name": p.name, "gender": p.gender, "ethnicity": ethnicity, "birth_date": p.birth.isoformat(),
        "id_number": p.id_number, "category": category, "subject": rng.choice(_TEACHER_SUBJECTS[category]),
        "number": number, "issuer": issuer, "issue_date": _in_year(rng, year).isoformat(),
    }


def _education_authority(place: _Place, category_digit: str) -> tuple[str, str]:
    """(3-digit 认定机构 code, authority name).

    高校 by the province, 高中/中职 by the city, 小学/初中/幼儿园 by the district.
    """
    commission = "教育委员会"
    if category_digit == "7" or (place.municipality and category_digit in "456"):
        return "001", place.province + (commission if place.municipality else "教育厅")
    if category_digit in "456":
        return f"{place.code[2:4]}0", f"{place.province}{place.city}教育局"
    suffix = commission if place.code[:2] == "11" else "教育局"
    return f"{place.code[2:4]}{place.code[5]}", place.district_full + suffix


_BUILDERS: dict[CredentialKind, Callable[[random.Random, _Person], dict[str, str]]] = {
    CredentialKind.PHYSICIAN_PRACTICE: _physician_practice,
    CredentialKind.PHYSICIAN_QUALIFICATION: _physician_qualification,
    CredentialKind.LAWYER_PRACTICE: _lawyer_practice,
    CredentialKind.TEACHER_QUALIFICATION: _teacher_qualification,
}


def _as_kind(kind: CredentialKind | str) -> CredentialKind:
    resolved = KIND_ALIASES.get(str(kind)) or CredentialKind(kind)
    if resolved not in _BUILDERS:
        raise ValueError(f"no certificate document for kind {resolved.value!r}")
    return resolved


def make_certificate(kind: CredentialKind | str, seed: int = 0, **overrides: str) -> Certificate:
    """A valid certificate of ``kind`` built from ``seed``; ``overrides`` then replace field values.

    ``kind`` may also be ``doctor``/``lawyer``/``teacher``. Overriding a field the kind does not
    print raises ``ValueError``.

    >>> make_certificate("teacher", 1, gender="女").fields["gender"]
    '女'
    """
    resolved = _as_kind(kind)
    fields = _BUILDERS[resolved](random.Random(f"{resolved.value}:{seed}"), _make_person(
        random.Random(f"person:{resolved.value}:{seed}")))
    unknown = set(overrides) - set(fields)
    if unknown:
        raise ValueError(f"{resolved.value} has no field(s) {sorted(unknown)}")
    return Certificate(resolved, {**fields, **overrides})


# --------------------------------------------------------------------------------------------
# Forgeries: certificates that look fine but break one registry rule
# --------------------------------------------------------------------------------------------

_FORGED_PROVINCE = "99"  # no GB/T 2260 province (docs/registry-rules.md#region-codes)


@dataclass(frozen=True)
class ForgeryType:
    """One way to forge: what is changed, the check codes (``verify.checks``) one of which must
    catch it, and the kinds it applies to (rules from the kinds' rules sections of docs/registry-rules.md)."""

    name: str
    description: str
    rules: tuple[str, ...]
    kinds: tuple[CredentialKind, ...]


@dataclass(frozen=True)
class Forgery:
    """A forged certificate, how it was forged, and the name and ID number the platform's real-name check knows."""

    cert: Certificate
    forgery: ForgeryType
    holder_name: str
    holder_id_number: str


_PQ, _PP = CredentialKind.PHYSICIAN_QUALIFICATION, CredentialKind.PHYSICIAN_PRACTICE
_LP, _TQ = CredentialKind.LAWYER_PRACTICE, CredentialKind.TEACHER_QUALIFICATION
_ALL_KINDS = (_PP, _PQ, _LP, _TQ)

FORGERY_TYPES: dict[str, ForgeryType] = {f.name: f for f in (
    ForgeryType("id_checksum", "身份证号 (and the ID inside a 医师资格 number) with a wrong check character",
                ("id_number.checksum", "number.embedded_id"), _ALL_KINDS),
    ForgeryType("embedded_id_other_person", "the 医师资格 number embeds another valid ID number",
                ("id_number.matches_number",), (_PQ,)),
    ForgeryType("impossible_region", f"province code {_FORGED_PROVINCE} in the number", ("number.region",),
                _ALL_KINDS),
    ForgeryType("other_kind_number", "the number of another credential kind",
                ("number.format", "number.year"), _ALL_KINDS),
    ForgeryType("category_mismatch", "the number's category digits disagree with the printed category",
                ("category.matches_number",), _ALL_KINDS),
    ForgeryType("year_mismatch", "发证日期 before the year in the number (teacher: another year)",
                ("issue_date.after_number_year", "issue_date.matches_number_year"), (_PQ, _LP, _TQ)),
    ForgeryType("year_out_of_range", "a number year before the credential existed (医师资格 1998, 教师资格 1996)",
                ("number.year",), (_PQ, _TQ)),
    ForgeryType("issue_date_future", "发证日期 after today", ("issue_date.not_future",), _ALL_KINDS),
    ForgeryType("underage", "a birth date that makes the holder 12 in the number's year", ("age.plausible",),
                (_PQ, _LP, _TQ)),
    ForgeryType("gender_mismatch", "printed 性别 contradicts the ID number", ("gender.matches_id",), _ALL_KINDS),
    ForgeryType("birth_date_mismatch", "printed 出生日期 differs from the ID number's",
                ("birth_date.matches_id",), (_PP, _PQ, _TQ)),
    ForgeryType("sex_digit_mismatch", "the 执业证号 sex digit contradicts 性别 and the ID number",
                ("id_number.matches_number", "gender.matches_number"), (_LP,)),
    ForgeryType("serial_zero", "serial 000000 in the 医师执业 number", ("number.serial",), (_PP,)),
    ForgeryType("other_holder", "a valid certificate of someone other than the account holder",
                ("name.matches_holder",), _ALL_KINDS),
    ForgeryType("issuer_region_mismatch", "发证机关 of another province than the region in the number",
                ("issuer.region_matches",), (_PP, _LP, _TQ)),
)}

#: Where the year, province and category digits sit in each kind's number (docs/registry-rules.md#summary).
_NUMBER_YEAR = {_PQ: slice(0, 4), _LP: slice(5, 9), _TQ: slice(0, 4)}
_NUMBER_PROVINCE = {_PP: slice(3, 5), _PQ: slice(4, 6), _LP: slice(1, 3), _TQ: slice(4, 6)}
_NUMBER_CATEGORY = {_PP: slice(1, 3), _PQ: slice(7, 9), _LP: slice(9, 10), _TQ: slice(9, 10)}
_CATEGORY_CODES = {
    _PP: tuple(_PHYSICIAN_CATEGORIES.values()), _PQ: tuple(_PHYSICIAN_CATEGORIES.values()),
    _LP: tuple(_LAWYER_CATEGORIES.values()), _TQ: tuple(_TEACHER_CATEGORIES.values()),
}
#: Whose number each kind gets in ``other_kind_number``: one of the same length where there is one.
_OTHER_KIND = {_PP: _LP, _PQ: _PP, _LP: _TQ, _TQ: _LP}


def _put(number: str, where: slice, value: str) -> str:
    return number[:where.start] + value + number[where.stop:]


def _wrong_check(id_number: str) -> str:
    right = id_number[17]
    return id_number[:17] + next(c for c in "7350X" if c != right)


def _redated(iso: str, year: int) -> str:
    """The same month and day in ``year`` (29 February becomes the 28th)."""
    day = date.fromisoformat(iso)
    return day.replace(year=year, day=min(day.day, 28) if day.month == 2 else day.day).isoformat()


def _forge_fields(kind: CredentialKind, name: str, f: dict[str, str], rng: random.Random, seed: int,
                  today: date) -> dict[str, str]:
    """The fields of a valid certificate ``f`` forged the ``name`` way."""
    number = f["number"]
    if name == "id_checksum":
        forged_id = _wrong_check(f["id_number"])
        return {"id_number": forged_id} | ({"number": number[:9] + forged_id} if kind is _PQ else {})
    if name == "embedded_id_other_person":
        born = date.fromisoformat(f["birth_date"])
        other = f["id_number"]
        while other == f["id_number"]:
            other = make_id_number(rng, rng.choice(_PLACES).code, born, f["gender"])
        return {"number": number[:9] + other}
    if name == "impossible_region":
        return {"number": _put(number, _NUMBER_PROVINCE[kind], _FORGED_PROVINCE)}
    if name == "other_kind_number":
        return {"number": make_certificate(_OTHER_KIND[kind], seed).fields["number"]}
    if name == "category_mismatch":
        where = _NUMBER_CATEGORY[kind]
        other = rng.choice([c for c in _CATEGORY_CODES[kind] if c != number[where]])
        return {"number": _put(number, where, other)}
    if name in ("year_mismatch", "year_out_of_range", "underage"):
        return _forge_year(kind, name, f, rng)
    if name == "issue_date_future":
        return {"issue_date": (today + timedelta(days=rng.randint(60, 700))).isoformat()}
    if name == "gender_mismatch":
        return {"gender": "女" if f["gender"] == "男" else "男"}
    if name == "birth_date_mismatch":
        born = date.fromisoformat(f["birth_date"])
        return {"birth_date": _redated(born.isoformat(), born.year + rng.choice((-3, -2, 2, 3)))}
    if name == "sex_digit_mismatch":
        return {"number": _put(number, slice(10, 11), "1" if number[10] == "0" else "0")}
    if name == "serial_zero":
        return {"number": number[:9] + "000000"}
    if name == "other_holder":
        return {}
    if name == "issuer_region_mismatch":
        return {"issuer": _authority_elsewhere(kind, f, rng)}
    raise ValueError(f"unknown forgery {name!r} ({', '.join(FORGERY_TYPES)})")


def _authority_elsewhere(kind: CredentialKind, f: dict[str, str], rng: random.Random) -> str:
    """The issuing authority of a place in another province than the one the number encodes."""
    province = f["number"][_NUMBER_PROVINCE[kind]]
    place = rng.choice([p for p in _PLACES if p.code[:2] != province])
    if kind is _PP:
        return _health_authority(place, "district")[1]
    if kind is _LP:
        return f"{place.province}司法{'局' if place.municipality else '厅'}"
    return _education_authority(place, f["number"][_NUMBER_CATEGORY[kind]])[1]


def _forge_year(kind: CredentialKind, name: str, f: dict[str, str], rng: random.Random) -> dict[str, str]:
    number, where = f["number"], _NUMBER_YEAR[kind]
    year = int(number[where])
    if name == "year_mismatch":  # the number stays; the document's date moves
        return {"issue_date": _redated(f["issue_date"], year - rng.randint(1, 3))}
    if name == "year_out_of_range":
        early = rng.randint(1990, 1997 if kind is _PQ else 1995)
        return {"number": _put(number, where, str(early)), "issue_date": _redated(f["issue_date"], early)}
    # underage: a new birth date (and so a new ID number) 12 years before the number's year
    ident = f["id_number"]
    born = _redated(f"{ident[6:10]}-{ident[10:12]}-{ident[12:14]}", year - 12)
    new_id = make_id_number(rng, ident[:6], date.fromisoformat(born), f["gender"])
    forged = {"id_number": new_id} | ({"birth_date": born} if "birth_date" in f else {})
    return forged | ({"number": number[:9] + new_id} if kind is _PQ else {})


def make_forgery(kind: CredentialKind | str, forgery: str, seed: int = 0, *, today: date | None = None) -> Forgery:
    """The valid certificate ``make_certificate(kind, seed)`` forged the ``forgery`` way.

    ``today`` (default: the real date) places a future 发证日期. The holder is the genuine
    certificate's, except for ``other_holder`` (the certificate is unchanged, the holder another
    person) and ``underage`` (the forger is the person of the new ID number).

    >>> f = make_forgery("lawyer", "sex_digit_mismatch", 3)
    >>> f.cert.fields["number"][10] != make_certificate("lawyer", 3).fields["number"][10]
    True
    """
    resolved = _as_kind(kind)
    spec = FORGERY_TYPES.get(forgery)
    if spec is None:
        raise ValueError(f"unknown forgery {forgery!r} ({', '.join(FORGERY_TYPES)})")
    if resolved not in spec.kinds:
        raise ValueError(f"forgery {forgery!r} does not apply to {resolved.value}")
    genuine = make_certificate(resolved, seed)
    rng = random.Random(f"forgery:{forgery}:{resolved.value}:{seed}")
    forged = _forge_fields(resolved, forgery, dict(genuine.fields), rng, seed, today or date.today())
    holder, holder_id = genuine.fields["name"], genuine.fields["id_number"]
    if forgery == "other_holder":
        other = next(other for s in range(seed + 1, seed + 50)
                     if (other := make_certificate(resolved, s).fields)["name"] != holder)
        holder, holder_id = other["name"], other["id_number"]
    elif forgery == "underage":
        holder_id = forged["id_number"]
    return Forgery(Certificate(resolved, {**genuine.fields, **forged}), spec, holder, holder_id)


def forgeries(seeds: Sequence[int] = (0,), *, today: date | None = None) -> list[Forgery]:
    """Every forgery type for every kind it applies to, once per seed."""
    return [make_forgery(kind, name, seed, today=today)
            for seed in seeds for name, spec in FORGERY_TYPES.items() for kind in spec.kinds]


# --------------------------------------------------------------------------------------------
# Layout (millimetres, origin top-left), shared by the image and the PDF renderers
# --------------------------------------------------------------------------------------------

Colour = tuple[int, int, int]
Point = tuple[float, float]
Measure = Callable[[str, float], float]  # (text, size in mm) -> width in mm

PAPER: Colour = (250, 247, 238)
INK: Colour = (28, 28, 32)
# Pre-printed form ink (rules, frame, security lines) is light in every channel, like a pale coloured
# form. Measured with Tesseract chi_sim psm 6: darker tan rules (188, 160, 118) made Otsu on the red channel
# of a thin Ming/Kai render threshold at ~214 and keep the lines (nothing read), and a frame with a blue
# channel below ~190 made the unprepared RGB page unreadable.
RULE: Colour = (214, 198, 178)
GUILLOCHE: Colour = (214, 230, 224)
FRAME: Colour = (228, 214, 196)
SEAL_RED: Colour = (214, 32, 38)

PAGE_WIDTH_MM = 210.0
MARGIN_MM = 14.0
TEXT_MM = 4.2  # em size: CJK glyphs come out ~3.7 mm tall
TITLE_MM = 8.0
ROW_MM = 9.6
LINE_MM = 8.8
PAD_MM = 2.6
PHOTO_W_MM, PHOTO_H_MM = 30.0, 40.0
SEAL_MM = 38.0


@dataclass(frozen=True)
class _Text:
    x: float
    y: float  # centre line
    text: str
    size: float
    anchor: str = "l"  # l(eft) or m(iddle)
    ink: Colour = INK


@dataclass(frozen=True)
class _Rect:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class _Layout:
    width: float
    height: float
    texts: list[_Text]
    cells: list[_Rect]
    photo: _Rect
    seal_centre: Point


def _fit(text: str, size: float, room: float, measure: Measure) -> float:
    while size > 2.5 and measure(text, size) > room:
        size -= 0.2
    return size


#: The printed arrangements: a bordered table, ``label：value`` lines, two columns of label/value
#: pairs (long values take a whole row), and each value on the line below its label.
LAYOUTS = ("table", "lines", "columns", "below")
LABEL_MM = 3.4  # label size in the ``below`` layout
LABEL_INK: Colour = (78, 78, 86)
COLUMN_GAP_MM = 4.0


def _layout(cert: Certificate, layout: str, measure: Measure, jitter: random.Random) -> _Layout:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r} ({', '.join(LAYOUTS)})")
    if layout == "columns":
        return _columns_layout(cert, measure, jitter)
    if layout == "below":
        return _below_layout(cert, measure, jitter)
    pairs = cert.printed()
    step = ROW_MM if layout == "table" else LINE_MM
    top = MARGIN_MM + TITLE_MM + 10.0
    height = max(148.0, top + step * len(pairs) + MARGIN_MM)
    photo, right = _photo_box(top)
    texts = [_title(cert)]
    cells: list[_Rect] = []
    label_w = max(measure(label, TEXT_MM) for label, _ in pairs) + 2 * PAD_MM
    x0 = MARGIN_MM + 2.0
    for i, (label, value) in enumerate(pairs):
        y = top + step * i
        if layout == "table":
            mid = x0 + label_w
            cells += [_Rect(x0, y, mid, y + step), _Rect(mid, y, right, y + step)]
            texts.append(_Text(x0 + PAD_MM, y + step / 2, label, TEXT_MM))
            size = _fit(value, TEXT_MM, right - mid - 2 * PAD_MM, measure)
            texts.append(_Text(mid + PAD_MM, y + step / 2, value, size))
        else:
            line = f"{label}：{value}"
            texts.append(_Text(x0, y + step / 2, line, _fit(line, TEXT_MM, right - x0, measure)))
    seal_y = top + step * (len(pairs) - 1) + jitter.uniform(-3.0, 2.0)
    seal_x = x0 + label_w + 30.0 + jitter.uniform(-6.0, 10.0)
    return _Layout(PAGE_WIDTH_MM, height, texts, cells, photo, (seal_x, seal_y))


def _title(cert: Certificate) -> _Text:
    return _Text(PAGE_WIDTH_MM / 2, MARGIN_MM + TITLE_MM / 2 + 2.0, cert.title, TITLE_MM, "m")


def _photo_box(top: float) -> tuple[_Rect, float]:
    """The photo box at the top right, and the right edge of the text left of it."""
    photo_x0 = PAGE_WIDTH_MM - MARGIN_MM - PHOTO_W_MM
    return _Rect(photo_x0, top, photo_x0 + PHOTO_W_MM, top + PHOTO_H_MM), photo_x0 - 5.0


def _columns_layout(cert: Certificate, measure: Measure, jitter: random.Random) -> _Layout:
    """Two label/value pairs a row where both fit in half the width; a long value gets the whole row."""
    pairs = cert.printed()
    top = MARGIN_MM + TITLE_MM + 10.0
    photo, right = _photo_box(top)
    x0 = MARGIN_MM + 2.0
    half = (right - x0 - COLUMN_GAP_MM) / 2
    x_mid = x0 + half + COLUMN_GAP_MM

    def label_w(labels: Sequence[str]) -> float:
        return max((measure(label, TEXT_MM) for label in labels), default=0.0) + 2 * PAD_MM

    full = {label for label, value in pairs if label_w([label]) + measure(value, TEXT_MM) > half}
    while True:  # pair the short ones; a pair whose value no longer fits its column's labels is split
        rows: list[list[tuple[str, str]]] = []
        for pair in pairs:
            if pair[0] not in full and rows and len(rows[-1]) == 1 and rows[-1][0][0] not in full:
                rows[-1].append(pair)
            else:
                rows.append([pair])
        label_l = label_w([row[0][0] for row in rows if len(row) == 2])
        label_r = label_w([row[1][0] for row in rows if len(row) == 2])
        crowded = {label for row in rows if len(row) == 2
                   for (label, value), lw in zip(row, (label_l, label_r), strict=True)
                   if lw + measure(value, TEXT_MM) > half}
        if not crowded:
            break
        full |= crowded
    texts = [_title(cert)]
    for i, row in enumerate(rows):
        y = top + LINE_MM * i + LINE_MM / 2
        if len(row) == 1:
            label, value = row[0]
            lw = label_w([label])
            texts += [_Text(x0, y, label, TEXT_MM),
                      _Text(x0 + lw, y, value, _fit(value, TEXT_MM, right - x0 - lw, measure))]
            continue
        for x, lw, (label, value) in zip((x0, x_mid), (label_l, label_r), row, strict=True):
            texts += [_Text(x, y, label, TEXT_MM), _Text(x + lw, y, value, TEXT_MM)]
    height = max(148.0, top + LINE_MM * len(rows) + MARGIN_MM)
    seal_y = top + LINE_MM * (len(rows) - 1) + jitter.uniform(-3.0, 2.0)
    seal_x = x0 + label_l + 30.0 + jitter.uniform(-6.0, 10.0)
    return _Layout(PAGE_WIDTH_MM, height, texts, [], photo, (seal_x, seal_y))


def _below_layout(cert: Certificate, measure: Measure, jitter: random.Random) -> _Layout:
    """Each label in small grey type, its value on the line below (as on e-certificates)."""
    pairs = cert.printed()
    top = MARGIN_MM + TITLE_MM + 8.0
    photo, right = _photo_box(top)
    x0 = MARGIN_MM + 2.0
    label_step, step = 5.4, 12.6
    texts = [_title(cert)]
    for i, (label, value) in enumerate(pairs):
        y = top + step * i
        texts.append(_Text(x0, y + LABEL_MM / 2, label, LABEL_MM, ink=LABEL_INK))
        texts.append(_Text(x0, y + label_step + TEXT_MM / 2, value, _fit(value, TEXT_MM, right - x0, measure)))
    height = max(148.0, top + step * len(pairs) + MARGIN_MM)
    seal_y = top + step * (len(pairs) - 1) + jitter.uniform(-3.0, 2.0)
    seal_x = x0 + 40.0 + jitter.uniform(-6.0, 10.0)
    return _Layout(PAGE_WIDTH_MM, height, texts, [], photo, (seal_x, seal_y))


def _guilloche(width: float, height: float, phase: float) -> list[list[Point]]:
    """Light wavy security lines (mm)."""
    curves = []
    for k in range(int(height / 4.0)):
        base = 3.0 + 4.0 * k
        pts = [(x, base + 1.6 * math.sin(x / 7.0 + phase + k * 0.7) + 0.8 * math.sin(x / 2.3 + k))
               for x in np.arange(0.0, width + 1.0, 1.5)]
        curves.append(pts)
    return curves


# --------------------------------------------------------------------------------------------
# Image rendering
# --------------------------------------------------------------------------------------------

#: (file, face index) of each font: Hei (wqy-zenhei, wqy-microhei), Song/Ming (AR PL UMing), Kai
#: (AR PL UKai) and Noto Sans/Serif CJK SC (Debian fonts-noto-cjk; face 2 of the .ttc is SC).
FONTS: dict[str, tuple[str, int]] = {
    "zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "microhei": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    "ukai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    "noto_sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "noto_serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
}
#: Fonts with TrueType outlines, which reportlab can embed in a PDF text layer (Noto CJK is CFF).
PDF_FONTS = ("zenhei", "microhei", "uming", "ukai")


def installed_fonts() -> tuple[str, ...]:
    """The ``FONTS`` whose file is on this machine (``make test`` installs them all)."""
    return tuple(name for name, (path, _) in FONTS.items() if Path(path).is_file())


@lru_cache(maxsize=64)
def _font(name: str, px: int) -> ImageFont.FreeTypeFont:
    if name not in FONTS:
        raise ValueError(f"unknown font {name!r} ({', '.join(FONTS)})")
    path, index = FONTS[name]
    return ImageFont.truetype(path, max(px, 1), index=index)


def _pil_measure(font: str) -> Measure:
    ref = _font(font, 200)
    return lambda text, size: ref.getlength(text) / 200.0 * size


def _seed_of(cert: Certificate) -> int:
    return zlib.crc32(json.dumps(cert.fields, sort_keys=True).encode())


def render_image(cert: Certificate, *, layout: str = "table", font: str = "zenhei", dpi: int = 300,
                 seal: bool = True, background: bool = True) -> Image.Image:
    """The certificate as an RGB image at ``dpi`` (A5 landscape-ish, 210 mm wide)."""
    jitter = random.Random(_seed_of(cert))
    geo = _layout(cert, layout, _pil_measure(font), jitter)
    px = dpi / 25.4
    img = Image.new("RGB", (round(geo.width * px), round(geo.height * px)), PAPER)
    draw = ImageDraw.Draw(img)
    if background:
        _draw_background(draw, geo, px, jitter.uniform(0, 6.28))
    _draw_photo(draw, geo.photo, px)
    line_w = max(1, round(0.22 * px))
    for c in geo.cells:
        draw.rectangle([c.x0 * px, c.y0 * px, c.x1 * px, c.y1 * px], outline=RULE, width=line_w)
    for t in geo.texts:
        draw.text((t.x * px, t.y * px), t.text, fill=t.ink, font=_font(font, round(t.size * px)),
                  anchor=t.anchor + "m")
    if seal:
        mask = _seal_mask(cert.fields.get("issuer", ""), round(SEAL_MM * px), jitter)
        _stamp(img, mask, (round(geo.seal_centre[0] * px), round(geo.seal_centre[1] * px)))
    img.info["dpi"] = (dpi, dpi)
    return img


def _draw_background(draw: ImageDraw.ImageDraw, geo: _Layout, px: float, phase: float) -> None:
    width = max(1, round(0.12 * px))
    for curve in _guilloche(geo.width, geo.height, phase):
        draw.line([(x * px, y * px) for x, y in curve], fill=GUILLOCHE, width=width)
    for inset, w in ((5.0, 0.8), (6.6, 0.3)):
        draw.rectangle([inset * px, inset * px, (geo.width - inset) * px, (geo.height - inset) * px],
                       outline=FRAME, width=max(1, round(w * px)))


def _draw_photo(draw: ImageDraw.ImageDraw, r: _Rect, px: float) -> None:
    draw.rectangle([r.x0 * px, r.y0 * px, r.x1 * px, r.y1 * px], fill=(232, 234, 236),
                   outline=(130, 130, 134), width=max(1, round(0.2 * px)))
    cx, w = (r.x0 + r.x1) / 2, r.x1 - r.x0
    head = (cx - w * 0.18, r.y0 + 7.0, cx + w * 0.18, r.y0 + 7.0 + w * 0.44)
    draw.ellipse([v * px for v in head], fill=(200, 203, 208))
    draw.pieslice([(cx - w * 0.4) * px, (r.y1 - 14.0) * px, (cx + w * 0.4) * px, (r.y1 + 14.0) * px],
                  180, 360, fill=(200, 203, 208))


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.38
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


def _seal_mask(issuer: str, size: int, rng: random.Random) -> Image.Image:
    """An 'L' mask of a round official seal: ring, star, issuer name on the arc, uneven ink."""
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    c = size / 2
    ring = max(2, round(size * 0.032))
    draw.ellipse([ring / 2, ring / 2, size - ring / 2, size - ring / 2], outline=255, width=ring)
    draw.polygon(_star(c, c, size * 0.17), fill=255)
    chars = list(issuer or "发证机关") or ["章"]
    font = _font("zenhei", round(size * 0.12))
    span = min(250.0, max(160.0, 20.0 * len(chars)))
    radius = size * 0.355
    for i, ch in enumerate(chars):
        angle = -span / 2 + span * (i + 0.5) / len(chars)  # degrees clockwise from the top
        glyph = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(glyph).text((font.size, font.size), ch, fill=255, font=font, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
        gx = c + radius * math.sin(math.radians(angle)) - glyph.width / 2
        gy = c - radius * math.cos(math.radians(angle)) - glyph.height / 2
        mask.paste(glyph, (round(gx), round(gy)), glyph)
    draw.text((c, c + size * 0.28), "专用章", fill=255, font=_font("zenhei", round(size * 0.09)), anchor="mm")
    mask = mask.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC)
    noise = np.random.default_rng(rng.randint(0, 2**31)).uniform(0.55, 1.0, (size // 6 + 1, size // 6 + 1))
    texture = Image.fromarray((noise * 255).astype(np.uint8)).resize((size, size), Image.Resampling.BILINEAR)
    inked = np.asarray(mask, np.float32) * np.asarray(texture, np.float32) / 255
    return Image.fromarray(inked.astype(np.uint8))


def _stamp(img: Image.Image, mask: Image.Image, centre: tuple[int, int], opacity: float = 0.85) -> None:
    """Multiply-blend red ink through ``mask`` onto ``img`` (in place): text under it stays visible."""
    x0, y0 = centre[0] - mask.width // 2, centre[1] - mask.height // 2
    box = (max(x0, 0), max(y0, 0), min(x0 + mask.width, img.width), min(y0 + mask.height, img.height))
    if box[2] <= box[0] or box[3] <= box[1]:
        return
    region = np.asarray(img.crop(box), np.float32)
    alpha = np.asarray(mask.crop((box[0] - x0, box[1] - y0, box[2] - x0, box[3] - y0)), np.float32) / 255
    ink = 1.0 - opacity * alpha[..., None] * (1.0 - np.array(SEAL_RED, np.float32) / 255)
    img.paste(Image.fromarray((region * ink).clip(0, 255).astype(np.uint8)), box[:2])


# --------------------------------------------------------------------------------------------
# PDF rendering
# --------------------------------------------------------------------------------------------

PDF_FONT_NAME = "VerifyCertZenHei"
PDF_FONT_PATH, PDF_FONT_INDEX = FONTS["zenhei"]
_MM_PT = 72.0 / 25.4


@lru_cache(maxsize=len(PDF_FONTS))
def pdf_font(name: str = "zenhei") -> str:
    """Register one of ``PDF_FONTS`` with reportlab (once) and return its reportlab name."""
    if name not in PDF_FONTS:
        raise ValueError(f"font {name!r} cannot be embedded in a text layer ({', '.join(PDF_FONTS)})")
    if name == "zenhei":
        pdfmetrics.registerFont(TTFont(PDF_FONT_NAME, PDF_FONT_PATH, subfontIndex=PDF_FONT_INDEX))
        return PDF_FONT_NAME
    path, index = FONTS[name]
    registered = f"VerifyCert{name.title()}"
    pdfmetrics.registerFont(TTFont(registered, path, subfontIndex=index))
    return registered


def _pdf_measure(font: str) -> Measure:
    return lambda text, size: pdfmetrics.stringWidth(text, font, size)  # same unit in and out


def render_pdf(cert: Certificate, *, text_layer: bool = True, cover_page: bool = False,
               layout: str = "table", font: str = "zenhei", image: Image.Image | None = None) -> bytes:
    """A PDF of the certificate (on page 2 after an unrelated cover page with ``cover_page``).

    ``text_layer=True``: vector text in an embedded CJK font (one of ``PDF_FONTS``), one row per
    line for pdfplumber; ``text_layer=False``: only an image (JPEG q88), so it needs OCR: ``image``
    (e.g. a degraded scan), else the certificate rendered at 200 dpi in ``layout`` and ``font``.
    """
    buf = io.BytesIO()
    canvas = Canvas(buf, pageCompression=1, invariant=1)
    canvas.setTitle(cert.title)
    if cover_page:
        _pdf_cover(canvas)
    if text_layer:
        _pdf_certificate(canvas, cert, layout, font)
    else:
        _pdf_image_page(canvas, image if image is not None else render_image(cert, layout=layout, font=font,
                                                                             dpi=200))
    canvas.save()
    return buf.getvalue()


def _pdf_cover(canvas: Canvas) -> None:
    font = pdf_font()
    canvas.setPageSize((210 * _MM_PT, 297 * _MM_PT))
    lines = ("资质审核材料", "", "本文件包含申请人提交的资质证明材料。", "第二页为证书影像，请核对原件。",
             "材料仅用于平台资质审核，请妥善保管。")
    for i, line in enumerate(lines):
        size = 18 if i == 0 else 11
        canvas.setFont(font, size)
        canvas.drawString(25 * _MM_PT, (297 - 40 - 12 * i) * _MM_PT, line)
    canvas.showPage()


def _rgb(colour: Colour) -> tuple[float, float, float]:
    return colour[0] / 255, colour[1] / 255, colour[2] / 255


@dataclass(frozen=True)
class _PdfPage:
    """Draws layout elements (mm, top-left origin) on a reportlab canvas (points, bottom-left origin)."""

    canvas: Canvas
    height: float  # mm

    def pt(self, x: float, y: float) -> tuple[float, float]:
        return x * _MM_PT, (self.height - y) * _MM_PT

    def rect(self, r: _Rect, *, stroke: Colour | None, fill: Colour | None = None,
             width: float = 0.6) -> None:
        if stroke:
            self.canvas.setStrokeColorRGB(*_rgb(stroke))
            self.canvas.setLineWidth(width)
        if fill:
            self.canvas.setFillColorRGB(*_rgb(fill))
        x, y = self.pt(r.x0, r.y1)
        self.canvas.rect(x, y, (r.x1 - r.x0) * _MM_PT, (r.y1 - r.y0) * _MM_PT, stroke=int(bool(stroke)),
                         fill=int(bool(fill)))

    def curve(self, points: Sequence[Point]) -> None:
        path = self.canvas.beginPath()
        path.moveTo(*self.pt(*points[0]))
        for p in points[1:]:
            path.lineTo(*self.pt(*p))
        self.canvas.drawPath(path, stroke=1, fill=0)


def _pdf_certificate(canvas: Canvas, cert: Certificate, layout: str, font_name: str) -> None:
    font = pdf_font(font_name)
    jitter = random.Random(_seed_of(cert))
    geo = _layout(cert, layout, _pdf_measure(font), jitter)
    canvas.setPageSize((geo.width * _MM_PT, geo.height * _MM_PT))
    page = _PdfPage(canvas, geo.height)
    page.rect(_Rect(0, 0, geo.width, geo.height), stroke=None, fill=PAPER)
    canvas.setStrokeColorRGB(*_rgb(GUILLOCHE))
    canvas.setLineWidth(0.35)
    for curve in _guilloche(geo.width, geo.height, jitter.uniform(0, 6.28)):
        page.curve(curve)
    for inset, width in ((5.0, 0.8), (6.6, 0.3)):
        frame = _Rect(inset, inset, geo.width - inset, geo.height - inset)
        page.rect(frame, stroke=FRAME, width=width * _MM_PT)
    page.rect(geo.photo, stroke=(130, 130, 134), fill=(232, 234, 236))
    for cell in geo.cells:
        page.rect(cell, stroke=RULE)
    ink = None
    for t in geo.texts:
        if t.ink != ink:
            ink = t.ink
            canvas.setFillColorRGB(*_rgb(ink))
        canvas.setFont(font, t.size * _MM_PT)
        x, y = page.pt(t.x, t.y + 0.36 * t.size)  # baseline a little below the centre line
        if t.anchor == "m":
            canvas.drawCentredString(x, y, t.text)
        else:
            canvas.drawString(x, y, t.text)
    _pdf_seal(page, cert, geo.seal_centre, jitter)
    canvas.showPage()


def _pdf_seal(page: _PdfPage, cert: Certificate, centre: Point, jitter: random.Random) -> None:
    """The seal as a transparent raster image, so it adds no characters to the text layer."""
    mask = _seal_mask(cert.fields.get("issuer", ""), round(SEAL_MM * 200 / 25.4), jitter)
    seal = Image.new("RGBA", mask.size, (*SEAL_RED, 0))
    seal.putalpha(mask.point(lambda v: round(v * 0.8)))
    x, y = page.pt(centre[0] - SEAL_MM / 2, centre[1] + SEAL_MM / 2)
    page.canvas.drawImage(ImageReader(seal), x, y, SEAL_MM * _MM_PT, SEAL_MM * _MM_PT, mask="auto")


def pdf_page_jpeg(img: Image.Image) -> bytes:
    """The JPEG that ``render_pdf`` embeds for an image page (what a PDF's OCR starts from)."""
    return to_jpeg(img, 88)


def _pdf_image_page(canvas: Canvas, img: Image.Image) -> None:
    dpi = img.info.get("dpi", (300, 300))[0]
    w, h = img.width / dpi * 72, img.height / dpi * 72
    canvas.setPageSize((w, h))
    canvas.drawImage(ImageReader(io.BytesIO(pdf_page_jpeg(img))), 0, 0, w, h)
    canvas.showPage()


# --------------------------------------------------------------------------------------------
# Encoding and degradation
# --------------------------------------------------------------------------------------------


def to_png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", **({"dpi": img.info["dpi"]} if "dpi" in img.info else {}))
    return buf.getvalue()


def to_jpeg(img: Image.Image, quality: int = 90, *, orientation: int | None = None) -> bytes:
    """JPEG bytes; with ``orientation``, an EXIF Orientation tag (1-8) that says how to turn the pixels upright."""
    buf = io.BytesIO()
    extra: dict[str, object] = {"dpi": img.info["dpi"]} if "dpi" in img.info else {}
    if orientation is not None:
        exif = Image.Exif()
        exif[EXIF_ORIENTATION_TAG] = orientation
        extra["exif"] = exif
    img.convert("RGB").save(buf, "JPEG", quality=quality, **extra)
    return buf.getvalue()


def to_heic(img: Image.Image, quality: int = 80) -> bytes:
    """HEIC bytes (HEVC in a HEIF container, brand ``heic``), as an iPhone saves its photos."""
    import pillow_heif  # only the HEIC condition needs it

    buf = io.BytesIO()
    pillow_heif.from_pillow(img.convert("RGB")).save(buf, quality=quality)
    return buf.getvalue()


CONDITIONS = ("clean", "scan", "photo", "lowres", "chat")
#: The EXIF tag that says how to turn the stored pixels upright.
EXIF_ORIENTATION_TAG = 0x0112
#: Counter-clockwise turns of the ``rotated`` uploads (by seed), and the EXIF Orientation value that undoes each.
QUARTER_TURNS = (90, 180, 270)
EXIF_ORIENTATION = {90: 6, 180: 3, 270: 8}
#: Long side of a photo forwarded through a chat app, in pixels.
CHAT_SIDE = 1280


def degrade(img: Image.Image, condition: str, seed: int = 0) -> Image.Image:
    """A copy of ``img`` as it would arrive: ``clean``, ``scan``, ``photo``, ``lowres`` or ``chat`` (a phone
    photo shrunk to ``CHAT_SIDE`` pixels on its long side, as chat apps forward it; always RGB)."""
    rng = random.Random(f"degrade:{condition}:{seed}")
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    if condition == "clean":
        return img.convert("RGB")
    if condition == "scan":
        return _scan(img, rng, nrng)
    if condition == "photo":
        return _photo(img, rng, nrng)
    if condition == "lowres":
        dpi = img.info.get("dpi", (300, 300))[0]
        scale = min(1.0, 150 / dpi)
        out = img.convert("RGB").resize((round(img.width * scale), round(img.height * scale)),
                                        Image.Resampling.LANCZOS)
        out.info["dpi"] = (150, 150) if scale < 1 else (dpi, dpi)
        return out
    if condition == "chat":
        photo = _photo(img, rng, nrng)
        scale = min(1.0, CHAT_SIDE / max(photo.size))
        return photo.resize((round(photo.width * scale), round(photo.height * scale)), Image.Resampling.BILINEAR)
    raise ValueError(f"unknown condition {condition!r} ({', '.join(CONDITIONS)})")


def _add_noise(img: Image.Image, nrng: np.random.Generator, sigma: float) -> Image.Image:
    """Grain: the same Gaussian noise added to every channel (luminance noise)."""
    noise = nrng.standard_normal((img.height, img.width), dtype=np.float32) * sigma + 128
    grain = Image.fromarray(noise.clip(0, 255).astype(np.uint8))
    return Image.merge(img.mode, [ImageChops.add(ch, grain, offset=-128) for ch in img.split()])


def _scan(img: Image.Image, rng: random.Random, nrng: np.random.Generator) -> Image.Image:
    grey = img.convert("L").rotate(rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC, expand=True,
                                   fillcolor=252)
    grey = grey.point(lambda v: round(v * 0.96 + 10))  # paper a bit whiter, ink a bit lighter
    out = _add_noise(grey, nrng, 6.0).convert("RGB")
    out.info["dpi"] = img.info.get("dpi", (300, 300))
    return out


def _perspective_coeffs(dst: Sequence[Point], src: Sequence[Point]) -> list[float]:
    """Coefficients for ``Image.transform(PERSPECTIVE)`` mapping output points ``dst`` to input ``src``."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return [float(v) for v in np.linalg.solve(np.array(rows, float), np.array(rhs, float))]


def _photo(img: Image.Image, rng: random.Random, nrng: np.random.Generator) -> Image.Image:
    w, h = img.size
    out_w, out_h = round(w * 1.12), round(h * 1.12)
    theta = math.radians(rng.uniform(-5, 5))
    cx, cy = out_w / 2, out_h / 2
    src = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]
    dst = []
    for x, y in src:
        dx, dy = (x - w / 2) * 0.97, (y - h / 2) * 0.97
        rx, ry = dx * math.cos(theta) - dy * math.sin(theta), dx * math.sin(theta) + dy * math.cos(theta)
        dst.append((cx + rx + rng.uniform(-0.025, 0.025) * w, cy + ry + rng.uniform(-0.025, 0.025) * h))
    desk = (rng.randint(80, 120), rng.randint(68, 100), rng.randint(55, 80))
    warped = img.convert("RGB").transform((out_w, out_h), Image.Transform.PERSPECTIVE,
                                          _perspective_coeffs(dst, src), Image.Resampling.BILINEAR,
                                          fillcolor=desk)
    warped = warped.filter(ImageFilter.GaussianBlur(rng.uniform(0.9, 1.6)))
    light = _light_field(rng, 64, 48).resize(warped.size, Image.Resampling.BILINEAR)
    tint = (1.0, rng.uniform(0.96, 1.0), rng.uniform(0.88, 0.96))
    lit = [ImageChops.multiply(ch, light.point(lambda v, t=t: round(v * t)))
           for ch, t in zip(warped.split(), tint, strict=True)]
    return _add_noise(Image.merge("RGB", lit), nrng, 4.0)


def _light_field(rng: random.Random, w: int, h: int) -> Image.Image:
    """Uneven light on a small grid (255 = full light): a ramp in a random direction, and vignetting."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = xx / (w - 1) - 0.5, yy / (h - 1) - 0.5
    a = rng.uniform(0, 2 * math.pi)
    light = 0.86 + rng.uniform(0.15, 0.3) * (u * math.cos(a) + v * math.sin(a)) - 0.3 * (u**2 + v**2)
    return Image.fromarray((light.clip(0, 1) * 255).astype(np.uint8))


# --------------------------------------------------------------------------------------------
# Uploads: a certificate as a user sends it
# --------------------------------------------------------------------------------------------

#: How a certificate arrives: a PDF with a text layer, an image-only PDF (200 dpi page), a
#: two-page PDF with a cover page and the certificate on page 2 (a text layer for even seeds, a
#: grey 200 dpi scan for odd ones), a clean 300 dpi PNG, a grey scan with skew (JPEG q85), a phone
#: photo (JPEG q60) and a low-resolution 150 dpi PNG. Then as phones send them: a phone photo
#: turned a quarter, half or three-quarter turn (``QUARTER_TURNS`` by seed; JPEG q85) with no EXIF
#: tag (``rotated``: apps strip it) or with the tag that turns it upright (``rotated_exif``); a phone
#: photo forwarded through a chat app (``chat``: long side 1280 px, JPEG q50-60); an iPhone's HEIC; a
#: 12 MP photo of the page lying on a desk (``desk``: tests/scenes.py, JPEG q88); the page shown in
#: an app and screenshotted (``screenshot``: PNG, or JPEG q85 as forwarded for every fourth seed).
UPLOAD_CONDITIONS = ("pdf_text", "pdf_image", "pdf_two_page", "clean", "scan", "photo", "lowres",
                     "rotated", "rotated_exif", "chat", "heic", "desk", "screenshot")


@dataclass(frozen=True)
class Upload:
    """A certificate as uploaded: the file, its suffix, its page count, and the page images
    in it that only OCR can read (encoded as uploaded: the PNG/JPEG file, or the JPEG a PDF embeds;
    for an upload that plain ``tesseract`` cannot read as it is, turned or HEIC, the same pixels
    upright as a JPEG q95)."""

    condition: str
    data: bytes
    suffix: str
    pages: int
    ocr_images: tuple[bytes, ...]


def make_upload(cert: Certificate, condition: str, seed: int = 0, *, layout: str = "table",
                font: str = "zenhei") -> Upload:
    """``cert`` in one of ``UPLOAD_CONDITIONS``; a text layer uses ``font`` if it can (else wqy-zenhei).

    >>> up = make_upload(make_certificate("teacher", 1), "pdf_two_page", seed=1)
    >>> up.suffix, up.pages, len(up.ocr_images)
    ('.pdf', 2, 1)
    """
    pdf_font = font if font in PDF_FONTS else "zenhei"
    if condition == "pdf_text":
        return Upload(condition, render_pdf(cert, layout=layout, font=pdf_font), ".pdf", 1, ())
    if condition in ("pdf_image", "pdf_two_page"):
        two_page = condition == "pdf_two_page"
        if two_page and seed % 2 == 0:
            return Upload(condition, render_pdf(cert, cover_page=True, layout=layout, font=pdf_font), ".pdf", 2, ())
        page = render_image(cert, layout=layout, font=font, dpi=200)
        if two_page:
            page = degrade(page, "scan", seed)
        data = render_pdf(cert, text_layer=False, cover_page=two_page, image=page)
        return Upload(condition, data, ".pdf", 1 + two_page, (pdf_page_jpeg(page),))
    if condition in ("rotated", "rotated_exif", "heic"):
        return _phone_upload(cert, condition, seed, layout=layout, font=font)
    if condition in ("desk", "screenshot"):
        return _scene_upload(cert, condition, seed, layout=layout, font=font)
    image = degrade(render_image(cert, layout=layout, font=font), condition, seed)
    if condition == "chat":
        data = to_jpeg(image, 50 + seed * 7 % 11)
        return Upload(condition, data, ".jpg", 1, (data,))
    if condition in ("scan", "photo"):
        data, suffix = to_jpeg(image, 85 if condition == "scan" else 60), ".jpg"
    else:
        data, suffix = to_png(image), ".png"
    return Upload(condition, data, suffix, 1, (data,))


def _phone_upload(cert: Certificate, condition: str, seed: int, *, layout: str, font: str) -> Upload:
    """A phone photo turned by ``QUARTER_TURNS[seed % 3]`` (``rotated``, ``rotated_exif``) or saved as HEIC."""
    image = degrade(render_image(cert, layout=layout, font=font), "photo", seed)
    upright = to_jpeg(image, 95)
    if condition == "heic":
        return Upload(condition, to_heic(image), ".heic", 1, (upright,))
    turn = QUARTER_TURNS[seed % len(QUARTER_TURNS)]
    orientation = EXIF_ORIENTATION[turn] if condition == "rotated_exif" else None
    data = to_jpeg(image.rotate(turn, expand=True), 85, orientation=orientation)
    return Upload(condition, data, ".jpg", 1, (upright,))


def _scene_upload(cert: Certificate, condition: str, seed: int, *, layout: str, font: str) -> Upload:
    """The page inside a bigger picture (tests/scenes.py): on a desk, or in an app's screenshot."""
    page = render_image(cert, layout=layout, font=font)
    if condition == "desk":
        return Upload(condition, to_jpeg(desk_photo(page, seed).image, 88), ".jpg", 1, (to_jpeg(page, 95),))
    shot = screenshot(page, seed, font=lambda px: _font("zenhei", px))
    shown = to_png(shot.image.crop(shot.page_box))
    if seed % 4 == 3:
        return Upload(condition, to_jpeg(shot.image, 85), ".jpg", 1, (shown,))
    return Upload(condition, to_png(shot.image), ".png", 1, (shown,))


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _write(cert: Certificate, out: Path, args: argparse.Namespace) -> None:
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        data = render_pdf(cert, text_layer=not args.no_text_layer, cover_page=args.cover_page,
                          layout=args.layout, font=args.font if args.font in PDF_FONTS else "zenhei")
    elif suffix in (".png", ".jpg", ".jpeg"):
        img = degrade(render_image(cert, layout=args.layout, font=args.font, dpi=args.dpi), args.condition,
                      args.seed)
        quality = {"photo": 60, "chat": 55}.get(args.condition, 90)
        data = to_png(img) if suffix == ".png" else to_jpeg(img, quality)
    else:
        raise SystemExit(f"unsupported output {out.name!r}: use .pdf, .png or .jpg")
    out.write_bytes(data)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.certificates",
        description="Write a synthetic certificate and print its normalised fields as JSON.")
    parser.add_argument("kind", help="physician_practice, physician_qualification, lawyer_practice, "
                        "teacher_qualification, or doctor/lawyer/teacher")
    parser.add_argument("out", type=Path, help="output file: .pdf, .png or .jpg")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-text-layer", action="store_true", help="PDF: image only (needs OCR)")
    parser.add_argument("--cover-page", action="store_true", help="PDF: unrelated first page")
    parser.add_argument("--layout", choices=LAYOUTS, default="table")
    parser.add_argument("--font", choices=tuple(FONTS), default="zenhei")
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--condition", choices=CONDITIONS, default="clean", help="images only")
    parser.add_argument("--forgery", choices=tuple(FORGERY_TYPES), help="break one registry rule")
    args = parser.parse_args(argv)
    try:
        cert = make_forgery(args.kind, args.forgery, args.seed).cert if args.forgery else make_certificate(
            args.kind, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    _write(cert, args.out, args)
    json.dump(cert.fields, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
