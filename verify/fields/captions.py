"""Finding a kind's printed captions (the field names a certificate prints: 姓名, 执业证号 ...) in text.

The captions are the kind's (``verify.kinds``: ``Kind.captions``, the usual one first, and
``Kind.uncaptured``, printed but not extracted); here they are found as printed, letter-spaced,
or with one character misread, and mapped to canonical field names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

import ahocorasick

from verify.domain import CredentialKind
from verify.kinds import DOCUMENTS


@cache
def caption_fields(kind: CredentialKind) -> dict[str, str | None]:
    """Every printed caption of ``kind`` -> its canonical field (``None``: printed, not extracted)."""
    words = DOCUMENTS[kind]
    fields = set(words.fields)
    mapping: dict[str, str | None] = dict.fromkeys((*words.uncaptured, *words.value_phrases))
    for name, synonyms in words.captions.items():
        if name in fields:
            mapping.update(dict.fromkeys(synonyms, name))
    return mapping


def preference(kind: CredentialKind, caption: str) -> int:
    """How preferred a caption is for its field (0 = first synonym, and for captions not extracted)."""
    field = caption_fields(kind).get(caption)
    return DOCUMENTS[kind].captions[field].index(caption) if field else 0


@cache
def _repair_order(kind: CredentialKind) -> tuple[str, ...]:
    """The captions in the order to try when repairing a misread one: extracted fields' usual captions first."""
    fields = caption_fields(kind)
    return tuple(sorted(fields, key=lambda caption: preference(kind, caption) if fields[caption] else 100))


#: What may stand between a caption's characters: nothing or spaces (``姓  名``); a fuzzy match
#: is written solid or evenly letter-spaced (not with one gap inside, which is a column gap:
#: ``执业医师 类别`` is a value and ``类别``, not ``医师级别`` misread).
_SPACING = " \t\u3000"
#: Captions this long or longer are also found with one character misread.
FUZZY_LENGTH = 4
#: Stand-ins in the text the automaton reads: a character no caption holds that may still be a
#: misread caption character (CJK or a mark: ``执业范!`` for ``执业范围``), and one that may not
#: (a letter, a digit, a space other than letter spacing).
_OTHER_MARK, _NEVER = "\ufffc", "\x00"
_NOT_A_MARK = re.compile(r"[\sA-Za-z0-9]+")


class CaptionMatch(NamedTuple):
    """A caption found in a line: the caption it stands for, and where it was printed."""

    caption: str
    start: int
    end: int


class _Window(NamedTuple):
    """What a window of the text without letter spacing may be, by how its characters stood: the rank
    of the first way that matches (exact ways first, longest captions first) and the caption it reads as."""

    length: int
    side_by_side: int | None  # as printed, or with one character misread
    as_printed: int | None  # letter-spaced anyhow
    evenly_spaced: int | None  # with one character misread, each character apart from the next
    caption: str


class _CaptionFinder:
    """Every caption of a kind as printed, letter-spaced or not, then with one character misread
    written solid or evenly letter-spaced; at each position the first way in rank order wins, and
    the next match starts after it: what one regex alternating all of them, longest caption first,
    finds (tests/fields/test_linear_time.py holds it), but that regex tried some 400 alternatives
    at each position, 13 µs a character.

    One Aho-Corasick pass (pyahocorasick, C) over the text without its letter spacing finds every
    window that spells a caption, or a caption with one character replaced by a character a caption
    holds or by the stand-in for any other mark; each hit is then checked against its spacing.
    At most one window per caption length ends at each character, so the work stays linear.
    """

    def __init__(self, kind: CredentialKind) -> None:
        self._inside_values = frozenset(DOCUMENTS[kind].value_phrases)
        captions = sorted(caption_fields(kind), key=len, reverse=True)
        alphabet = sorted(set("".join(captions)))
        assert not _NOT_A_MARK.search("".join(alphabet)) and _OTHER_MARK not in alphabet
        ways: dict[str, list[tuple[int, str]]] = {}  # window -> (rank, spacing) of each way it matches
        for rank, caption in enumerate(captions):
            ways.setdefault(caption, []).append((rank, "any"))
        rank = len(captions)
        for caption in (caption for caption in captions if len(caption) >= FUZZY_LENGTH):
            for i in range(len(caption)):
                for spacing in ("none", "even"):
                    for mark in (*alphabet, _OTHER_MARK):
                        if mark != caption[i]:  # as printed, the exact way matches too, and ranks first
                            ways.setdefault(caption[:i] + mark + caption[i + 1:], []).append((rank, spacing))
                    rank += 1
        self._others = re.compile("[^" + re.escape("".join(alphabet)) + "\\sA-Za-z0-9]+")
        self._automaton = ahocorasick.Automaton()
        for key, found in ways.items():  # a stand-in mismatches every caption as the mark it stands for does
            def best_rank(*spacings: str, found: list[tuple[int, str]] = found) -> int | None:
                return min((rank for rank, spacing in found if spacing in spacings), default=None)

            self._automaton.add_word(key, _Window(len(key), best_rank("any", "none"), best_rank("any"),
                                                  best_rank("even"), canonical_caption(kind, key)))
        self._automaton.make_automaton()

    def find(self, text: str) -> list[CaptionMatch]:
        """Each caption in ``text``, in order."""
        squeezed, kept = _squeeze(text)
        marks = self._others.sub(lambda m: _OTHER_MARK * len(m.group()), squeezed)
        marks = _NOT_A_MARK.sub(lambda m: _NEVER * len(m.group()), marks)
        best: dict[int, tuple[int, int, str]] = {}  # start -> (rank, end, caption) of the first way matching there
        for last, (length, side_by_side, as_printed, evenly_spaced, caption) in self._automaton.iter(marks):
            first = last - length + 1
            start, end = kept[first], kept[last] + 1
            if end - start == length:
                rank = side_by_side
            elif as_printed is not None:
                rank = as_printed
            elif evenly_spaced is not None and all(kept[i + 1] - kept[i] > 1 for i in range(first, last)):
                rank = evenly_spaced
            else:
                continue
            if rank is not None and (start not in best or best[start][0] > rank):
                best[start] = (rank, end, caption)
        found, position = [], 0
        for start, (_, end, caption) in sorted(best.items()):
            if start >= position:
                found.append(CaptionMatch(caption, start, end))
                position = end
        return [match for match in found if match.caption not in self._inside_values]


def _squeeze(text: str) -> tuple[str, Sequence[int]]:
    """``text`` without letter spacing, and where each of its characters stood in ``text``."""
    if not any(space in text for space in _SPACING):
        return text, range(len(text))
    kept = [i for i, ch in enumerate(text) if ch not in _SPACING]
    return "".join(text[i] for i in kept), kept


@cache
def _finder(kind: CredentialKind) -> _CaptionFinder:
    return _CaptionFinder(kind)


def find_captions(kind: CredentialKind, text: str) -> list[CaptionMatch]:
    """The captions of ``kind`` in ``text``, in order (see ``_CaptionFinder``).

    >>> [m.caption for m in find_captions(CredentialKind.TEACHER_QUALIFICATION, "姓  名：张三 发证月期：2015年")]
    ['姓名', '发证日期']
    >>> [m.caption for m in find_captions(CredentialKind.PHYSICIAN_QUALIFICATION, "资格级别 执业医师 类别 临床")]
    ['资格级别', '类别']
    """
    return _finder(kind).find(text)


def has_caption(kind: CredentialKind, text: str) -> bool:
    """Whether ``text`` holds any caption of ``kind`` (see ``find_captions``)."""
    return bool(_finder(kind).find(text))


def canonical_caption(kind: CredentialKind, printed: str) -> str:
    """The caption a match stands for: letter spacing removed, one misread character repaired.

    >>> canonical_caption(CredentialKind.LAWYER_PRACTICE, "持 证 人")
    '持证人'
    >>> canonical_caption(CredentialKind.LAWYER_PRACTICE, "发证月期")
    '发证日期'
    """
    squeezed = re.sub(r"[ \t\u3000]", "", printed)
    captions = caption_fields(kind)
    if squeezed in captions:
        return squeezed
    for caption in _repair_order(kind):
        if len(caption) == len(squeezed) and sum(a != b for a, b in zip(caption, squeezed, strict=True)) == 1:
            return caption
    return squeezed


def distinctive_captions(kind: CredentialKind, among: tuple[CredentialKind, ...]) -> frozenset[str]:
    """Captions of ``kind`` that no other kind in ``among`` prints."""
    others = {caption for other in among if other != kind for caption in caption_fields(other)}
    return frozenset(caption for caption in caption_fields(kind) if caption not in others)
