"""Checks for the 在职证明 (docs/registry-rules.md#employment-letter-rules).

FAIL: the employer's 统一社会信用代码 (GB 32100: check character, 部门/类别 pair ...); the seal's text
(the 落款 printed with it) differing from the employer's name; 出具日期 in the future.
WARN: an employer whose code is of another type than 事业单位 (``12``) or 民办非企业单位 (``52``), the
types public and private non-profit hospitals and universities are registered as (a company may run
a hospital too: a person looks); a letter older than ``MAX_AGE_DAYS``.
The letter never approves on its own (``Kind.approves_alone``): these checks are for the reviewer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from verify.checks import common
from verify.checks.common import WARN
from verify.domain import Check, Holder
from verify.registry.resident_id import ResidentId
from verify.registry.uscc import Uscc

PARTS = ("format", "checksum", "category", "region", "org_code")
#: The employer types (机构类别, the code's first two characters) hospitals and universities usually have.
EMPLOYER_TYPES = ("12", "52")
#: A letter older than this is stale (a policy choice: about six months).
MAX_AGE_DAYS = 183
_NOT_CJK = re.compile(r"[^\u3400-\u9fff]")


def same_organisation(a: str, b: str) -> bool:
    """Two printed organisation names are the same, apart from spaces, marks and a ``（盖章）`` read with them.

    >>> same_organisation("浙江大学医学院附属第一医院（盖章）", "浙江大学医学院附属第一医院")
    True
    >>> same_organisation("〈盖章)”中南大学", "中南大学"), same_organisation("中南大学分院", "中南大学")
    (True, False)
    """
    return _NOT_CJK.sub("", a).replace("盖章", "") == _NOT_CJK.sub("", b).replace("盖章", "")


def seal_names(seal: str, employer: str) -> bool | None:
    """Whether the seal's text names the employer; ``None`` when it cannot be a seal's text alone: a
    seal holds no digits, so a reading with a date or a number in it ran into the lines around the
    seal (its value is doubtful, and a person compares them).

    >>> seal_names("成都市第三人民医院", "成都市第三人民医院"), seal_names("成都市第二人民医院", "成都市第三人民医院")
    (True, False)
    >>> seal_names("成都市第三人民医院2025年11月29日主任医师", "成都市第三人民医院") is None
    True
    """
    if any(char.isdigit() for char in seal):
        return None
    return same_organisation(seal, employer)


def number_facts(number: Uscc, holder: Holder, today: date) -> list[Check]:
    """The employer's type, from its code."""
    usual = number.org_type.code in EMPLOYER_TYPES
    return [common.check("number.employer_type", common.PASS if usual else WARN,
                         f"The employer is registered as {number.org_type.name}.", ("number",))]


def field_checks(
    fields: Mapping[str, str], number: Uscc, ident: ResidentId | None, holder: Holder, today: date,
) -> list[Check]:
    """The seal's text vs the employer; the letter's date."""
    employer = common.text(fields, "institution") or ""
    checks = [common.Comparison("issuer.matches_institution", "The seal's text and 工作单位",
                                ("issuer", "institution")).compare(fields, lambda v: seal_names(v, employer))]
    issued, dated = common.issue_date(fields, today)
    checks += dated
    if issued is not None and issued <= today:
        fresh = (today - issued).days <= MAX_AGE_DAYS
        checks.append(common.check("issue_date.recent", common.PASS if fresh else WARN,
                                   f"The letter is {'not ' if fresh else ''}older than {MAX_AGE_DAYS} days.",
                                   ("issue_date",)))
    return checks
