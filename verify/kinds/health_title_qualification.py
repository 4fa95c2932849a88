"""卫生专业技术资格证书 (the national 卫生资格 exam's certificate: 主治医师, 主管护师 ... and 初级 titles).

Its ranks are the 卫生 ladder's 初级 and 中级 (``verify.kinds.title_certificate.LADDERS``); 副高级 and
正高级 are granted by provincial 评审, on a 职称证书. Sources: docs/registry-rules.md#health-title-qualification
(the exam run by the NHC 人才交流服务中心 with 人社部; the 管理号 has no published layout: opaque).

>>> "主治医师" in KIND.vocabularies["rank"], "主任医师" in KIND.vocabularies["rank"]
(True, False)
"""

from __future__ import annotations

from verify.domain import CredentialKind
from verify.kinds.certificate import PERSON_CAPTIONS
from verify.kinds.kind import EarnedLabel, Kind, Vocabulary
from verify.kinds.title_certificate import LABEL_RANKS, LADDERS

#: The grades the exam grants.
EXAM_GRADES = ("初级", "中级")
RANK_WORDS = Vocabulary(tuple(rank for grade in EXAM_GRADES for rank in LADDERS["卫生"][grade]), closed=True,
                        source="docs/registry-rules.md#health-title-qualification")

KIND = Kind(
    kind=CredentialKind.HEALTH_TITLE_QUALIFICATION,
    title="卫生专业技术资格证书",
    number_caption="管理号",
    # 姓名 性别 出生日期 身份证号 专业 资格名称 级别 取得时间 管理号 签发单位 签发日期
    fields=("name", "gender", "birth_date", "id_number", "specialty", "rank", "grade", "approval_date", "number",
            "issuer", "issue_date"),
    captions={
        **PERSON_CAPTIONS,
        "specialty": ("专业", "专业名称"),
        "rank": ("资格名称", "专业技术资格"),
        "grade": ("级别", "资格级别"),
        "approval_date": ("取得时间", "取得日期", "批准日期"),
        "number": ("管理号", "证书管理号", "管理编号"),
        "issuer": ("签发单位", "发证单位", "发证机关"),
        "issue_date": ("签发日期", "发证日期"),
    },
    uncaptured=("卫生专业技术资格证书", "专业技术资格证书", "备注", "证书编号"),
    vocabularies={"rank": RANK_WORDS, "grade": Vocabulary(EXAM_GRADES, closed=True,
                                                          source="docs/registry-rules.md#health-title-qualification")},
    labels=tuple(EarnedLabel(None, rank, rank, domain=LABEL_RANKS[rank][0], domain_word=LABEL_RANKS[rank][1])
                 for rank in RANK_WORDS if rank in LABEL_RANKS),
    opaque_number=True,
    label_field="rank",
)
