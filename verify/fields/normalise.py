"""Turn printed or OCR'd field text into canonical values.

Canonical forms (``Kind.fields``): dates ``YYYY-MM-DD``, gender ``男``/``女``,
numbers compacted (no spaces, upper-case letters), words without the spaces OCR puts
between CJK characters. Letter/digit confusions are repaired only inside number
fields (docs/registry-rules.md#reading-numbers), never in names or other words.
"""

from __future__ import annotations

import re
from datetime import date

#: OCR confusions repaired inside digit fields only (S→5, B→8 are too risky).
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "〇": "0", "I": "1", "l": "1", "|": "1", "i": "1"})

#: Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, to their ASCII forms (one C pass).
_HALFWIDTH = {0x3000: " ", **{code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}}

_SPACE = re.compile(r"\s+")
_DATE_PARTS = re.compile(r"(\d{4})\D{1,3}?(\d{1,2})(?:\D{1,3}?(\d{1,2}))?", re.ASCII)
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)


def to_halfwidth(text: str) -> str:
    """Full-width ASCII and the ideographic space to their ASCII forms.

    >>> to_halfwidth("ＡＢＣ１２３：（）\\u3000")
    'ABC123:() '
    """
    return text.translate(_HALFWIDTH)


def squeeze(text: str) -> str:
    """Half-width, without any whitespace, without stray separators at either end.

    >>> squeeze(" 北京市 卫生 健康委员会 。")
    '北京市卫生健康委员会'
    >>> squeeze("：专职律师")
    '专职律师'
    """
    return _SPACE.sub("", to_halfwidth(text)).strip(":;,.、。，；|_-—")


def compact_number(text: str) -> str:
    """A number: letters and digits only, upper-case, digit look-alikes repaired.

    >>> compact_number("33010 6198501 15002x")
    '33010619850115002X'
    >>> compact_number("2O12-33ll0")
    '201233110'
    """
    return re.sub(r"[^0-9A-Z]", "", to_halfwidth(text).translate(_DIGIT_LOOKALIKES).upper())


def compact_lettered_number(text: str) -> str:
    """Like ``compact_number`` but the first character stays a letter (``A2019...``).

    >>> compact_lettered_number("a/2O19 4401 060123")
    'A20194401060123'
    """
    cleaned = re.sub(r"[^0-9A-Za-z|〇]", "", to_halfwidth(text))
    return cleaned[:1].upper() + cleaned[1:].translate(_DIGIT_LOOKALIKES).upper()


def normalise_date(text: str) -> str | None:
    """``YYYY-MM-DD`` (or ``YYYY-MM`` for a printed year and month), ``None`` if not a date.

    >>> normalise_date("2015年3月12日")
    '2015-03-12'
    >>> normalise_date("2015.03.12"), normalise_date("2015/3/12"), normalise_date("2015-03-12")
    ('2015-03-12', '2015-03-12', '2015-03-12')
    >>> normalise_date("２０１５ 年 ０３ 月 １２ 日")
    '2015-03-12'
    >>> normalise_date("20150312"), normalise_date("1985年1月")
    ('2015-03-12', '1985-01')
    >>> normalise_date("2015年2月30日") is None
    True
    """
    cleaned = _SPACE.sub("", to_halfwidth(text)).translate(_DIGIT_LOOKALIKES)
    match = _DATE_PARTS.search(cleaned)
    if match is None or match.group(2) is None:
        match = _DATE_COMPACT.search(cleaned)
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    day = match.group(3)
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, int(day)).isoformat()
    except ValueError:
        return None


def normalise_gender(text: str) -> str | None:
    """``男`` or ``女``; ``None`` when the text names neither (or both).

    >>> normalise_gender(" 女 "), normalise_gender("男性"), normalise_gender("未知")
    ('女', '男', None)
    """
    male, female = "男" in text, "女" in text
    if male == female:
        return None
    return "男" if male else "女"


def normalise_name(text: str) -> str:
    """A person's name: CJK (and the middle dot of transcribed names) without spaces.

    >>> normalise_name(" 张 三 ")
    '张三'
    >>> normalise_name("买买提 • 艾力")
    '买买提·艾力'
    """
    squeezed = re.sub(r"[•・∙]", "·", squeeze(text))
    return squeezed.strip("·")


def id_check_char(first17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character for 17 digits.

    >>> id_check_char("11010519491231002")
    'X'
    """
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def is_id_number(text: str) -> bool:
    """Whether ``text`` is an 18-character resident ID with a correct check character.

    >>> is_id_number("11010519491231002X"), is_id_number("110105194912310021")
    (True, False)
    """
    return bool(re.fullmatch(r"\d{17}[\dX]", text, re.ASCII)) and id_check_char(text[:17]) == text[17]
