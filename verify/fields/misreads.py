"""A vocabulary word read with one character wrong, or behind a little debris, repaired.

A value read one character away from exactly one word of its field's vocabulary
(``verify.kinds``: ``Kind.vocabularies``) is taken as that word (the text as read stays in
``raw``); anything else is left as read, since unknown values must reach review, not vanish.
"""

from __future__ import annotations

import re
from collections.abc import Collection


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


def snap(value: str, vocabulary: Collection[str]) -> str:
    """The vocabulary word ``value`` was misread from, if exactly one is one edit away.

    >>> from verify.kinds.physician_qualification import LEVEL_WORDS
    >>> snap("热业助理医师", LEVEL_WORDS), snap("牙科", ("临床", "口腔"))
    ('执业助理医师', '牙科')
    """
    if value in vocabulary:
        return value
    near = [word for word in vocabulary if one_edit_apart(value, word)]
    return near[0] if len(near) == 1 else value


#: Where debris ends and a value begins: punctuation and spaces.
_DEBRIS_END = re.compile(r"[\s。.，,:：;；!！|丨“”\"'、_]+")
#: Debris before a value is at most this many characters (one misread caption character, a seal's).
DEBRIS_LENGTH = 2


def snap_after_debris(raw: str, vocabulary: Collection[str]) -> str | None:
    """The vocabulary word at the end of ``raw`` behind a little debris, set off by
    punctuation or a space (``千。妇产科雪业``: the rest of a misread caption, then the value
    with one character misread); ``None`` if there is none, or more than a little debris.

    >>> from verify.kinds.physician_qualification import SCOPE_WORDS
    >>> snap_after_debris("四 汪  妇产科专业", SCOPE_WORDS), snap_after_debris("千。妇产科雪业", SCOPE_WORDS)
    ('妇产科专业', '妇产科专业')
    >>> snap_after_debris("外科专业 内科专业", SCOPE_WORDS) is None
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
