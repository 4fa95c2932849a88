"""Closed vocabularies printed on certificates, for repairing one misread character.

Sources: docs/registry-rules.md#physician-practice-vocabularies (医师级别, 执业类别, 执业范围),
docs/registry-rules.md#lawyer-practice-layout (执业证类别), docs/registry-rules.md#teacher-qualification-printed-fields
(资格种类); the 56 民族 of the PRC. A value read one character away from exactly one
word of its vocabulary is taken as that word (the text as read stays in ``raw``);
anything else is left as read, since unknown values must reach review, not vanish.
"""

from __future__ import annotations

import re

from verify.domain import CredentialKind

PHYSICIAN_LEVELS = ("执业医师", "执业助理医师")
PHYSICIAN_CATEGORIES = ("临床", "口腔", "公共卫生", "中医", "中西医结合", "民族医", "蒙医", "藏医", "维医", "傣医")
PHYSICIAN_SCOPES = (
    "内科专业", "外科专业", "妇产科专业", "儿科专业", "眼耳鼻咽喉科专业", "皮肤病与性病专业", "精神卫生专业",
    "职业病专业", "医学影像和放射治疗专业", "医学检验、病理专业", "全科医学专业", "急救医学专业",
    "康复医学专业", "预防保健专业", "特种医学与军事医学专业", "计划生育技术服务专业", "口腔专业",
    "公共卫生类别专业", "中医专业", "中西医结合专业", "蒙医专业", "藏医专业", "维医专业", "傣医专业",
    "省级以上卫生行政部门规定的其他专业",
)
LAWYER_CATEGORIES = (
    "专职律师", "兼职律师", "香港居民律师", "澳门居民律师", "台湾居民律师", "公职律师", "公司律师",
    "法律援助律师", "军队律师",
)
TEACHER_CATEGORIES = (
    "幼儿园教师资格", "小学教师资格", "初级中学教师资格", "高级中学教师资格", "中等职业学校教师资格",
    "中等职业学校实习指导教师资格", "高等学校教师资格",
)
ETHNICITIES = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族",
    "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族",
    "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族",
    "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)

#: (kind, field) -> its vocabulary.
VOCABULARIES: dict[tuple[CredentialKind, str], tuple[str, ...]] = {
    (CredentialKind.PHYSICIAN_PRACTICE, "level"): PHYSICIAN_LEVELS,
    (CredentialKind.PHYSICIAN_PRACTICE, "category"): PHYSICIAN_CATEGORIES,
    (CredentialKind.PHYSICIAN_PRACTICE, "scope"): PHYSICIAN_SCOPES,
    (CredentialKind.PHYSICIAN_QUALIFICATION, "level"): PHYSICIAN_LEVELS,
    (CredentialKind.PHYSICIAN_QUALIFICATION, "category"): PHYSICIAN_CATEGORIES,
    (CredentialKind.LAWYER_PRACTICE, "category"): LAWYER_CATEGORIES,
    (CredentialKind.TEACHER_QUALIFICATION, "category"): TEACHER_CATEGORIES,
    (CredentialKind.TEACHER_QUALIFICATION, "ethnicity"): ETHNICITIES,
}
#: Fields whose vocabulary is the whole of what may be printed: a word outside it is a
#: misreading (or a document for a person to look at), not a value of the field's shape.
#: 执业范围 stays open: provinces may name further scopes.
CLOSED_FIELDS = frozenset({"level", "category", "ethnicity"})


def one_edit_apart(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with exactly one character replaced, added or dropped.

    >>> one_edit_apart("痢床", "临床"), one_edit_apart("执业医", "执业医师"), one_edit_apart("临床", "口腔")
    (True, True, False)
    """
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def snap(value: str, vocabulary: tuple[str, ...]) -> str:
    """The vocabulary word ``value`` was misread from, if exactly one is one edit away.

    >>> snap("热业助理医师", PHYSICIAN_LEVELS), snap("牙科", PHYSICIAN_CATEGORIES)
    ('执业助理医师', '牙科')
    """
    if value in vocabulary:
        return value
    near = [word for word in vocabulary if one_edit_apart(value, word)]
    return near[0] if len(near) == 1 else value


#: Where debris ends and a value begins: punctuation and spaces.
_DEBRIS_END = re.compile(r"[\s。.，,:：;；!！|丨“”\"'、_]+")
#: Debris before a value is at most this many characters (one misread label character, a seal's).
DEBRIS_LENGTH = 2


def snap_after_debris(raw: str, vocabulary: tuple[str, ...]) -> str | None:
    """The vocabulary word at the end of ``raw`` behind a little debris, set off by
    punctuation or a space (``千。妇产科雪业``: the rest of a misread label, then the value
    with one character misread); ``None`` if there is none, or more than a little debris.

    >>> snap_after_debris("四 汪  妇产科专业", PHYSICIAN_SCOPES), snap_after_debris("千。妇产科雪业", PHYSICIAN_SCOPES)
    ('妇产科专业', '妇产科专业')
    >>> snap_after_debris("外科专业 内科专业", PHYSICIAN_SCOPES) is None
    True
    """
    text = raw.strip()
    for separator in _DEBRIS_END.finditer(text):
        head, tail = text[:separator.start()], text[separator.end():]
        if len(_DEBRIS_END.sub("", head)) > DEBRIS_LENGTH:
            return None
        word = snap(tail, vocabulary)
        if word in vocabulary:
            return word
    return None
