"""专业技术职务任职资格证书 / 职称证书: the title ladders, its captions and the ranks that earn a label.

Sources: docs/registry-rules.md#title-certificate-ladders (the ladder of each series: 人社部 and the
ministries' series rules, 中小学 after the 2015 reform), #title-certificate-printed-fields (captions,
as province booklets and the national 职称评审信息查询 name them), #title-certificate-number (no national
layout: the number is opaque).

>>> GRADES["主任医师"], SERIES_OF["教授"], KIND.opaque_number
('正高级', '高等学校教师', True)
>>> [(label.category, label.domain_word) for label in KIND.labels][:2]
[('主任医师', '医疗卫生'), ('副主任医师', '医疗卫生')]
"""

from __future__ import annotations

from verify.domain import CredentialKind
from verify.kinds.certificate import ISSUER_CAPTIONS, PERSON_CAPTIONS
from verify.kinds.kind import DOMAIN_WORDS, Domain, EarnedLabel, Kind, Vocabulary

#: Each series' ranks by 级别 (初级, 中级, 副高级, 正高级), as printed in 资格名称.
LADDERS: dict[str, dict[str, tuple[str, ...]]] = {
    "高等学校教师": {"初级": ("助教",), "中级": ("讲师",), "副高级": ("副教授",), "正高级": ("教授",)},
    "中小学教师": {"初级": ("三级教师", "二级教师"), "中级": ("一级教师",), "副高级": ("高级教师",),
                  "正高级": ("正高级教师",)},
    "卫生": {
        "初级": ("医士", "医师", "护士", "护师", "药士", "药师", "技士", "技师"),
        "中级": ("主治医师", "主治中医师", "主管护师", "主管药师", "主管技师"),
        "副高级": ("副主任医师", "副主任护师", "副主任药师", "副主任技师"),
        "正高级": ("主任医师", "主任护师", "主任药师", "主任技师"),
    },
}
GRADE_WORDS = ("初级", "中级", "副高级", "正高级")
#: 资格名称 -> its 级别, and -> its series.
GRADES = {rank: grade for ladder in LADDERS.values() for grade, ranks in ladder.items() for rank in ranks}
SERIES_OF = {rank: series for series, ladder in LADDERS.items() for ranks in ladder.values() for rank in ranks}
#: The physicians' ranks of the 卫生 series, lowest first (a 中级 or higher one needs 执业医师).
PHYSICIAN_RANKS = ("医士", "医师", "主治医师", "主治中医师", "副主任医师", "主任医师")
#: Ranks at 中级 or above, which only an 执业医师 (not an 执业助理医师) can hold.
SENIOR_PHYSICIAN_RANKS = ("主治医师", "主治中医师", "副主任医师", "主任医师")

#: The word shown before a higher-education rank (``高等教育 · 教授``).
HIGHER_EDUCATION_WORD = "高等教育"
#: The ranks that earn a label, with the domain and the word the label shows for it.
LABEL_RANKS: dict[str, tuple[Domain, str]] = {
    **{rank: (Domain.MEDICAL, DOMAIN_WORDS[Domain.MEDICAL])
       for rank in ("主任医师", "副主任医师", "主治医师", "主治中医师")},
    **{rank: (Domain.EDUCATION, HIGHER_EDUCATION_WORD) for rank in ("教授", "副教授", "讲师")},
    **{rank: (Domain.EDUCATION, DOMAIN_WORDS[Domain.EDUCATION]) for rank in ("正高级教师", "高级教师", "一级教师")},
}

SERIES_WORDS = Vocabulary(tuple(LADDERS), closed=True, source="docs/registry-rules.md#title-certificate-ladders")
RANK_WORDS = Vocabulary(tuple(GRADES), closed=True, source="docs/registry-rules.md#title-certificate-ladders")
GRADE_VOCABULARY = Vocabulary(GRADE_WORDS, closed=True, source="docs/registry-rules.md#title-certificate-ladders")

KIND = Kind(
    kind=CredentialKind.TITLE_CERTIFICATE,
    title="专业技术职务任职资格证书",
    number_caption="证书编号",
    # 姓名 性别 出生日期 身份证号 工作单位 系列 专业 资格名称 级别 评审委员会 批准文号 批准日期 证书编号 发证机关
    # 发证日期
    fields=("name", "gender", "birth_date", "id_number", "institution", "series", "specialty", "rank", "grade",
            "committee", "approval_number", "approval_date", "number", "issuer", "issue_date"),
    captions={
        **PERSON_CAPTIONS,
        "institution": ("工作单位", "单位名称", "在职单位"),
        "series": ("系列", "职称系列", "评审系列"),
        "specialty": ("专业", "专业名称"),
        "rank": ("资格名称", "职称名称", "任职资格"),
        "grade": ("级别", "资格级别", "职称级别"),
        "committee": ("评审委员会", "评委会", "评委会名称"),
        "approval_number": ("批准文号", "任职资格通过文件号", "文件号"),
        "approval_date": ("批准日期", "批准时间", "取得时间", "评审通过时间"),
        "number": ("证书编号", "证书号码", "证书编码"),
        "issuer": ISSUER_CAPTIONS,
        "issue_date": ("发证日期", "颁发日期", "签发日期"),
    },
    # The printed title holds 专业 and 资格: knowing it stops it being read as their captions.
    uncaptured=("专业技术职务任职资格证书", "职称证书", "备注", "主管部门"),
    value_phrases=("专业技术资格评审委员会", "专业技术职务评审委员会"),
    vocabularies={"series": SERIES_WORDS, "rank": RANK_WORDS, "grade": GRADE_VOCABULARY},
    labels=tuple(EarnedLabel(None, rank, rank, domain=domain, domain_word=word)
                 for rank, (domain, word) in LABEL_RANKS.items()),
    opaque_number=True,
    label_field="rank",
)
