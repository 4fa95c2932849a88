"""The per-code-point fold table: what each character of an account's text is matched as.

Every code point folds on its own, so an offset map back to the text as written stays exact:

1. hard boundaries (line breaks, 。！？；，、 and ASCII ,;!?) become ``\\n``: a word never spans them;
2. invisible characters (format ``Cf``, combining marks ``Mn``/``Me``, controls, variation
   selectors, Hangul fillers) are deleted;
3. NFKC (full-width ``ｄ``, styled ``𝐃``, circled ``Ⓓ``, ``㊩``, Kangxi radicals ``⽣``; an expansion such
   as ``⒧`` -> ``(l)`` keeps its letters), then ``str.casefold``;
4. traditional to simplified, one character at a time: OpenCC's ``t2s`` table (TSCharacters) applied
   to each character alone, never its phrase table, which could change lengths; then our own
   ``VARIANTS`` for what OpenCC leaves (毉 -> 医);
5. Latin look-alikes: Unicode's confusables (UTS #39, through the ``confusable_homoglyphs`` data)
   limited to targets that are ASCII letters, the enclosed letters NFKC leaves (``🅳``, ``🄳``, regional
   indicators ``🇩``) and accents (``é`` -> ``e``; ``ü`` -> ``v``, as pinyin is typed);
6. what is left that is neither a letter nor a digit (spaces, punctuation, symbols, emoji) is deleted.

``TABLE`` maps code points to their fold (``""`` deletes) for ``str.translate``; code points that
fold to themselves are absent. ``TAGS`` says which evasion family each folded code point belongs to.
The table is built once per process (about 0.3 s).

>>> "醫 生".translate(TABLE), "ＤＯＣＴＯＲ".translate(TABLE), "dоctor".translate(TABLE)
('医生', 'doctor', 'doctor')
>>> "医\\u200b生。律💼师".translate(TABLE)
'医生\\n律师'
>>> TAGS[ord("醫")], TAGS[ord("💊")], TAGS[ord("\\u200b")]
(<Evasion.TRADITIONAL: 'traditional'>, <Evasion.SEPARATOR: 'separator'>, <Evasion.INVISIBLE: 'invisible'>)
"""

from __future__ import annotations

import json
import re
import unicodedata
from importlib import resources

import opencc

from verify.claims.model import Evasion

BOUNDARY = "\n"
#: Characters that end a clause: a claim, a cue and its claim never span one.
BOUNDARIES = frozenset("\n\r\v\f\x85\u2028\u2029。！？；，、,;!?｡､")
#: Characters OpenCC's t2s leaves alone that are still read as a title's character.
VARIANTS = {"毉": "医", "伕": "夫"}
#: Visible-looking blanks people put in names to look empty; none is Cf.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
#: Code-point ranges whose characters can fold to something else (others are kept as they are).
_RANGES = ((0x0000, 0x3400), (0xA000, 0xAC00), (0xD7A4, 0xD800), (0xE000, 0x20000), (0x2F800, 0x2FA20),
           (0xE0000, 0xE01F0))
_T2S_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2A6E0), (0x2A700, 0x2EBF0),
               (0x2F800, 0x2FA20), (0x30000, 0x323B0))
_ENCLOSED_LETTERS = ((0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189), (0x1F1E6, 0x1F1FF))
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Mn", "Me", "Cs", "Co", "Cn"})


def _t2s() -> dict[str, str]:
    """Every CJK character OpenCC's t2s changes, each converted alone (a line each: no phrase spans two)."""
    converter = opencc.OpenCC("t2s")
    chars = [chr(cp) for low, high in _T2S_RANGES for cp in range(low, high)]
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):
        raise RuntimeError("OpenCC t2s changed the number of characters")
    return {source: target for source, target in zip(chars, converted, strict=True)
            if source != target and len(target) == 1}


def _latin_confusables() -> dict[str, str]:
    """Characters confusable with one ASCII letter (UTS #39 data as shipped by confusable_homoglyphs)."""
    data = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))
    found: dict[str, str] = {}
    for source, targets in data.items():
        if len(source) != 1 or source.isascii():
            continue
        letters = [t["c"] for t in targets if len(t["c"]) == 1 and t["c"].isascii() and t["c"].isalpha()]
        if letters:
            found[source] = letters[0].lower()
    return found


def _enclosed() -> dict[str, str]:
    """🄰-🅉, 🅐-🅩, 🅰-🆉 and the regional indicators 🇦-🇿: letters NFKC leaves as they are."""
    return {chr(cp): chr(ord("a") + cp - low) for low, high in _ENCLOSED_LETTERS for cp in range(low, high + 1)}


_LATIN_NAME = re.compile(r"LATIN (?:CAPITAL |SMALL )?LETTER (?:SMALL CAPITAL )?([A-Z])(?: WITH .*)?")


def _accent_free(char: str) -> str:
    """An accented or small-capital Latin letter as its ASCII letter (``é`` -> ``e``, ``ᴅ`` -> ``d``)."""
    if char.isascii():
        return char
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0]
    if base in "uU" and "\u0308" in decomposed:
        return "v"  # ǘ ǚ ǜ: pinyin's ü with a tone mark
    if base.isascii() and base.isalpha():
        return base
    named = _LATIN_NAME.fullmatch(unicodedata.name(char, ""))
    return named.group(1).lower() if named else char


class _Builder:
    def __init__(self) -> None:
        self.t2s = _t2s()
        self.confusables = _latin_confusables()
        self.enclosed = _enclosed()
        self.table: dict[int, str] = {}
        self.tags: dict[int, Evasion] = {}

    def fold_char(self, char: str) -> tuple[str, Evasion | None]:
        """The fold of one character after NFKC: case, script, look-alikes; ``""`` for a separator."""
        tag: Evasion | None = None
        out = []
        for piece in char.casefold():
            if piece in self.t2s:
                piece, tag = self.t2s[piece], Evasion.TRADITIONAL
            if piece in VARIANTS and VARIANTS[piece] != piece:
                piece, tag = VARIANTS[piece], tag or Evasion.VARIANT
            if piece in self.enclosed:
                piece, tag = self.enclosed[piece], Evasion.HOMOGLYPH
            elif not piece.isascii() and piece in self.confusables and not _is_han(piece):
                piece, tag = self.confusables[piece], Evasion.HOMOGLYPH
            elif piece == "ü":
                piece = "v"  # pinyin typed on a keyboard: lüshi -> lvshi; plain pinyin, not an evasion
            else:
                plain = _accent_free(piece)
                if plain != piece:
                    piece, tag = plain, Evasion.HOMOGLYPH
            if piece in BOUNDARIES:
                out.append(BOUNDARY)
            elif piece.isalnum():
                out.append(piece)
        return "".join(out), tag

    def add(self, cp: int) -> None:
        char = chr(cp)
        if char in BOUNDARIES:
            if char != BOUNDARY:
                self.table[cp] = BOUNDARY
            return
        category = unicodedata.category(char)
        if category in _INVISIBLE_CATEGORIES or char in _FILLERS:
            self.table[cp], self.tags[cp] = "", Evasion.INVISIBLE
            return
        normal = unicodedata.normalize("NFKC", char)
        tag = _nfkc_tag(cp) if normal != char else None
        folded_parts = [self.fold_char(piece) for piece in normal]
        folded = "".join(part for part, _ in folded_parts)
        tag = tag or next((part_tag for _, part_tag in folded_parts if part_tag), None)
        if folded == char:
            return
        self.table[cp] = folded
        if folded == "":
            self.tags[cp] = Evasion.SEPARATOR
        elif tag is not None:
            self.tags[cp] = tag

    def build(self) -> tuple[dict[int, str], dict[int, Evasion]]:
        for low, high in _RANGES:
            for cp in range(low, high):
                if not 0xD800 <= cp < 0xE000:
                    self.add(cp)
        for source, target in self.t2s.items():
            cp = ord(source)
            if cp not in self.table:
                self.table[cp], self.tags[cp] = VARIANTS.get(target, target), Evasion.TRADITIONAL
        for source, target in VARIANTS.items():
            if source != target and ord(source) not in self.table:
                self.table[ord(source)], self.tags[ord(source)] = target, Evasion.VARIANT
        return self.table, self.tags


def _is_han(char: str) -> bool:
    return unicodedata.category(char) == "Lo" and "CJK" in unicodedata.name(char, "")


def _nfkc_tag(cp: int) -> Evasion:
    if 0xFF00 <= cp <= 0xFFEF or cp == 0x3000:
        return Evasion.WIDTH
    if 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F or 0x2E80 <= cp <= 0x2FDF:
        return Evasion.VARIANT  # CJK compatibility ideographs, radicals: another form of the same character
    return Evasion.HOMOGLYPH


def is_han(char: str) -> bool:
    """A CJK ideograph (what a Chinese title is written in)."""
    return "\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U000323af" or "\uf900" <= char <= "\ufaff"


TABLE, TAGS = _Builder().build()
#: ``TABLE`` as a list for the code points below ``LOW_LIMIT`` (the BMP and the emoji plane): ``str.translate``
#: indexes a list without the KeyError a dict raises inside it for every unchanged character, which
#: halves the fast path. About 5 MB per process.
LOW_LIMIT = 0x20000
LOW_TABLE: list[int | str] = [TABLE.get(cp, cp) for cp in range(LOW_LIMIT)]
