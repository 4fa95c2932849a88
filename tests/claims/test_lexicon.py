"""The lexicon: its words are in normalised form, its version is set, the documentation lists every word."""

from __future__ import annotations

import tomllib
from pathlib import Path

from verify.claims.lexicon import LEXICON_VERSION, SOURCE, load
from verify.claims.normalise import fold

DOC = Path(__file__).resolve().parents[2] / "docs" / "claims-lexicon.md"


def test_every_word_is_written_as_it_is_matched() -> None:
    lexicon = load()
    groups = (lexicon.claims, lexicon.not_claims, lexicon.splits, lexicon.cues, lexicon.contexts)
    for group in groups:
        for entry in group:
            assert fold(entry.word) == entry.word, entry


def test_the_version_is_set_and_in_the_documentation() -> None:
    assert LEXICON_VERSION
    assert f"version {LEXICON_VERSION}" in DOC.read_text("utf-8").lower()


def test_the_documentation_names_every_claim_word_and_non_claim() -> None:
    doc = DOC.read_text("utf-8")
    data = tomllib.loads(SOURCE.read_text("utf-8"))
    words = {w for entry in data["claim"] if not entry.get("shorthand") for w in entry["words"]}
    words |= {w for entry in data["claim"] for w in entry.get("before", ())}
    words |= {w for entry in data["not_claim"] for w in entry["words"]}
    assert sorted(word for word in words if word not in doc) == []
