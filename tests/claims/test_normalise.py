"""Normalisation: every evasion family folds, and the offset map points at the code points as written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.claims.fold import TABLE
from verify.claims.model import Evasion
from verify.claims.normalise import fold, mapped


@pytest.mark.parametrize(("written", "folded", "evasion"), [
    ("醫生", "医生", Evasion.TRADITIONAL), ("律師", "律师", Evasion.TRADITIONAL), ("敎師", "教师", Evasion.TRADITIONAL),
    ("毉生", "医生", Evasion.VARIANT), ("医⽣", "医生", Evasion.VARIANT),
    ("医.生", "医生", Evasion.SEPARATOR), ("律 师", "律师", Evasion.SEPARATOR), ("医💊生", "医生", Evasion.SEPARATOR),
    ("医\u200b生", "医生", Evasion.INVISIBLE), ("律\u2060师", "律师", Evasion.INVISIBLE),
    ("医\u0336生", "医生", Evasion.INVISIBLE), ("教\ufe0f师", "教师", Evasion.INVISIBLE),
    ("ｄｏｃｔｏｒ", "doctor", Evasion.WIDTH), ("ＬＡＷＹＥＲ", "lawyer", Evasion.WIDTH),
    ("dоctor", "doctor", Evasion.HOMOGLYPH), ("lаwyer", "lawyer", Evasion.HOMOGLYPH),  # Cyrillic о, а
    ("𝐃𝐫", "dr", Evasion.HOMOGLYPH), ("Ⓓⓡ", "dr", Evasion.HOMOGLYPH), ("🅳🆁", "dr", Evasion.HOMOGLYPH),
    ("🇩🇷", "dr", Evasion.HOMOGLYPH), ("ᴅᴏᴄᴛᴏʀ", "doctor", Evasion.HOMOGLYPH), ("㊩生", "医生", Evasion.HOMOGLYPH),
    ("ρrofessor", "professor", Evasion.HOMOGLYPH),  # Greek rho
])
def test_each_evasion_family_folds(written: str, folded: str, evasion: Evasion) -> None:
    assert fold(written) == folded
    result = mapped(written)
    assert result.text == folded
    assert evasion in result.evasions(0, len(folded))
    assert result.span(0, len(folded)) == (0, len(written))


def test_case_and_pinyin_umlaut_fold_without_an_evasion() -> None:
    assert fold("DoCtOr") == "doctor"
    assert fold("lüshi") == fold("lǘshi") == "lvshi"
    assert mapped("lüshi").evasions(0, 5) == ()


def test_sentence_punctuation_and_line_breaks_are_boundaries() -> None:
    assert fold("学医。生活") == "学医\n生活"
    assert fold("医，生") == "医\n生"
    assert fold("医\n生") == "医\n生"


def test_spans_count_code_points_across_surrogate_pairs() -> None:
    written = "😀😀醫👨‍⚕️生😀"  # emoji outside the BMP, a ZWJ sequence inside the word
    result = mapped(written)
    assert result.text == "医生"
    start, end = result.span(0, 2)
    assert written[start:end] == "醫👨‍⚕️生"
    assert (start, end) == (2, 8)
    assert set(result.evasions(0, 2)) == {Evasion.TRADITIONAL, Evasion.SEPARATOR, Evasion.INVISIBLE}


def test_a_span_keeps_the_combining_marks_on_its_last_character() -> None:
    written = "律師\u0336\u0336！"
    result = mapped(written)
    start, end = result.span(0, 2)
    assert written[start:end] == "律師\u0336\u0336"


def test_decomposed_and_accented_letters_fold_to_their_base() -> None:
    assert fold("la\u0301wyer") == "lawyer"
    assert fold("lawyér") == "lawyer"


def test_nfkc_expansions_keep_every_piece_pointing_at_its_source() -> None:
    written = "a⒧b"  # ⒧ is (l): the brackets go, the letter stays
    result = mapped(written)
    assert result.text == "alb"
    assert result.source == (0, 1, 2)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_the_offset_map_agrees_with_the_fast_path(text: str) -> None:
    result = mapped(text)
    assert result.text == text.translate(TABLE) == fold(text)
    assert len(result.source) == len(result.text)
    assert list(result.source) == sorted(result.source)
    for index, source in enumerate(result.source):
        assert 0 <= source < len(text)
        start, end = result.span(index, index + 1)
        assert fold(text[start:end]).startswith(result.text[index]) or result.text[index] in fold(text[start:end])
