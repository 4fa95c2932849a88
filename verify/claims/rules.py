"""From the words found in one field to its candidate claims: the rules around each claim word.

A claim word's occurrence becomes a candidate unless

- it lies inside a word that claims nothing (律师函, 教师节, 老师傅, 兽医师 ...), or its first character
  ends a word before it (学医生活 is 学医 + 生活);
- it is inside the title of a work, 《实习医生格蕾》;
- a cue in the same clause says it is about someone else or denied (听医生说, 医生老公, 我老公是律师,
  我不是医生, 想当老师, 三位律师, 我的班主任 but not 我的医生生涯): ``drop`` and ``possessive`` cues;
  ``former`` cues (退休, 前, 曾任) mark it, ``self`` cues (我是, 身为) mark it too;
- it is written in Latin letters and is not a word of its own: a letter on either side ends it
  (``doctorate``, ``drake``), unless the case changes (``DrWang``) or the letters beside it are a
  surname in pinyin (``wanglvshi``, ``drzhang``); letters spread out by spaces count only one by
  one (``l a w y e r``), two-letter words must be written together (``MD``, ``Dr``), and a word
  followed by a dot and a domain ending is a web address (``prof.ai``, ``doctor.com``);
- it is initials (``ys``, ``ls``) not right after a Han character (王ys);
- it is the lawyer shorthand (张律) not at the start of a word, or followed by a character that makes
  it an ordinary word (张律师 is found as 律师; 严于律己 is not 于律).

Overlapping candidates keep the strongest, then the longest (主任医师 over 医师, 数学老师 over 老师).
Context and coverage are decided for the whole account in :mod:`verify.claims.scan`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from verify.claims.fold import BOUNDARY, TABLE, is_han
from verify.claims.lexicon import ClaimWord, Effect, Lexicon, Strength
from verify.claims.matcher import Hit
from verify.claims.model import Evasion, Field
from verify.claims.normalise import Mapped

_STRENGTH_ORDER = {Strength.STRONG: 2, Strength.UNCERTAIN: 1, Strength.CONTEXTUAL: 0}
_EVASION_ORDER = {evasion: n for n, evasion in enumerate(Evasion)}
_SHORTHAND_AFTER = frozenset("是叫")
_WORK_TITLE = re.compile(r"《[^《》\n]*》|〈[^〈〉\n]*〉")
_WEB_ADDRESS = re.compile(r"\.(?:com|cn|net|org|ai|io|co|me|cc|top|app|edu|gov|info|xyz|tv|hk|tw)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """A claim word that survived the rules of its field; offsets are in the field's normalised text."""

    word: ClaimWord
    field: Field
    start: int
    end: int
    original: tuple[int, int]
    text: str
    evasions: tuple[Evasion, ...]
    former: bool = False
    self_reference: bool = False


def _latin_letter(char: str) -> bool:
    folded = TABLE.get(ord(char), char)
    return bool(folded) and folded.isascii() and folded.isalpha()


def _case_break(left: str, right: str) -> bool:
    return (left.islower() and right.isupper()) or (left.isupper() and right.islower())


def _letter_run(text: str, index: int, step: int) -> str:
    run = []
    while 0 <= index < len(text) and _latin_letter(text[index]):
        run.append(TABLE.get(ord(text[index]), text[index]))
        index += step
    return "".join(run[::step])


def _latin_word_ok(word: ClaimWord, mapped: Mapped, first: int, last: int, lexicon: Lexicon) -> bool:
    """Whether Latin letters ``original[first:last]`` stand as a word of their own (see the module doc)."""
    text = mapped.original
    runs, current = [], 0
    spaced = False
    for char in text[first:last]:
        if _latin_letter(char):
            current += 1
        else:
            spaced = spaced or char.isspace()
            if current:
                runs.append(current)
            current = 0
    runs.append(current)
    if len(runs) > 1 and (len(word.word) <= 2 or (spaced and max(runs) > 1)):
        return False
    if word.after_han:
        return last == len(text) or not _latin_letter(text[last])
    glued_before = (first > 0 and _latin_letter(text[first - 1]) and not _case_break(text[first - 1], text[first])
                    and _letter_run(text, first - 1, -1) not in lexicon.pinyin_surnames)
    glued_after = (last < len(text) and _latin_letter(text[last]) and not _case_break(text[last - 1], text[last])
                   and _letter_run(text, last, 1) not in lexicon.pinyin_surnames)
    return not (glued_before or glued_after)


def _shorthand_ok(lexicon: Lexicon, mapped: Mapped, start: int, end: int, first: int) -> bool:
    """张律: the surname starts a word, and the next character does not make 律 part of another word."""
    if end < len(mapped.text) and mapped.text[end] in lexicon.not_after_shorthand:
        return False
    if first == 0:
        return True
    before = TABLE.get(ord(mapped.original[first - 1]), mapped.original[first - 1])
    return before in ("", BOUNDARY) or not is_han(before[-1]) or before in _SHORTHAND_AFTER


def _case_evasion(text: str) -> bool:
    letters = [char for char in text if char.isascii() and char.isalpha()]
    if len(letters) < 2:
        return False
    rest = "".join(letters[1:])
    return not (rest.islower() or "".join(letters).isupper())


def _same_clause(text: str, start: int, end: int) -> bool:
    return BOUNDARY not in text[start:end]


def _cue_marks(hits: list[Hit], field: Field, text: str, start: int, end: int) -> tuple[bool, bool, bool]:
    """(dropped, former, self-reference) from the cues around ``[start, end)`` in its clause."""
    dropped = former = self_reference = possessive = career = False
    for hit in hits:
        for cue in hit.entries.cues:
            if cue.fields is not None and field.value not in cue.fields:
                continue
            if cue.side == "before":
                near = hit.end <= start and start - hit.end <= cue.window and _same_clause(text, hit.end, start)
            elif cue.side == "after":
                near = hit.start >= end and hit.start - end <= cue.window and _same_clause(text, end, hit.start)
            else:
                near = hit.end <= start or end <= hit.start
            if not near:
                continue
            if cue.effect is Effect.DROP:
                dropped = True
            elif cue.effect is Effect.POSSESSIVE:
                possessive = True
            elif cue.effect is Effect.CAREER:
                career = True
            elif cue.effect is Effect.FORMER:
                former = True
            else:
                self_reference = True
    return dropped or (possessive and not career), former, self_reference


def _not_a_title(hits: list[Hit], start: int, end: int) -> bool:
    """Inside a word that claims nothing, or split by a word that ends inside it."""
    return any((hit.entries.not_claims and hit.start <= start and end <= hit.end)
               or (hit.entries.splits and hit.start < start < hit.end <= end) for hit in hits)


def _in_work_title(original: str, first: int, last: int) -> bool:
    return "《" in original and any(m.start() < first and last < m.end() for m in _WORK_TITLE.finditer(original))


def _word_ok(word: ClaimWord, lexicon: Lexicon, mapped: Mapped, start: int, end: int,
             first: int, last: int) -> bool:
    if word.after_han and (start == 0 or not is_han(mapped.text[start - 1])):
        return False
    if word.latin:
        if word.upper and not mapped.original[first:last].replace(".", "").isupper():
            return False
        if _WEB_ADDRESS.match(mapped.original, last):
            return False
        return _latin_word_ok(word, mapped, first, last, lexicon)
    if word.shorthand:
        return _shorthand_ok(lexicon, mapped, start, end, first)
    return True


def candidates(field: Field, mapped: Mapped, hits: list[Hit], lexicon: Lexicon) -> list[Candidate]:
    """The field's candidate claims, overlaps resolved."""
    found: list[Candidate] = []
    blockers = [hit for hit in hits if hit.entries.not_claims or hit.entries.splits]
    cues = [hit for hit in hits if hit.entries.cues]
    for hit in hits:
        if not hit.claims or _not_a_title(blockers, hit.start, hit.end):
            continue
        first, last = mapped.span(hit.start, hit.end)
        dropped, former, self_reference = _cue_marks(cues, field, mapped.text, hit.start, hit.end)
        if dropped or _in_work_title(mapped.original, first, last):
            continue
        text = mapped.original[first:last]
        evasions = set(mapped.evasions(hit.start, hit.end))
        if _case_evasion(text):
            evasions.add(Evasion.CASE)
        for word in hit.claims:
            if not _word_ok(word, lexicon, mapped, hit.start, hit.end, first, last):
                continue
            marks = evasions | {word.evasion} if word.evasion else evasions
            found.append(Candidate(word, field, hit.start, hit.end, (first, last), text,
                                   tuple(sorted(marks, key=_EVASION_ORDER.__getitem__)), former, self_reference))
    return _resolve_overlaps(found)


def _resolve_overlaps(found: list[Candidate]) -> list[Candidate]:
    ranked = sorted(found, key=lambda c: (-_STRENGTH_ORDER[c.word.strength], -(c.end - c.start), c.start))
    kept: list[Candidate] = []
    for candidate in ranked:
        if all(candidate.end <= other.start or other.end <= candidate.start for other in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda c: c.start)
