"""One Aho-Corasick automaton over every lexicon word, built once per process and shared by threads.

The automaton (pyahocorasick, C) holds the claim words, the words that contain a title but claim
nothing, the split words, the cues and the context words, all in their normalised form; one pass over a field's
normalised text finds every occurrence of each, overlapping ones included. It is built on first
use under a lock (about 10 ms) and never changed afterwards, so concurrent searches are safe.

>>> [(hit.start, hit.end, hit.word) for hit in automaton().hits("张医生说") if hit.claims]
[(1, 3, '医生')]
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass

import ahocorasick

from verify.claims.lexicon import ClaimWord, Context, Cue, Lexicon, NotClaim, Split, load
from verify.claims.normalise import fold

_lock = threading.Lock()
_built: Automaton | None = None


@dataclass(frozen=True)
class Entries:
    """Everything the lexicon says about one normalised word."""

    word: str
    claims: tuple[ClaimWord, ...] = ()
    not_claims: tuple[NotClaim, ...] = ()
    splits: tuple[Split, ...] = ()
    cues: tuple[Cue, ...] = ()
    contexts: tuple[Context, ...] = ()


@dataclass(frozen=True)
class Hit:
    """One occurrence of a lexicon word in a normalised text, ``[start, end)``."""

    start: int
    end: int
    entries: Entries

    @property
    def word(self) -> str:
        return self.entries.word

    @property
    def claims(self) -> tuple[ClaimWord, ...]:
        return self.entries.claims


class Automaton:
    """The lexicon's words in one automaton."""

    def __init__(self, lexicon: Lexicon) -> None:
        grouped: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
        for group, items in (("claims", lexicon.claims), ("not_claims", lexicon.not_claims),
                             ("splits", lexicon.splits), ("cues", lexicon.cues), ("contexts", lexicon.contexts)):
            for item in items:
                word = fold(item.word)  # type: ignore[attr-defined]
                if word:
                    grouped[word][group].append(item)
        self._automaton = ahocorasick.Automaton()
        self._claim_words = ahocorasick.Automaton()  # the fast path's question needs only these
        for word, groups in grouped.items():
            entries = Entries(word, **{group: tuple(items) for group, items in groups.items()})  # type: ignore[arg-type]
            self._automaton.add_word(word, (len(word), bool(entries.claims), entries))
            if entries.claims:
                self._claim_words.add_word(word, True)
        self._automaton.make_automaton()
        self._claim_words.make_automaton()
        self.lexicon = lexicon

    def has_claim(self, text: str) -> bool:
        """Whether any claim word occurs in the normalised ``text`` (the fast path's only question)."""
        for _ in self._claim_words.iter(text):
            return True
        return False

    def hits(self, text: str) -> list[Hit]:
        """Every occurrence of every word in the normalised ``text``, in order of their end."""
        return [Hit(end + 1 - value[0], end + 1, value[2]) for end, value in self._automaton.iter(text)]


def automaton() -> Automaton:
    """The process's automaton over the lexicon, built on first use."""
    global _built
    if _built is None:
        with _lock:
            if _built is None:
                _built = Automaton(load())
    return _built
