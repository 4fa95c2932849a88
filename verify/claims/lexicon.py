"""The claim lexicon (``lexicon.toml`` beside this module), read into typed entries once per process.

The TOML file is the reviewable source; docs/claims-lexicon.md explains every entry and its
sources. ``LEXICON_VERSION`` is the file's ``version``: every scan answer carries it, so a
platform can tell which words a stored answer was made with.

>>> lexicon = load()
>>> lexicon.version == LEXICON_VERSION
True
>>> [entry.title for entry in lexicon.claims if entry.word == "主任医师"]
['主任医师']
>>> any(entry.word == "张律" for entry in lexicon.claims)
True
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from verify.claims.model import Evasion
from verify.domain import Profession

SOURCE = Path(__file__).with_name("lexicon.toml")


class Strength(StrEnum):
    """How much a word claims on its own (lexicon.toml explains each)."""

    STRONG = "strong"
    UNCERTAIN = "uncertain"
    CONTEXTUAL = "contextual"


class Effect(StrEnum):
    """What a cue near a claim does to it."""

    DROP = "drop"
    POSSESSIVE = "possessive"
    CAREER = "career"
    FORMER = "former"
    SELF = "self"


@dataclass(frozen=True)
class ClaimWord:
    """A word that presents a title. ``professions`` has several entries only for 主任 (by context)."""

    word: str
    professions: tuple[Profession, ...]
    title: str
    strength: Strength
    rank: bool = False
    review: str | None = None
    evasion: Evasion | None = None
    level: str | None = None
    scope: str | None = None
    after_han: bool = False
    shorthand: bool = False
    upper: bool = False

    @property
    def latin(self) -> bool:
        return self.word.isascii()


@dataclass(frozen=True)
class NotClaim:
    word: str
    reason: str


@dataclass(frozen=True)
class Cue:
    """A word near a claim (``window`` characters before or after it, same clause) that changes it.

    ``fields`` limits it to some fields (None: every field).
    """

    word: str
    effect: Effect
    kind: str
    side: str  # before | after | field
    window: int
    fields: frozenset[str] | None = None


@dataclass(frozen=True)
class Split:
    """A word that ends inside a claim word written after it (学医 in 学医生活): no title there."""

    word: str


@dataclass(frozen=True)
class Context:
    word: str
    profession: Profession


@dataclass(frozen=True)
class Lexicon:
    version: str
    claims: tuple[ClaimWord, ...]
    not_claims: tuple[NotClaim, ...]
    splits: tuple[Split, ...]
    cues: tuple[Cue, ...]
    contexts: tuple[Context, ...]
    surnames: frozenset[str]
    not_after_shorthand: frozenset[str]
    pinyin_surnames: frozenset[str]


def _side(value: str) -> str:
    if value not in ("before", "after", "field"):
        raise ValueError(f"lexicon: a cue's side is before, after or field, not {value!r}")
    return value


def _professions(value: str | list[str]) -> tuple[Profession, ...]:
    return tuple(Profession(v) for v in ([value] if isinstance(value, str) else value))


def _claim_words(entry: dict[str, Any], surnames: str) -> list[ClaimWord]:
    known = {"profession", "title", "strength", "rank", "review", "evasion", "level", "scope", "after_han",
             "shorthand", "upper", "words", "before"}
    unknown = set(entry) - known
    if unknown:
        raise ValueError(f"lexicon: unknown claim keys {sorted(unknown)} in {entry.get('title')}")
    words = list(entry["words"])
    if entry.get("before"):
        words = [q + w for q in entry["before"] for w in words]
    if entry.get("shorthand"):
        words = [s + w for s in surnames for w in words]
    common = {
        "professions": _professions(entry["profession"]), "title": entry["title"],
        "strength": Strength(entry["strength"]), "rank": bool(entry.get("rank", False)), "review": entry.get("review"),
        "evasion": Evasion(entry["evasion"]) if entry.get("evasion") else None, "level": entry.get("level"),
        "scope": entry.get("scope"), "after_han": bool(entry.get("after_han", False)),
        "shorthand": bool(entry.get("shorthand", False)), "upper": bool(entry.get("upper", False)),
    }
    return [ClaimWord(word=word, **common) for word in words]


def parse(data: dict[str, Any]) -> Lexicon:
    """A lexicon from the TOML document's data; ``ValueError`` on an unknown key or value."""
    shorthand = data["shorthand"]
    surnames = shorthand["surnames"]
    claims = [word for entry in data["claim"] for word in _claim_words(entry, surnames)]
    not_claims = [NotClaim(w, entry["reason"]) for entry in data["not_claim"] for w in entry["words"]]
    cues = [Cue(w, Effect(entry["effect"]), entry["kind"], _side(entry["side"]), int(entry["window"]),
                frozenset(entry["fields"]) if "fields" in entry else None)
            for entry in data["cue"] for w in entry["words"]]
    splits = [Split(w) for entry in data["split"] for w in entry["words"]]
    contexts = [Context(w, Profession(entry["profession"])) for entry in data["context"] for w in entry["words"]]
    return Lexicon(
        version=str(data["version"]), claims=tuple(claims), not_claims=tuple(not_claims), splits=tuple(splits),
        cues=tuple(cues),
        contexts=tuple(contexts), surnames=frozenset(surnames), not_after_shorthand=frozenset(shorthand["not_after"]),
        pinyin_surnames=frozenset(shorthand["pinyin_surnames"]),
    )


@cache
def load(path: Path = SOURCE) -> Lexicon:
    """The lexicon in ``path`` (read once per process)."""
    with path.open("rb") as source:
        return parse(tomllib.load(source))


LEXICON_VERSION = load().version
