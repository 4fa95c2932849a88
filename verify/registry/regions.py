"""GB/T 2260 administrative division codes, historical, and the province table.

The 6-digit table is python-stdnum's ``stdnum/cn/loc.dat`` (built from the zh.wikipedia
"中华人民共和国行政区划代码" pages; each name carries its ``[start-end]`` years), read once
through ``stdnum.numdb`` into a dict. Province names follow registry-formats.md §7.1.

Region codes in ID numbers are permanent while divisions get renamed and retired, so a code
is *attributable* to a person born in ``year`` when it was in force in that year **or at any
later date** (registry-formats.md §5); only codes retired before ``year``, or never issued,
are rejected. 港澳台居民居住证 numbers use 810000 / 820000 / 830000: valid shape, but
``is_hmt`` lets callers route them to review.

>>> province_name('44')
'广东'
>>> region_name('110229')
'延庆县'
>>> is_attributable('440305', 1960), is_attributable('412723', 2020), is_attributable('999999', 1990)
(True, False, False)
>>> is_hmt('830000'), is_attributable('830000', 1990)
(True, True)
>>> sorted(provinces_in_text('深圳市司法局'))
['44']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from stdnum import numdb

#: Province codes (first two digits) and short names, registry-formats.md §7.1.
PROVINCES: dict[str, str] = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁", "22": "吉林",
    "23": "黑龙江", "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西",
    "37": "山东", "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃",
    "63": "青海", "64": "宁夏", "65": "新疆", "71": "台湾", "81": "香港", "82": "澳门",
}
#: Province prefixes of 港澳台 (71 Taiwan province; 81/82/83 in 港澳台居民居住证 numbers).
HMT_PREFIXES = frozenset({"71", "81", "82", "83"})
#: Region codes of 港澳台居民居住证 numbers (830000 is not a GB/T 2260 code).
HMT_PERMIT_CODES: dict[str, str] = {
    "810000": "香港特别行政区", "820000": "澳门特别行政区", "830000": "台湾地区",
}

_PERIOD = re.compile(r"\[([0-9]*)-([0-9]*)\](.*)")
_NOT_CITY_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


@dataclass(frozen=True)
class Period:
    """A name a code had from ``start`` to ``end`` (inclusive years; ``None`` = open)."""

    start: int | None
    end: int | None
    name: str


def _periods(text: str) -> tuple[Period, ...]:
    periods = []
    for item in text.split(","):
        match = _PERIOD.fullmatch(item)
        if match is None:
            periods.append(Period(None, None, item))
        else:
            start, end, name = match.groups()
            periods.append(Period(int(start) if start else None, int(end) if end else None, name))
    return tuple(periods)


def _codes(low: str, high: str) -> list[str]:
    return [str(n).zfill(len(low)) for n in range(int(low), int(high) + 1)]


def _load() -> dict[str, tuple[Period, ...]]:
    codes: dict[str, tuple[Period, ...]] = {}
    for _, low, high, _, children in numdb.get("cn/loc").prefixes:
        for province in _codes(low, high):
            for _, c_low, c_high, props, _ in children:
                for rest in _codes(c_low, c_high):
                    codes[province + rest] = _periods(props.get("county", ""))
    return codes


#: Loaded at import (about 0.3 s), so a pre-forking server pays it once.
_TABLE = _load()


def table() -> dict[str, tuple[Period, ...]]:
    """Every 6-digit code in ``loc.dat`` with its named periods."""
    return _TABLE


def periods(code: str) -> tuple[Period, ...]:
    """The named periods of a 6-digit code (empty when unknown)."""
    return table().get(code, ())


def exists(code: str) -> bool:
    """Whether the 6-digit code was ever issued (or is a 港澳台居民居住证 prefix)."""
    return code in HMT_PERMIT_CODES or code in table()


def is_attributable(code: str, year: int) -> bool:
    """Whether someone born in ``year`` can carry ``code``: in force then or at any later date."""
    if code in HMT_PERMIT_CODES:
        return True
    return any(p.end is None or p.end >= year for p in periods(code))


def region_name(code: str, year: int | None = None) -> str | None:
    """The name of a 6-digit code in ``year`` (else its latest name); ``None`` when unknown."""
    if code in HMT_PERMIT_CODES:
        return HMT_PERMIT_CODES[code]
    found = periods(code)
    for period in found if year is not None else ():
        if (period.start or 0) <= year <= (period.end or 9999):
            return period.name
    return found[-1].name if found else None


def province_name(code: str) -> str | None:
    """The short name of a 2-digit province code (``None`` when unknown)."""
    return PROVINCES.get(code)


def is_hmt(code: str) -> bool:
    """Whether a code (2 or 6 digits) belongs to 港澳台."""
    return code[:2] in HMT_PREFIXES


@cache
def _place_names() -> tuple[tuple[str, str], ...]:
    """(name, province code) for provinces and prefecture-level cities, longest name first."""
    names = {name: code for code, name in PROVINCES.items()}
    for code, found in table().items():
        if code[2:4] != "00" and code[4:] == "00":
            for period in found:
                name = re.sub(r"(市|地区|盟)$", "", period.name)
                if len(name) >= 2 and period.name not in _NOT_CITY_NAMES:
                    names.setdefault(name, code[:2])
    return tuple(sorted(names.items(), key=lambda item: -len(item[0])))


def provinces_in_text(text: str) -> frozenset[str]:
    """Province codes whose name, or one of whose cities' names, appears in ``text``."""
    return frozenset(code for name, code in _place_names() if name in text)
