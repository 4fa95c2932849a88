"""医师资格证书: its captions, the physicians' levels, categories and 执业范围, and its labels.

The words of both physician kinds live here (a 医师执业证书 prints the same levels and
categories; ``verify.kinds.physician_practice`` reads them). Sources:
docs/registry-rules.md#physician-qualification-layout (the 级别 and 类别 codes of the number: 1/2 and
10-45 CONFIRMED, 3/4 and 46-48 from one source), #physician-qualification-printed-fields (captions),
#physician-practice-vocabularies (执业类别, 医师级别, 执业范围: 原卫生部《关于医师执业注册中执业范围的暂行规定》).

>>> CATEGORIES["41"], FAMILIES["4"], PRACTICE_CATEGORIES["民族医"]
('中医', '中医', '中医')
>>> KIND.labels[0].level, KIND.labels[0].title, KIND.labels[0].scope
('执业医师', '医师资格', '临床')
"""

from __future__ import annotations

from verify.domain import CredentialKind
from verify.kinds.certificate import ISSUE_DATE_CAPTIONS, ISSUER_CAPTIONS, NUMBER_CAPTIONS, PERSON_CAPTIONS
from verify.kinds.kind import Domain, EarnedLabel, Kind, Vocabulary

#: 级别 (a qualification number's digit 7, a practising number's digit 1): 3/4 are the 师承和确有专长 exam codes.
LEVELS = {"1": "执业医师", "2": "执业助理医师", "3": "执业医师", "4": "执业助理医师"}
#: 类别 (a qualification number's digits 8-9, a practising number's digits 2-3).
CATEGORIES = {
    "10": "临床", "20": "口腔", "30": "公共卫生", "41": "中医", "42": "中西医结合", "43": "蒙医",
    "44": "藏医", "45": "维医", "46": "傣医", "47": "朝医", "48": "壮医",
}
#: The 执业类别 of each category code's first digit: 中医 covers 中医, 民族医 and 中西医结合
#: (docs/registry-rules.md#physician-practice-vocabularies).
FAMILIES = {"1": "临床", "2": "口腔", "3": "公共卫生", "4": "中医"}
#: A printed word that names a group of category codes rather than one: 民族医, the ethnic medicines.
GROUPS: dict[str, tuple[str, ...]] = {"民族医": ("43", "44", "45", "46", "47", "48")}
#: 执业类别 as printed on a practising certificate -> the 执业类别 whose 执业范围 it may register (same section).
PRACTICE_CATEGORIES = {
    "临床": "临床", "口腔": "口腔", "公共卫生": "公共卫生", "中医": "中医", "中西医结合": "中医", "民族医": "中医",
}
_OTHER = "省级以上卫生行政部门规定的其他专业"
#: 执业范围 per 执业类别, as the regulation words them.
SCOPES: dict[str, tuple[str, ...]] = {
    "临床": ("内科专业", "外科专业", "妇产科专业", "儿科专业", "眼耳鼻咽喉科专业", "皮肤病与性病专业", "精神卫生专业",
             "职业病专业", "医学影像和放射治疗专业", "医学检验、病理专业", "全科医学专业", "急救医学专业",
             "康复医学专业", "预防保健专业", "特种医学与军事医学专业", "计划生育技术服务专业", _OTHER),
    "口腔": ("口腔专业", _OTHER),
    "公共卫生": ("公共卫生类别专业", _OTHER),
    "中医": ("中医专业", "中西医结合专业", "蒙医专业", "藏医专业", "维医专业", "傣医专业", _OTHER),
}
#: 执业范围 printed in other words than the regulation's, still within their 执业类别.
SCOPE_VARIANTS: dict[str, tuple[str, ...]] = {"公共卫生": ("公共卫生专业",)}

LEVEL_WORDS = Vocabulary(tuple(dict.fromkeys(LEVELS.values())), closed=True,
                         source="docs/registry-rules.md#physician-practice-vocabularies (医师级别)")
CATEGORY_WORDS = Vocabulary(
    tuple(dict.fromkeys((*FAMILIES.values(), *CATEGORIES.values(), *GROUPS))), closed=True,
    source="docs/registry-rules.md#physician-practice-vocabularies (执业类别)",
)
SCOPE_WORDS = Vocabulary(tuple(dict.fromkeys(scope for scopes in SCOPES.values() for scope in scopes)), closed=False,
                         source="docs/registry-rules.md#physician-practice-vocabularies (执业范围)")

#: 医师级别 -> (title on a practising certificate, title on a qualification certificate). A
#: qualification alone grants no practice rights, so its title says 资格, never 执业.
LEVEL_TITLES = {"执业医师": ("执业医师", "医师资格"), "执业助理医师": ("执业助理医师", "助理医师资格")}
#: The categories a physician's label names (in brackets after the title).
LABEL_CATEGORIES = ("临床", "中医", "口腔", "公共卫生")


def earned_labels(on_practice: bool) -> tuple[EarnedLabel, ...]:
    """The labels a physician's certificate earns, per level and category."""
    return tuple(
        EarnedLabel(level, category, titles[0] if on_practice else titles[1], category)
        for level, titles in LEVEL_TITLES.items()
        for category in LABEL_CATEGORIES
    )


KIND = Kind(
    kind=CredentialKind.PHYSICIAN_QUALIFICATION,
    title="医师资格证书",
    number_caption="证书编码",
    # 姓名 性别 出生日期 身份证号 资格级别 类别 毕业学校 证书编码 签发机关 签发日期
    fields=("name", "gender", "birth_date", "id_number", "level", "category", "institution", "number", "issuer",
            "issue_date"),
    captions={
        **PERSON_CAPTIONS,
        "level": ("资格级别", "医师级别", "执业级别"),
        "category": ("类别", "资格类别", "执业类别"),
        "institution": ("毕业学校", "毕业院校"),
        "number": NUMBER_CAPTIONS,
        "issuer": ISSUER_CAPTIONS,
        "issue_date": ISSUE_DATE_CAPTIONS,
    },
    uncaptured=("学历", "专业", "管理号", "备注"),
    vocabularies={"level": LEVEL_WORDS, "category": CATEGORY_WORDS},
    domain=Domain.MEDICAL,
    labels=earned_labels(on_practice=False),
)
