"""教师资格证书: its captions, its 资格种类 (each earns a label) and the 民族 it prints.

Sources: docs/registry-rules.md#teacher-qualification-layout (资格种类, the number's digit 10: 教师法 / 教师资格条例),
docs/registry-rules.md#teacher-qualification-printed-fields.

>>> CATEGORIES["7"], len(KIND.vocabularies["ethnicity"])
('高等学校教师资格', 56)
"""

from __future__ import annotations

from verify.domain import CredentialKind
from verify.kinds.certificate import ETHNICITIES, ISSUE_DATE_CAPTIONS, ISSUER_CAPTIONS, PERSON_CAPTIONS
from verify.kinds.kind import Domain, EarnedLabel, Kind, Vocabulary

#: 教师资格种类 (the number's digit 10), as printed.
CATEGORIES = {
    "1": "幼儿园教师资格", "2": "小学教师资格", "3": "初级中学教师资格", "4": "高级中学教师资格",
    "5": "中等职业学校教师资格", "6": "中等职业学校实习指导教师资格", "7": "高等学校教师资格",
}
#: Short forms of a 资格种类's stem (without 教师资格) seen on forms and certificates.
CATEGORY_SHORT_FORMS = {
    "幼儿": "幼儿园", "初中": "初级中学", "高中": "高级中学", "中职": "中等职业学校", "高校": "高等学校",
    "中职实习指导": "中等职业学校实习指导",
}

KIND = Kind(
    kind=CredentialKind.TEACHER_QUALIFICATION,
    title="教师资格证书",
    number_caption="证书号码",
    # 姓名 性别 民族 出生日期 身份证件号码 资格种类 任教学科 证书号码 颁发机关 颁发日期
    fields=("name", "gender", "ethnicity", "birth_date", "id_number", "category", "subject", "number", "issuer",
            "issue_date"),
    captions={
        **PERSON_CAPTIONS,
        "id_number": ("身份证件号码", "身份证号码", "身份证号", "公民身份号码", "证件号码"),
        "category": ("资格种类", "教师资格种类", "资格类别"),
        "subject": ("任教学科",),
        "number": ("证书号码", "证书编号", "证书编码", "资格证书号码"),
        "issuer": ISSUER_CAPTIONS,
        "issue_date": ISSUE_DATE_CAPTIONS,
    },
    uncaptured=("备注",),
    vocabularies={
        "category": Vocabulary(tuple(CATEGORIES.values()), closed=True,
                               source="docs/registry-rules.md#teacher-qualification-layout (资格种类)"),
        "ethnicity": ETHNICITIES,
    },
    domain=Domain.EDUCATION,
    labels=tuple(EarnedLabel(None, category, category) for category in CATEGORIES.values()),
)
