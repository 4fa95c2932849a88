"""GB/T 2260 administrative division codes, historical, and the province table.

The 6-digit table is python-stdnum's ``stdnum/cn/loc.dat`` (built from the zh.wikipedia
"中华人民共和国行政区划代码" pages; each name carries its ``[start-end]`` years), read once
through ``stdnum.numdb`` into a dict. Province names follow
docs/registry-rules.md#region-codes.

Region codes in ID numbers are permanent while divisions get renamed and retired, so a code
is *attributable* to a person born in ``year`` when it was in force in that year **or at any
later date** (docs/registry-rules.md#resident-id-number); only codes retired before ``year``, or never issued,
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
>>> within('4403', '深圳市司法局')
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from stdnum import numdb

#: Province codes (first two digits) and short names, docs/registry-rules.md#region-codes.
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


#: Names shared by many divisions that say nothing about where (市辖区 of every city ...).
_GENERIC_NAMES = frozenset({"市辖区", "县", "郊区", "市区", "城区", "矿区", "市中区", "省直辖县级行政单位",
                            "省直辖县级行政区划", "自治区直辖县级行政区划"})
#: Where an issuing authority's name stops naming a place (卫生健康委员会, 司法厅, 教育局 ...).
_AUTHORITY_WORDS = re.compile(r"卫生|卫健|司法|教育|人力资源|人民政府|政府|委员会|行政|管理")
_SUFFIX = re.compile(r"(省|市|地区|盟|自治州|特别行政区|(壮族|回族|维吾尔)?自治区)$")


def _prefix(code: str) -> str:
    """A 6-digit code as the prefix it stands for: ``330000`` -> ``33``, ``330100`` -> ``3301``."""
    if code.endswith("0000"):
        return code[:2]
    return code[:4] if code.endswith("00") else code


@cache
def _place_index() -> dict[str, frozenset[str]]:
    """Every name a division has had -> the code prefixes it named (see ``_prefix``).

    Provinces and prefecture-level divisions also go by their name without its suffix
    (浙江, 杭州); counties only by their full name (西湖区 is in 杭州 and in 南昌).
    """
    index: dict[str, set[str]] = {}

    def add(name: str, prefix: str) -> None:
        if len(name) >= 2 and name not in _GENERIC_NAMES:
            index.setdefault(name, set()).add(prefix)

    for code, name in PROVINCES.items():
        add(name, code)
    for code, found in table().items():
        prefix = _prefix(code)
        for period in found:
            add(period.name, prefix)
            if len(prefix) < 6:
                add(_SUFFIX.sub("", period.name), prefix)
    return {name: frozenset(prefixes) for name, prefixes in index.items()}


def places_in_text(text: str) -> list[frozenset[str]]:
    """The places an issuing authority's name names, each as the code prefixes it may be.

    Only the part before the authority's own words (卫生健康委员会, 司法厅 ...) is read, the
    longest name first at each position.

    >>> [sorted(place) for place in places_in_text("浙江省杭州市西湖区卫生健康局")]
    [['33'], ['3301'], ['330106', '360103']]
    >>> places_in_text("国家卫生健康委员会")
    []
    """
    cut = _AUTHORITY_WORDS.search(text)
    head = text[:cut.start()] if cut else text
    index = _place_index()
    longest = max(map(len, index))
    places, position = [], 0
    while position < len(head):
        for size in range(min(longest, len(head) - position), 1, -1):
            found = index.get(head[position:position + size])
            if found is not None:
                places.append(found)
                position += size
                break
        else:
            position += 1
    return places


def within(code: str, text: str) -> bool | None:
    """Whether every place an authority's name names agrees with ``code`` (a division code or prefix).

    Two prefixes agree when the shorter begins the longer (a province's authority issues for
    its counties; a county's number may be issued by its city). ``None`` when the text names
    no place we know (a national body, or an unreadable name).

    >>> within("330106", "杭州市西湖区卫生健康局"), within("330106", "成都市武侯区卫生健康局")
    (True, False)
    >>> within("330102", "杭州市西湖区卫生健康局"), within("33", "浙江大学"), within("44", "国家卫生健康委员会")
    (False, True, None)
    """
    ours = _prefix(code) if len(code) == 6 else code
    places = places_in_text(text)
    if not places:
        return None
    return all(any(ours.startswith(p) or p.startswith(ours) for p in place) for place in places)
