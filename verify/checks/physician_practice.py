"""Checks for the 医师执业证书 (docs/registry-rules.md#physician-practice-rules).

FAIL: the number's hard rules (15 digits, serial, province), printed ID number and dates.
WARN: level/category codes and their agreement with the printed 医师级别/执业类别 (code values
UNCONFIRMED), 执业范围 outside the 执业类别's list, 发证机关 naming another region than the number's
authority code, unknown
region codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from verify.checks import common
from verify.checks.common import WARN
from verify.checks.physician_qualification import level_and_category
from verify.domain import Check, Holder
from verify.registry.physician_practice import PhysicianPractice
from verify.registry.resident_id import ResidentId

PARTS = ("format", "serial", "region", "level", "category")

_OTHER = "省级以上卫生行政部门规定的其他"
#: 执业范围 per 执业类别 (原卫生部《关于医师执业注册中执业范围的暂行规定》), without the 专业 suffix.
SCOPES = {
    "临床": ("内科", "外科", "妇产科", "儿科", "眼耳鼻咽喉科", "皮肤病与性病", "精神卫生", "职业病",
             "医学影像和放射治疗", "医学检验、病理", "全科医学", "急救医学", "康复医学", "预防保健",
             "特种医学与军事医学", "计划生育技术服务", _OTHER),
    "口腔": ("口腔", _OTHER),
    "公共卫生": ("公共卫生类别", "公共卫生", _OTHER),
    "中医": ("中医", "中西医结合", "蒙医", "藏医", "维医", "傣医", _OTHER),
}
_FAMILIES = {"临床": "临床", "口腔": "口腔", "公共卫生": "公共卫生", "中医": "中医", "中西医结合": "中医",
             "民族医": "中医"}
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_SEPARATORS = re.compile(r"[\s、，,；;/]")


def scope_in_category(scope: str, category: str) -> bool | None:
    """Whether every 执业范围 item belongs to the printed 执业类别 (``None``: category unknown)."""
    family = _FAMILIES.get(re.sub(r"(\s|类别$)", "", category))
    if family is None:
        return None
    # Brackets are removed only up to the last closing one: beyond it no bracket closes, and from each
    # opening bracket there the search would run to the end (quadratic over a run of them).
    last = max(scope.rfind(")"), scope.rfind("）"))
    rest = (_BRACKETS.sub("", scope[:last + 1]) + scope[last + 1:]).replace("专业", "")
    for label in sorted(SCOPES[family], key=len, reverse=True):
        rest = rest.replace(label, "")
    return not _SEPARATORS.sub("", rest)


def number_facts(number: PhysicianPractice, holder: Holder, today: date) -> list[Check]:
    """The practising number says nothing about the holder."""
    return []


def field_checks(
    fields: Mapping[str, str], number: PhysicianPractice, ident: ResidentId | None,
    holder: Holder, today: date,
) -> list[Check]:
    """Printed fields vs the number and the controlled vocabularies."""
    category = common.text(fields, "category") or ""
    checks = level_and_category(fields, number.level.code, number.category.code)
    checks.append(common.compare(
        "scope.matches_category", fields, "scope", lambda v: scope_in_category(v, category),
        "执业范围 and 执业类别", ("scope", "category"), WARN, needs=("category",)))
    checks += common.issuer_region(fields, number.region.code)
    return checks + common.issue_date(fields, today)[1]
