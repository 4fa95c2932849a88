"""在职证明 (an employer's letter that a person works there): its captions and the 诊疗科目 a label may name.

A letter is the employer's word, stamped with its seal: weak evidence on its own, so a person
always decides (``Kind.approves_alone`` is False). Its number is the employer's 统一社会信用代码.
The form-style letter (caption and value per line) is read; a letter in prose is read only where
it keeps the captions. Sources: docs/registry-rules.md#employment-letter (fields, the employer's
code and type), #clinical-departments (the 诊疗科目 of 《医疗机构诊疗科目名录》, 卫医发〔1994〕第27号).

>>> KIND.captions["issuer"][0], "心血管内科" in CLINICAL_DEPARTMENTS
('出具单位（盖章）', True)
>>> department_word("心血管内科专业"), department_word("党委办公室")
('心血管内科', None)
"""

from __future__ import annotations

import re

from verify.domain import CredentialKind
from verify.kinds.certificate import PERSON_CAPTIONS
from verify.kinds.kind import Kind, Vocabulary
from verify.kinds.title_certificate import RANK_WORDS

#: 诊疗科目 of 《医疗机构诊疗科目名录》 (一级 and the 二级 of 内科, 外科, 妇产科), without 专业/科 suffix variants.
CLINICAL_DEPARTMENTS = (
    "预防保健科", "全科医疗科", "内科", "呼吸内科", "消化内科", "神经内科", "心血管内科", "血液内科", "肾病学",
    "内分泌", "免疫学", "变态反应", "老年病", "外科", "普通外科", "神经外科", "骨科", "泌尿外科", "胸外科",
    "心脏大血管外科", "烧伤科", "整形外科", "妇产科", "妇科", "产科", "计划生育", "优生学", "生殖健康与不孕症",
    "妇女保健科", "儿科", "小儿外科", "儿童保健科", "眼科", "耳鼻咽喉科", "口腔科", "皮肤科", "医疗美容科",
    "精神科", "传染科", "结核病科", "地方病科", "肿瘤科", "急诊医学科", "康复医学科", "运动医学科", "职业病科",
    "临终关怀科", "特种医学与军事医学科", "麻醉科", "疼痛科", "重症医学科", "医学检验科", "病理科", "医学影像科",
    "中医科", "民族医学科", "中西医结合科",
)
_SUFFIX = re.compile(r"(专业|门诊|病区)$")


def department_word(printed: str) -> str | None:
    """The 诊疗科目 a printed 科室 names (``心血管内科专业`` -> ``心血管内科``), or None.

    Only a 诊疗科目 may appear on a label: a 科室 the list does not hold is shown to the
    reviewer, never on the label.
    """
    word = _SUFFIX.sub("", re.sub(r"\s", "", printed))
    return word if word in CLINICAL_DEPARTMENTS else None


KIND = Kind(
    kind=CredentialKind.EMPLOYMENT_LETTER,
    title="在职证明",
    number_caption="统一社会信用代码",
    # 姓名 身份证号 工作单位 统一社会信用代码 所在科室 职务 职称 出具日期 出具单位（盖章）
    fields=("name", "gender", "id_number", "institution", "number", "department", "position", "rank", "issue_date",
            "issuer"),
    captions={
        **PERSON_CAPTIONS,
        "institution": ("工作单位", "单位名称", "用人单位"),
        "number": ("统一社会信用代码", "单位统一社会信用代码", "信用代码"),
        "department": ("所在科室", "所在部门", "所在院系", "科室名称"),
        "position": ("职务", "现任职务", "岗位"),
        "rank": ("职称", "专业技术职务"),
        "issue_date": ("出具日期", "开具日期", "证明日期"),
        # OCR reads the full-width brackets half-width or as 〈: the mixed forms catch those within one misread.
        "issuer": ("出具单位（盖章）", "出具单位（盖章)", "出具单位(盖章)", "单位（盖章）", "出具单位", "盖章单位"),
    },
    uncaptured=("入职时间", "入职日期", "联系电话", "备注"),
    # A letter may name any 职称 (研究员, 工程师 …): the ladders' ranks only repair near misses.
    vocabularies={"rank": Vocabulary(RANK_WORDS.words, closed=False,
                                     source="docs/registry-rules.md#title-certificate-ladders")},
    approves_alone=False,
)
