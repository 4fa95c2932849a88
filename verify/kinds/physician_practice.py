"""医师执业证书: its captions, vocabularies and labels (the physicians' words are in
``verify.kinds.physician_qualification``). Sources: docs/registry-rules.md#physician-practice-printed-fields,
docs/registry-rules.md#physician-practice-vocabularies.

>>> KIND.captions["institution"][0], "外科专业" in KIND.vocabularies["scope"]
('主要执业机构', True)
"""

from __future__ import annotations

from verify.domain import CredentialKind
from verify.kinds.certificate import ISSUE_DATE_CAPTIONS, ISSUER_CAPTIONS, NUMBER_CAPTIONS, PERSON_CAPTIONS
from verify.kinds.kind import Domain, Kind
from verify.kinds.physician_qualification import CATEGORY_WORDS, LEVEL_WORDS, SCOPE_WORDS, earned_labels

KIND = Kind(
    kind=CredentialKind.PHYSICIAN_PRACTICE,
    title="医师执业证书",
    number_caption="证书编码",
    # 姓名 性别 出生日期 身份证号 证书编码 医师级别 执业类别 执业范围 执业地点/主要执业机构 发证机关 发证日期
    fields=("name", "gender", "birth_date", "id_number", "number", "level", "category", "scope", "institution",
            "issuer", "issue_date"),
    captions={
        **PERSON_CAPTIONS,
        "number": NUMBER_CAPTIONS,
        "level": ("医师级别", "执业级别", "资格级别"),
        "category": ("执业类别", "执业证类别"),
        "scope": ("执业范围",),
        "institution": ("主要执业机构", "执业机构", "执业地点"),
        "issuer": ISSUER_CAPTIONS,
        "issue_date": ISSUE_DATE_CAPTIONS,
    },
    uncaptured=("医师资格证书编码", "执业机构地址", "审批机构", "审批日期", "变更项目", "变更日期", "批准机关", "备注"),
    vocabularies={"level": LEVEL_WORDS, "category": CATEGORY_WORDS, "scope": SCOPE_WORDS},
    domain=Domain.MEDICAL,
    labels=earned_labels(on_practice=True),
)
