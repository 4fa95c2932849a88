"""律师执业证: its captions, its 执业证类别 and the labels they earn.

Sources: docs/registry-rules.md#lawyer-practice-layout (执业证类别, the number's digit 10: the 司法部 rule text),
docs/registry-rules.md#lawyer-practice-printed-fields (captions). 港澳台居民律师 and 军队律师 earn no
label (nor does a category a person must look at); the label names the category as printed.

>>> CATEGORIES["1"], KIND.labels[0].title
('专职律师', '专职律师')
"""

from __future__ import annotations

from verify.domain import CredentialKind
from verify.kinds.certificate import ISSUE_DATE_CAPTIONS, ISSUER_CAPTIONS, PERSON_CAPTIONS
from verify.kinds.kind import Domain, EarnedLabel, Kind, Vocabulary

#: 执业证类别 (the number's digit 10).
CATEGORIES = {
    "1": "专职律师", "2": "兼职律师", "3": "香港居民律师", "4": "澳门居民律师", "5": "台湾居民律师",
    "6": "公职律师", "7": "公司律师", "8": "法律援助律师", "9": "军队律师",
}
#: The categories that earn a label.
LABEL_CATEGORIES = ("专职律师", "兼职律师", "公职律师", "公司律师", "法律援助律师")

KIND = Kind(
    kind=CredentialKind.LAWYER_PRACTICE,
    title="律师执业证",
    number_caption="执业证号",
    # 持证人 性别 身份证号 执业机构 执业证类别 执业证号 法律职业资格或律师资格证号 发证机关 发证日期
    fields=("name", "gender", "id_number", "institution", "category", "number", "qualification_number", "issuer",
            "issue_date"),
    captions={
        **PERSON_CAPTIONS,
        "name": ("持证人", "姓名", "持证人姓名"),
        "institution": ("执业机构",),
        "category": ("执业证类别", "执业类别"),
        "number": ("执业证号", "执业证书编号", "执业证书号", "证书编号", "证书号码"),
        "qualification_number": (
            "法律职业资格或律师资格证号", "法律职业资格证号", "法律职业资格证书编号", "律师资格证号", "资格证号",
        ),
        "issuer": ISSUER_CAPTIONS,
        "issue_date": ISSUE_DATE_CAPTIONS,
    },
    uncaptured=("流水号", "备注"),
    vocabularies={"category": Vocabulary(tuple(CATEGORIES.values()), closed=True,
                                         source="docs/registry-rules.md#lawyer-practice-layout (执业证类别)")},
    domain=Domain.LEGAL,
    labels=tuple(EarnedLabel(None, category, category) for category in LABEL_CATEGORIES),
)
