"""Checks for the 卫生专业技术资格证书 (docs/registry-rules.md#health-title-qualification).

FAIL: 级别 against the ladder of 资格名称; a 资格名称 the exam does not grant (副高级, 正高级 or
another series: those are 评审 titles, on a 职称证书); 取得时间 in the future or after 签发日期.
WARN: a 签发单位 naming neither the human-resources nor the health administration.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from verify.checks import common
from verify.checks.common import WARN
from verify.checks.title_certificate import dates, rank_checks
from verify.domain import Check, Holder
from verify.kinds.health_title_qualification import RANK_WORDS
from verify.kinds.title_certificate import GRADES
from verify.registry.opaque import OpaqueNumber
from verify.registry.resident_id import ResidentId

PARTS = ("format",)
#: Words every 签发单位 of the exam holds one of (人力资源和社会保障部, 原人事部, 国家卫生健康委员会, 原卫生部).
ISSUER_WORDS = ("人力资源", "人事", "卫生")


def number_facts(number: OpaqueNumber, holder: Holder, today: date) -> list[Check]:
    """An opaque number says nothing about the holder."""
    return []


def field_checks(
    fields: Mapping[str, str], number: OpaqueNumber, ident: ResidentId | None, holder: Holder, today: date,
) -> list[Check]:
    """Printed fields vs the exam's ranks and the dates."""
    checks = rank_checks(fields)
    rank = common.text(fields, "rank")
    if rank in GRADES:
        checks.append(common.agree("rank.granted_by_exam", rank in RANK_WORDS,
                                   ("资格名称 is an exam title.", "资格名称 is not granted by the 卫生资格 exam."),
                                   ("rank",)))
    checks.append(common.Comparison("issuer.national", ("签发单位 is a national exam authority.",
                                                        "签发单位 names no national exam authority."),
                                    ("issuer",), WARN).compare(fields, lambda v: any(w in v for w in ISSUER_WORDS)))
    return checks + dates(fields, today)[1]
