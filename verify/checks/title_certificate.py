"""Checks for the 职称证书 (docs/registry-rules.md#title-certificate-rules).

FAIL: 级别 and 系列 against the ladder of the printed 资格名称 (the ladders are the series' rules);
批准日期 in the future or after 发证日期.
WARN: a 资格名称 in no ladder; a 副高级/正高级 title whose 评审委员会 is not a 高级 committee (the
committees' names are seen in one source only); the holder under 22 in the year of 批准日期.
PASS only: the number starting with the year of 批准日期 (the number is opaque: a number that does
not start with it says nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from verify.checks import common, person
from verify.checks.common import WARN
from verify.domain import Check, Holder
from verify.kinds.title_certificate import GRADES, SERIES_OF
from verify.registry.opaque import OpaqueNumber, leading_year
from verify.registry.resident_id import ResidentId

PARTS = ("format",)
MIN_AGE = 22
SENIOR_GRADES = ("副高级", "正高级")


def number_facts(number: OpaqueNumber, holder: Holder, today: date) -> list[Check]:
    """An opaque number says nothing about the holder."""
    return []


def rank_checks(fields: Mapping[str, str]) -> list[Check]:
    """资格名称 known, and 级别 (where printed) the rank's grade on its ladder."""
    rank = common.text(fields, "rank")
    if rank is None:
        return [common.missing("rank.known", "rank")]
    if rank not in GRADES:
        return [common.check("rank.known", WARN, "资格名称 is in no title ladder we know.", ("rank",))]
    checks = [common.check("rank.known", common.PASS, "资格名称 is on a title ladder.", ("rank",))]
    if common.text(fields, "grade") is not None:
        checks.append(common.Comparison("grade.matches_rank", "级别 and the ladder grade of 资格名称",
                                        ("grade", "rank")).compare(fields, lambda v: v == GRADES[rank]))
    return checks


def dates(fields: Mapping[str, str], today: date) -> tuple[date | None, list[Check]]:
    """批准日期 (or 取得时间) not in the future and not after 发证日期 (both FAIL)."""
    read = common.printed_date(common.text(fields, "approval_date") or "")
    approved = read[0] if read else None
    rule = common.Comparison("approval_date.not_future",
                             ("批准日期 is not in the future.", "批准日期 is in the future."), ("approval_date",))
    checks = [rule.compare(fields, lambda v: approved <= today if approved else None)]
    issued, dated = common.issue_date(fields, today)
    checks += dated
    if approved is not None and issued is not None:
        checks.append(common.agree("approval_date.not_after_issue", approved <= issued,
                                   ("批准日期 is not after 发证日期.", "批准日期 is after 发证日期."),
                                   ("approval_date", "issue_date")))
    return approved, checks


def field_checks(
    fields: Mapping[str, str], number: OpaqueNumber, ident: ResidentId | None, holder: Holder, today: date,
) -> list[Check]:
    """Printed fields vs the ladders, the dates and the number's digits."""
    checks = rank_checks(fields)
    rank = common.text(fields, "rank") or ""
    if rank in SERIES_OF and common.text(fields, "series") is not None:
        checks.append(common.Comparison("series.matches_rank", "系列 and the series of 资格名称", ("series", "rank"))
                      .compare(fields, lambda v: v.removesuffix("系列") == SERIES_OF[rank]))
    if GRADES.get(rank) in SENIOR_GRADES:
        checks.append(common.Comparison(
            "committee.matches_grade",
            ("评审委员会 is a 高级 committee.", "评审委员会 is not named as a 高级 committee."),
            ("committee", "rank"), WARN).compare(fields, lambda v: "高级" in v or "正高" in v))
    approved, dated = dates(fields, today)
    checks += dated
    year = leading_year(number.digits)
    if approved is not None and year == approved.year:
        checks.append(common.check("number.year_matches_approval", common.PASS,
                                   "证书编号 starts with the year of 批准日期.", ("number", "approval_date")))
    if approved is not None and ident is not None:
        checks += person.age_plausible(approved.year, ident.birth_date, MIN_AGE, ("approval_date", "id_number"),
                                       WARN)
    return checks
