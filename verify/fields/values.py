"""How each canonical field's text is cleaned, normalised and judged plausible.

``read_value(kind, field, raw)`` returns the normalised value and whether it has the
shape the field must have (a valid date, an ID number with its check character, the
kind's credential-number layout ...). The shape decides between candidates; it is not
a validation of the credential (that is verify.registry's job).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from verify.domain import CredentialKind
from verify.fields.misreads import snap, snap_after_debris
from verify.fields.normalise import (
    compact_lettered_number,
    compact_number,
    is_id_number,
    normalise_date,
    normalise_gender,
    normalise_name,
    squeeze,
)
from verify.kinds import KINDS

#: The credential number's layout per kind (docs/registry-rules.md#summary).
NUMBER_SHAPES: dict[CredentialKind, re.Pattern[str]] = {
    CredentialKind.PHYSICIAN_QUALIFICATION: re.compile(r"\d{9}(?:\d{17}[\dX]|\d{15})", re.ASCII),
    CredentialKind.PHYSICIAN_PRACTICE: re.compile(r"\d{15}", re.ASCII),
    CredentialKind.LAWYER_PRACTICE: re.compile(r"1\d{16}", re.ASCII),
    CredentialKind.TEACHER_QUALIFICATION: re.compile(r"\d{17}", re.ASCII),
    # Opaque numbers (no national layout): read as their letters and digits, 6-30 of them.
    CredentialKind.TITLE_CERTIFICATE: re.compile(r"[0-9A-Z]{6,30}", re.ASCII),
    CredentialKind.HEALTH_TITLE_QUALIFICATION: re.compile(r"[0-9A-Z]{6,30}", re.ASCII),
    # The employer's 统一社会信用代码.
    CredentialKind.EMPLOYMENT_LETTER: re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}", re.ASCII),
}
LEGAL_QUALIFICATION_SHAPE = re.compile(r"[ABC]\d{14}", re.ASCII)
LEGACY_ID_SHAPE = re.compile(r"\d{15}", re.ASCII)

#: Table rules, seal and photo-box debris OCR reads at the edges of a cell.
_EDGE_JUNK = "|丨[]【】()（）「」『』“”\"'`~_—-=:：;；,，.。、\\/"
#: A trailing token of these alone, apart from the value, is debris too ("执业医师 一 _"). Matched at the
#: start of the reversed text: one pass, where the forward ``(?:\s+[...]+)+\s*$`` was tried from every
#: position and took quadratic time over a long run of such tokens.
_LOOSE_JUNK_REVERSED = re.compile(r"\s*(?:[一_\-—~|丨、,，.。;；:'\"\[\]【】\\/]+\s+)+")


@dataclass(frozen=True)
class Reading:
    """A field value as normalised, and whether it has the field's shape."""

    value: str
    plausible: bool


def strip_edges(raw: str) -> str:
    """The text without whitespace and table-rule debris at either end.

    >>> strip_edges("| 张三 丨")
    '张三'
    >>> strip_edges("执业医师 一 _"), strip_edges("王一")
    ('执业医师', '王一')
    """
    junk = _LOOSE_JUNK_REVERSED.match(raw[::-1])
    kept = raw[:len(raw) - junk.end()] if junk else raw
    return kept.strip().strip(_EDGE_JUNK + " \t\u3000").strip()


def core_span(raw: str) -> tuple[int, int]:
    """Where the value proper lies in ``raw``, without the debris ``strip_edges`` removes.

    >>> core_span("| 张三 一")
    (2, 4)
    """
    core = strip_edges(raw)
    start = raw.find(core) if core else -1
    return (start, start + len(core)) if start >= 0 else (0, len(raw))


def is_debris(raw: str) -> bool:
    """Whether ``raw`` holds nothing but debris.

    >>> is_debris(" 一 _ |"), is_debris("女")
    (True, False)
    """
    return not strip_edges(" " + raw) or bool(re.fullmatch(r"[一\s]*", strip_edges(raw)))


def _name(raw: str) -> Reading:
    value = normalise_name(strip_edges(raw))
    return Reading(value, bool(re.fullmatch(r"[\u3400-\u9fff]{2,5}|[\u3400-\u9fff·]{3,20}", value)))


def _gender(raw: str) -> Reading:
    value = normalise_gender(raw)
    return Reading(value or squeeze(raw), value is not None)


def _date(raw: str) -> Reading:
    value = normalise_date(raw)
    return Reading(value or squeeze(raw), value is not None)


def _dated(raw: str) -> Reading:
    """A date every certificate prints with its day: a year and month alone is a partial
    reading (a seal over the day), not a date of this field's shape.

    >>> _dated("2014年08月26日"), _dated("2014年08月")
    (Reading(value='2014-08-26', plausible=True), Reading(value='2014-08', plausible=False))
    """
    reading = _date(raw)
    return Reading(reading.value, reading.plausible and len(reading.value) == len("YYYY-MM-DD"))


def _id_number(raw: str) -> Reading:
    return _shaped(raw, lambda v: is_id_number(v) or bool(LEGACY_ID_SHAPE.fullmatch(v)))


#: What is left of a ``（盖章）`` caption mark OCR read apart from its caption, before the seal's text.
_SEAL_MARK = re.compile(r"^\W*盖章\W*")


def _issuer(raw: str) -> Reading:
    """An issuer's name, without the remains of a ``（盖章）`` mark read before it.

    >>> _issuer("〈盖章):上海市徐汇区中心医院").value, _issuer("浙江省卫生健康委员会").value
    ('上海市徐汇区中心医院', '浙江省卫生健康委员会')
    """
    return _words(_SEAL_MARK.sub("", strip_edges(raw)))


def _words(raw: str) -> Reading:
    value = squeeze(strip_edges(raw))
    return Reading(value, bool(re.search(r"[\u3400-\u9fff]", value)))


def _shaped(raw: str, fits: Callable[[str], bool], compact: Callable[[str], str] = compact_number) -> Reading:
    """Compact a number; a rule (``|``) read at either end counts as debris unless it is a 1."""
    inner = compact(strip_edges(raw))
    if fits(inner):
        return Reading(inner, True)
    whole = compact(raw.strip())
    return Reading(whole, True) if fits(whole) else Reading(inner, False)


#: Digits OCR makes of the class letter that opens a 法律职业资格 number.
CLASS_LETTER_LOOKALIKES = {"4": "A", "8": "B"}


def _legal_qualification(raw: str) -> Reading:
    """A 法律职业资格 number; a digit read where its class letter must stand (``420…``, one
    character too many for 14 digits) is taken for the letter it looks like (``A20…``).

    >>> _legal_qualification("420163502033189"), _legal_qualification("20163502033189")
    (Reading(value='A20163502033189', plausible=True), Reading(value='20163502033189', plausible=False))
    """
    reading = _shaped(raw, lambda v: bool(LEGAL_QUALIFICATION_SHAPE.fullmatch(v)), compact_lettered_number)
    first, rest = reading.value[:1], reading.value[1:]
    repaired = CLASS_LETTER_LOOKALIKES.get(first, first) + rest
    if not reading.plausible and LEGAL_QUALIFICATION_SHAPE.fullmatch(repaired):
        return Reading(repaired, True)
    return reading


def _number_fits(kind: CredentialKind, value: str) -> bool:
    """Whether ``value`` has the kind's number layout, with a correct check character where
    it carries one (the ID number inside a 医师资格证书编码): a misread digit there is caught
    before any reading of it counts for or against another.

    >>> _number_fits(CredentialKind.PHYSICIAN_QUALIFICATION, "201233110330106198501150020")
    True
    >>> _number_fits(CredentialKind.PHYSICIAN_QUALIFICATION, "201233110330106198301150020")
    False
    """
    if not NUMBER_SHAPES[kind].fullmatch(value):
        return False
    embedded = value[9:]
    return kind is not CredentialKind.PHYSICIAN_QUALIFICATION or len(embedded) != 18 or is_id_number(embedded)


def read_value(kind: CredentialKind, field: str, raw: str) -> Reading:
    """Normalise ``raw`` as ``field`` of ``kind``.

    >>> read_value(CredentialKind.PHYSICIAN_PRACTICE, "number", "11O32OOOO126955 |")
    Reading(value='110320000126955', plausible=True)
    >>> read_value(CredentialKind.LAWYER_PRACTICE, "issue_date", "2017年3月15日")
    Reading(value='2017-03-15', plausible=True)
    >>> read_value(CredentialKind.LAWYER_PRACTICE, "name", "贾 洁")
    Reading(value='贾洁', plausible=True)
    >>> read_value(CredentialKind.PHYSICIAN_QUALIFICATION, "category", "痢床")
    Reading(value='临床', plausible=True)
    >>> read_value(CredentialKind.TEACHER_QUALIFICATION, "category", "高级中学教师餐沙")
    Reading(value='高级中学教师餐沙', plausible=False)
    """
    if field == "number":
        return _shaped(raw, lambda v: _number_fits(kind, v))
    if field == "qualification_number":
        return _legal_qualification(raw)
    reading = _READERS.get(field, _words)(raw)
    vocabulary = KINDS[kind].vocabularies.get(field)
    if vocabulary is not None and reading.value:
        word = snap(reading.value, vocabulary)
        if word not in vocabulary:
            word = snap_after_debris(raw, vocabulary) or word
        return Reading(word, reading.plausible and (word in vocabulary or not vocabulary.closed))
    return reading


_READERS: dict[str, Callable[[str], Reading]] = {
    "name": _name,
    "gender": _gender,
    "birth_date": _date,
    "issue_date": _dated,
    "approval_date": _dated,
    "id_number": _id_number,
    "issuer": _issuer,
}
