"""Every pattern over document text takes time linear in its input (issue 13.3).

A job has a time budget; a pattern that backtracks over a long line could spend all of it on
one line. Each test feeds a megabyte of the input worst for one pattern (long runs of what it
matches, then what makes it fail) and allows far more time than the pattern needs: the old
quadratic ones took tens of seconds for 40 kB. ``bench/patterns.py`` prints the figures.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.checks.physician_practice import scope_in_category
from verify.claims.rules import _WORK_TITLE
from verify.domain import CredentialKind, Profession
from verify.fields import detect_kind, extract_fields
from verify.fields.captions import FUZZY_LENGTH, caption_fields, find_captions
from verify.fields.lines import MAX_LINE_CHARS, MAX_PAGE_CHARS, document_lines
from verify.fields.misreads import snap_after_debris
from verify.fields.normalise import compact_number, normalise_date, normalise_name
from verify.fields.recaption import _CAPTION_LIKE
from verify.fields.values import is_debris, read_value, strip_edges
from verify.kinds.physician_qualification import SCOPE_WORDS
from verify.reading import OcrLine, PageText
from verify.reading.ocr import OcrWord
from verify.reading.pdf import _CID
from verify.registry.regions import _AUTHORITY_WORDS, places_in_text

MEGABYTE = 1 << 20
BOUND = 2.0  # CPU seconds for a megabyte: generous (bench/patterns.py: the worst takes a few tenths)
KINDS = (CredentialKind.PHYSICIAN_PRACTICE, CredentialKind.PHYSICIAN_QUALIFICATION,
         CredentialKind.LAWYER_PRACTICE, CredentialKind.TEACHER_QUALIFICATION)


def _repeat(unit: str, tail: str = "") -> str:
    return unit * (MEGABYTE // len(unit)) + tail


def _seconds(work: Callable[[], object]) -> float:
    """The CPU time ``work`` takes (the machine may be busy with other work: wall time would vary more)."""
    started = time.process_time()
    work()
    return time.process_time() - started


#: (what, the work over one worst megabyte): each pattern through the function that runs it.
WORST: list[tuple[str, Callable[[], object]]] = [
    ("values._LOOSE_JUNK: tokens of debris, then a value", lambda: strip_edges(_repeat(" _", "x"))),
    ("values._LOOSE_JUNK: tokens of debris only", lambda: strip_edges(_repeat(" 一"))),
    ("values.is_debris", lambda: is_debris(_repeat(" 一", "_"))),
    ("values.read_value name", lambda: read_value(KINDS[0], "name", _repeat(" |", "张三"))),
    ("values.read_value number", lambda: read_value(KINDS[0], "number", _repeat("1 |"))),
    ("values.read_value issue_date", lambda: read_value(KINDS[0], "issue_date", _repeat("2020年1"))),
    ("values.read_value scope", lambda: read_value(KINDS[0], "scope", _repeat("。内"))),
    ("recaption._CAPTION_LIKE: a long gap, no caption", lambda: list(_CAPTION_LIKE.finditer("a" + _repeat(" ", "a")))),
    ("recaption._CAPTION_LIKE: runs", lambda: list(_CAPTION_LIKE.finditer(_repeat("  执 业 执 业 执 业 执")))),
    ("misreads.snap_after_debris", lambda: snap_after_debris(_repeat("。 "), SCOPE_WORDS)),
    ("normalise.normalise_date", lambda: normalise_date(_repeat("2020年1"))),
    ("normalise.normalise_name", lambda: normalise_name(_repeat("•・"))),
    ("checks.physician_practice._BRACKETS: opening brackets", lambda: scope_in_category(_repeat("（"), "临床")),
    ("registry.regions._AUTHORITY_WORDS", lambda: _AUTHORITY_WORDS.search(_repeat("卫人民政委员"))),
    ("registry.regions.places_in_text (a line's worth: a value is never longer)",
     lambda: places_in_text(_repeat("浙江省杭州")[:MAX_LINE_CHARS])),
    ("reading.pdf._CID", lambda: _CID.sub("", "(cid:" + _repeat("1"))),
    ("claims.rules._WORK_TITLE", lambda: list(_WORK_TITLE.finditer(_repeat("《〈医生")))),
    ("normalise.compact_number", lambda: compact_number(_repeat("１O |"))),
    *[(f"captions.find_captions {kind.value}: {name}", lambda kind=kind, text=text: find_captions(kind, text))
      for kind in KINDS
      for name, text in (("one label character", _repeat("执")), ("half a label", _repeat("执业")),
                         ("letter-spaced", _repeat("执 ")), ("labels", _repeat("执业类别")),
                         ("misread labels", _repeat("执业类!")), ("column gaps", _repeat("姓名  张三  ")))],
]


@pytest.fixture(scope="module", autouse=True)
def _label_finders_built() -> None:
    """Each kind's label finder is built once per process (the job forkserver builds them): not timed."""
    for kind in KINDS:
        find_captions(kind, "")


@pytest.mark.parametrize(("what", "work"), WORST, ids=[what for what, _ in WORST])
def test_a_megabyte_of_the_worst_input_takes_well_under_a_second(what: str, work: Callable[[], object]) -> None:
    assert _seconds(work) < BOUND, what


def _hostile_page(line: str) -> PageText:
    lines = [line] * (MEGABYTE // len(line))
    words = tuple(OcrWord(piece, 0.9, start) for start, piece in ((m.start(), m.group())
                                                                 for m in re.finditer(r"\S+", line)))
    return PageText(0, "\n".join(lines), "ocr", [OcrLine(text, 0.9, words) for text in lines])


#: Lines of about ``MAX_LINE_CHARS`` (longer ones are cut), so that the whole megabyte is read.
HOSTILE_LINES = {
    "debris tokens": "姓名 " + " _" * 990 + "x",
    "labels and values": "姓名 张三 性别 男 " * 180,
    "a long gap": "执业范围" + " " * 1990 + "内科",
    "numbers and dates": "1 2 3 4 5 6 2020年1月1日 " * 80,
    "label-like runs": "  执 业 执 业 执 业 执 业 执" * 60,
    "brackets": "执业范围 " + "（" * 1990,
}


@pytest.mark.parametrize("line", HOSTILE_LINES.values(), ids=HOSTILE_LINES.keys())
@pytest.mark.parametrize("kind", KINDS, ids=[kind.value for kind in KINDS])
def test_the_field_extractor_reads_a_megabyte_of_hostile_lines_in_well_under_a_second(
    kind: CredentialKind, line: str
) -> None:
    page = _hostile_page(line)
    assert _seconds(lambda: extract_fields(kind, [page])) < BOUND
    assert _seconds(lambda: detect_kind([page], Profession.DOCTOR)) < BOUND


def test_a_line_or_page_longer_than_any_certificate_prints_is_cut() -> None:
    long = "姓名：张三" + "　" * 5000 + "性别：男"
    page = PageText(0, long, "text", [OcrLine(long)])
    [line] = document_lines([page])
    assert len(line.text) == MAX_LINE_CHARS and line.text.startswith("姓名：张三")
    assert extract_fields(CredentialKind.PHYSICIAN_PRACTICE, [page]).values() == {"name": "张三"}
    flood = "\n".join(["备注：无" + "　" * 1990] * 100 + ["姓名：张三"])
    assert sum(len(line.text) for line in document_lines([PageText(0, flood, "text")])) == MAX_PAGE_CHARS
    assert extract_fields(CredentialKind.PHYSICIAN_PRACTICE, [PageText(0, flood, "text")]).values() == {}


# --- the label finder finds what one regex alternating every way of printing a label finds ---------------

def _reference(kind: CredentialKind) -> re.Pattern[str]:
    """The regex the label finder replaced (about 400 alternatives tried at each position: too slow)."""
    spacing, any_mark = "[ \t\u3000]*", "[^\\sA-Za-z0-9]"
    labels = sorted(caption_fields(kind), key=len, reverse=True)
    exact = [spacing.join(map(re.escape, label)) for label in labels]
    fuzzy = [joint.join(any_mark if i == j else re.escape(ch) for j, ch in enumerate(label))
             for label in labels if len(label) >= FUZZY_LENGTH for i in range(len(label))
             for joint in ("", "[ \t\u3000]+")]
    return re.compile("|".join(exact + fuzzy))


def _alphabet(kind: CredentialKind) -> str:
    return "".join(sorted(set("".join(caption_fields(kind))))) + "  \t\u3000\n:：!张三12Ab\x00\ufffc"


@pytest.mark.parametrize("kind", KINDS, ids=[kind.value for kind in KINDS])
def test_the_label_finder_agrees_with_the_regex_on_random_text(kind: CredentialKind) -> None:
    reference, rng, labels = _reference(kind), random.Random(13), sorted(caption_fields(kind))
    alphabet = _alphabet(kind)
    for _ in range(3000):
        pieces = []
        for _ in range(rng.randint(1, 6)):
            label = list(rng.choice(labels))
            if rng.random() < 0.5:
                label[rng.randrange(len(label))] = rng.choice(alphabet)
            joint = rng.choice(["", "", " ", "  ", "\u3000"])
            pieces.append(joint.join(label) + "".join(rng.choices(alphabet, k=rng.randint(0, 4))))
        text = "".join(pieces)
        expected = [(m.start(), m.end()) for m in reference.finditer(text)]
        assert [(m.start, m.end) for m in find_captions(kind, text)] == expected, text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_alphabet(CredentialKind.PHYSICIAN_PRACTICE), max_size=60))
def test_the_label_finder_agrees_with_the_regex_on_any_text(text: str) -> None:
    kind = CredentialKind.PHYSICIAN_PRACTICE
    assert [(m.start, m.end) for m in find_captions(kind, text)] == [
        (m.start(), m.end()) for m in _reference(kind).finditer(text)]
