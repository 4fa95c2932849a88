"""Normalised text with a map back to the code points as written.

:func:`fold` is the fast path every field takes: one ``str.translate`` with the precomputed
table (C speed, no map). Only a field in which the matcher found a claim word is folded again
by :func:`mapped`, which keeps, for each normalised character, the index of the original code
point it came from. A span ``[i, j)`` of the normalised text is then ``[source[i], source[j-1] + 1)``
of the original, widened over combining marks that sit on its last character.

Offsets are Python ``str`` indices, that is Unicode code points: an emoji outside the BMP (a
surrogate pair in UTF-16 or JSON escapes) is one position, as the API contract counts.

>>> folded = mapped("醫💊生")
>>> folded.text, folded.span(0, 2), folded.evasions(0, 2)
('医生', (0, 3), (<Evasion.TRADITIONAL: 'traditional'>, <Evasion.SEPARATOR: 'separator'>))
>>> mapped("学医\\u0336生").span(1, 2)  # 医 and the strike-through mark on it
(1, 3)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from verify.claims.fold import LOW_LIMIT, LOW_TABLE, TABLE, TAGS
from verify.claims.model import Evasion

_EVASION_ORDER = {evasion: n for n, evasion in enumerate(Evasion)}
_HIGH = chr(LOW_LIMIT)


def fold(text: str) -> str:
    """The normalised text, without an offset map (what the matcher runs on)."""
    if text and max(text) >= _HIGH:  # CJK extensions, tag characters, supplementary variation selectors
        return text.translate(TABLE)
    return text.translate(LOW_TABLE)


@dataclass(frozen=True)
class Mapped:
    """``text`` (equal to ``fold(original)``) and, per character of it, its code point in ``original``."""

    original: str
    text: str
    source: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original code-point span of normalised ``[start, end)``."""
        first, last = self.source[start], self.source[end - 1] + 1
        while last < len(self.original) and unicodedata.category(self.original[last]) in ("Mn", "Me"):
            last += 1
        return first, last

    def evasions(self, start: int, end: int) -> tuple[Evasion, ...]:
        """The evasion families of the original characters behind normalised ``[start, end)``."""
        first, last = self.span(start, end)
        found = {TAGS[ord(char)] for char in self.original[first:last] if ord(char) in TAGS}
        return tuple(sorted(found, key=_EVASION_ORDER.__getitem__))


def mapped(original: str) -> Mapped:
    """Fold ``original`` keeping the offset map (the slow path: a Python loop over its characters)."""
    pieces: list[str] = []
    source: list[int] = []
    get = TABLE.get
    for index, char in enumerate(original):
        folded = get(ord(char))
        if folded is None:
            pieces.append(char)
            source.append(index)
        elif folded:
            pieces.append(folded)
            source.extend([index] * len(folded))
    return Mapped(original, "".join(pieces), tuple(source))
