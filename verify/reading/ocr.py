"""OCR engines: Tesseract (chi_sim) for real, a null engine and a failing fake for tests.

Every engine turns an RGB page image into an ``OcrPage``: its text (CJK without the
spaces chi_sim puts between characters, one line per printed line) and its lines
with the word confidences they were built from, so a field's confidence can be taken
from exactly the words it came from. Failures are our own errors: ``OcrTimeout``,
``OcrUnavailable`` (no binary, no language data) and ``ParseError``.
"""

from __future__ import annotations

import bisect
import os
import statistics
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np
import tesserocr
from PIL import Image

from verify.config import Settings
from verify.errors import OcrTimeout, OcrUnavailable, ParseError
from verify.reading.prepare import binarise, binarise_and_clean, is_colourless, straighten
from verify.reading.unread import Box, unread_pieces


@dataclass(frozen=True)
class OcrWord:
    """A recognised word, its confidence (0..1), where it starts in its line's text and
    its box (left, top, right, bottom) in the page image the engine read, if known."""

    text: str
    confidence: float
    start: int
    box: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class OcrLine:
    """One printed line: its text and mean word confidence (0..1; 1.0 for a text layer)."""

    text: str
    confidence: float = 1.0
    words: tuple[OcrWord, ...] = ()

    def box_of(self, start: int, end: int) -> tuple[int, int, int, int] | None:
        """The box around the words overlapping ``text[start:end]``; ``None`` without boxes.

        >>> words = (OcrWord("姓名", 0.9, 0, (0, 0, 80, 40)), OcrWord("张三", 0.6, 3, (200, 2, 280, 42)))
        >>> OcrLine("姓名 张三", 0.75, words).box_of(3, 5)
        (200, 2, 280, 42)
        """
        boxes = [w.box for w in self._overlapping(start, end)]
        if not boxes or None in boxes:
            return None
        lefts, tops, rights, bottoms = zip(*boxes, strict=True)  # type: ignore[misc]
        return min(lefts), min(tops), max(rights), max(bottoms)

    def confidence_of(self, start: int, end: int) -> float:
        """The lowest confidence of the words overlapping ``text[start:end]``.

        >>> line = OcrLine("姓名 张三", 0.9, (OcrWord("姓名", 0.95, 0), OcrWord("张三", 0.6, 3)))
        >>> line.confidence_of(3, 5)
        0.6
        >>> OcrLine("text layer").confidence_of(0, 4)
        1.0
        """
        overlapping = [w.confidence for w in self._overlapping(start, end)]
        return min(overlapping) if overlapping else self.confidence

    def _overlapping(self, start: int, end: int) -> Sequence[OcrWord]:
        """The words overlapping ``text[start:end]``: found by bisection when the words stand in order,
        each after the last (as the engines make them), so a line's values cost no more than its length."""
        if self._word_ends is None:
            return [w for w in self.words if w.start < end and w.start + len(w.text) > start]
        return self.words[bisect.bisect_right(self._word_ends, start):bisect.bisect_left(self._word_starts, end)]

    @cached_property
    def _word_starts(self) -> list[int]:
        return [w.start for w in self.words]

    @cached_property
    def _word_ends(self) -> list[int] | None:
        """Where each word ends, if every word begins after the one before has ended; else ``None``."""
        ends = [w.start + len(w.text) for w in self.words]
        ordered = all(ends[i] <= self.words[i + 1].start for i in range(len(ends) - 1))
        return ends if ordered else None


@dataclass(frozen=True)
class OcrPage:
    """What an engine read from one page, and the (prepared) image its word boxes refer to."""

    text: str
    lines: list[OcrLine]
    image: Image.Image | None = None


class LineReader(Protocol):
    """Reads one cropped line of text (only characters of ``charset``, unless it is empty)."""

    name: str

    def read_line(self, image: Image.Image, *, charset: str = "", timeout: float = 5.0) -> OcrLine: ...

    def load(self) -> None:
        """Load the models now rather than on first use (the job forkserver does, see verify.jobs.warm)."""


class OcrEngine(Protocol):
    """Reads one page image within ``timeout`` seconds; says whether it can (health check).

    ``rereaders`` read a doubtful field again from its region of the page image the
    engine read (``OcrPage.image``); see verify.fields.reread.
    """

    name: str
    rereaders: Sequence[LineReader]

    def read(self, image: Image.Image, *, timeout: float) -> OcrPage: ...

    def check_available(self) -> bool: ...

    def load(self) -> None:
        """Load the models (and the re-readers' models) now rather than on first use."""


def is_cjk(char: str) -> bool:
    """CJK ideographs and CJK/full-width punctuation (no spaces belong next to them).

    >>> is_cjk("张"), is_cjk("："), is_cjk("A")
    (True, True, False)
    """
    code = ord(char)
    return 0x3000 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF


def join_words(
    words: Sequence[tuple[str, int, int, int]], gap: float = 0.8, column_gap: float = 2.5
) -> tuple[str, list[int]]:
    """Join ``(text, left, width, height)`` words into a line and each word's start offset.

    chi_sim reports most CJK characters as words of their own: close words are glued.
    A gap wider than ``gap`` × the line's median word height (or any gap between two
    Latin/digit words) becomes a space; one wider than ``column_gap`` × that height
    becomes two spaces, marking a new column (the next table cell, a photo box).

    >>> join_words([("姓", 0, 40, 40), ("名", 48, 40, 40), ("张", 200, 40, 40), ("三", 245, 40, 40)])
    ('姓名  张三', [0, 1, 4, 5])
    >>> join_words([("No.", 0, 60, 40), ("12", 75, 40, 40), ("医", 130, 40, 40)])
    ('No. 12医', [0, 4, 6])
    """
    if not words:
        return "", []
    height = statistics.median(h for _, _, _, h in words)
    text, starts = "", []
    previous_end: int | None = None
    for word, left, width, _ in words:
        if previous_end is not None:
            space = left - previous_end
            if space > column_gap * height:
                text += "  "
            elif space > gap * height or not (is_cjk(text[-1]) or is_cjk(word[0])):
                text += " "
        starts.append(len(text))
        text += word
        previous_end = left + width
    return text, starts


def page_from_data(data: Mapping[str, Sequence[object]]) -> OcrPage:
    """Build an ``OcrPage`` from Tesseract's word table (columns as in its TSV output;
    without a ``top`` column the words have no boxes)."""
    grouped: dict[tuple[int, int, int, int], list[tuple[str, int, int, int, float, int | None]]] = {}
    for i, raw in enumerate(data["text"]):
        word = str(raw).strip()
        confidence = float(str(data["conf"][i]))
        if not word or confidence < 0:
            continue
        key = tuple(int(str(data[k][i])) for k in ("page_num", "block_num", "par_num", "line_num"))
        left, width, height = (int(str(data[k][i])) for k in ("left", "width", "height"))
        top = int(str(data["top"][i])) if "top" in data else None
        grouped.setdefault(key, []).append((word, left, width, height, confidence / 100, top))  # type: ignore[arg-type]
    lines = []
    for key in sorted(grouped):
        words = sorted(grouped[key], key=lambda w: w[1])
        text, starts = join_words([w[:4] for w in words])
        confidences = [w[4] for w in words]
        lines.append(
            OcrLine(
                text,
                sum(confidences) / len(confidences),
                tuple(
                    OcrWord(w[0], w[4], s, None if w[5] is None else (w[1], w[5], w[1] + w[2], w[5] + w[3]))
                    for w, s in zip(words, starts, strict=True)
                ),
            )
        )
    return OcrPage("\n".join(line.text for line in lines), lines)


_LINE = 7


def limit_openmp_threads() -> None:
    """One OpenMP thread for Tesseract in this process and every process it starts (``OMP_THREAD_LIMIT=1``).

    Called once at start-up (``create_app``), before a reading process or the job forkserver starts:
    OpenMP reads the variable when Tesseract's library loads, so setting it later changes nothing there.
    """
    os.environ["OMP_THREAD_LIMIT"] = "1"


class TesseractEngine:
    """Tesseract in this process through tesserocr, one page per call.

    The language model loads once per process and engine settings (0.2 s; the
    ``tesseract`` command loads it on every call) and is kept, behind a lock, for later
    pages and re-read lines. ``tessdata`` is the language data's directory (``VERIFY_TESSDATA_DIR``).
    Run it with ``OMP_THREAD_LIMIT=1`` (OpenMP threads made a page 4x slower on 2 cores; ``create_app``
    sets it once at start-up, see :func:`limit_openmp_threads`); parallelise with processes.
    A model loaded before ``fork`` is shared copy-on-write with the child.
    """

    name = "tesseract"

    def __init__(
        self,
        lang: str = "chi_sim",
        psm: int = 6,
        *,
        tessdata: str = Settings.tessdata_dir,
        prepare: bool = True,
        rereaders: Sequence[LineReader] = (),
        fallback: OcrEngine | None = None,
    ) -> None:
        self.lang, self.psm, self.tessdata, self.prepare = lang, psm, tessdata, prepare
        self.rereaders, self.fallback = rereaders, fallback

    def check_available(self) -> bool:
        """Whether the language data for ``lang`` is there (cached per data dir and language)."""
        return _has_languages(self.tessdata, self.lang)

    def load(self) -> None:
        _api(self.tessdata, self.lang)
        for reader in self.rereaders:
            reader.load()
        if self.fallback is not None:
            self.fallback.load()

    def read(self, image: Image.Image, *, timeout: float) -> OcrPage:
        """OCR one page; raises ``OcrTimeout``, ``OcrUnavailable`` or ``ParseError``.

        With ``prepare`` the page is straightened and binarised first (verify.reading.prepare);
        the page's ``image`` is then the straightened grey page (a grey seal painted over),
        which the word boxes refer to (a recogniser reads grey better than binarised ink). Then the first
        re-reader reads the ink Tesseract returned no words for (verify.reading.unread). A page
        Tesseract reads poorly (``page_confidence`` below ``FALLBACK_CONFIDENCE``: a blurred or
        chat-compressed photo) is read again, whole, by the ``fallback`` engine, whose reading is kept.
        """
        grey, ink = image, image
        if self.prepare:
            ink, grey = binarise_and_clean(straighten(image), colourless=is_colourless(image))
        page = page_from_tsv(self._recognise(ink, self.psm, "", timeout))
        if self.fallback is not None and page_confidence(page) < FALLBACK_CONFIDENCE:
            return self.fallback.read(image, timeout=timeout)
        if self.prepare and self.rereaders:
            page = read_unread_ink(page, grey, np.asarray(ink) == 0, self.rereaders[0], timeout=timeout)
        return OcrPage(page.text, page.lines, grey)

    def read_line(self, image: Image.Image, *, charset: str = "", timeout: float = 5.0) -> OcrLine:
        """Re-read one cropped line (grey) as a single line (psm 7), only ``charset`` if given."""
        ink = binarise(image.convert("L"), colourless=False)
        page = page_from_tsv(self._recognise(ink, _LINE, charset, timeout))
        if not page.lines:
            return OcrLine("", 0.0)
        words = [word for line in page.lines for word in line.words]
        text = "  ".join(line.text for line in page.lines)
        return OcrLine(text, min(line.confidence for line in page.lines), tuple(words))

    def _recognise(self, image: Image.Image, psm: int, whitelist: str, timeout: float) -> str:
        api, lock = _api(self.tessdata, self.lang)
        with lock:
            try:
                api.SetPageSegMode(psm)
                api.SetVariable("tessedit_char_whitelist", whitelist)
                api.SetImage(image)
                if not api.Recognize(timeout=max(1, int(timeout * 1000))):
                    raise OcrTimeout()
                return api.GetTSVText(0)
            except RuntimeError as exc:
                raise ParseError("Text recognition failed on this page.") from exc
            finally:
                api.Clear()


# Fixed, not settings: both were tuned together on bench/reading.py's corpus (scan, photo and two-page PDF
# layouts: the headline fields' exact match rose from 84 to 99 %) and are part of what reading *is*, like
# the extractor's patterns; an operator has no reason to trade them, and changing one needs that bench again.
#: A page whose characters Tesseract read at a lower mean confidence goes to the fallback engine
#: (PP-OCR). Clean, scanned and 150 dpi pages of the corpus read at 0.81-0.93; blurred desk photos and
#: chat-forwarded JPEGs that Tesseract misread at 0.41-0.8, and PP-OCR read those right.
FALLBACK_CONFIDENCE = 0.8
#: Pieces of unread ink read per page at most (the largest first), to bound the time spent.
UNREAD_PIECES = 12
#: A reading of unread ink below this confidence is dropped.
UNREAD_CONFIDENCE = 0.6


def page_confidence(page: OcrPage) -> float:
    """The mean confidence of a page's characters (each line's confidence weighed by its length; 0 when empty).

    >>> page_confidence(OcrPage("", [OcrLine("姓名张三", 0.9), OcrLine("男", 0.3)]))
    0.78
    """
    chars = sum(len(line.text) for line in page.lines)
    return sum(line.confidence * len(line.text) for line in page.lines) / chars if chars else 0.0


def read_unread_ink(page: OcrPage, grey: Image.Image, ink: np.ndarray, reader: LineReader, *,
                    timeout: float = 5.0) -> OcrPage:
    """``page`` with the ink outside its lines read by ``reader`` (crops of ``grey``) and
    added to the line at its height, or as a new line. ``page`` as it is when its words
    have no boxes or the reader is unavailable.

    Whole lines (first word to last) count as read: Tesseract's boxes of words inside a
    line can be narrower than their ink, and re-reading what sticks out duplicated characters.
    """
    words = [word for line in page.lines for word in line.words]
    if any(word.box is None for word in words):
        return page
    spans = [line.box_of(0, len(line.text)) for line in page.lines]
    found: list[tuple[str, float, Box]] = []
    try:
        for left, top, right, bottom in unread_pieces(ink, [s for s in spans if s is not None])[:UNREAD_PIECES]:
            pad = (bottom - top) // 4  # and twice that left and right: the recogniser wants a margin
            crop = grey.crop((max(0, left - 2 * pad), max(0, top - pad), right + 2 * pad, bottom + pad))
            line = reader.read_line(crop, timeout=timeout)
            text = line.text.strip()
            if text and line.confidence >= UNREAD_CONFIDENCE:
                found.append((text, line.confidence, (left, top, right, bottom)))
    except OcrUnavailable:
        return page
    if not found:
        return page
    return _with_words(page, found)


def _with_words(page: OcrPage, found: list[tuple[str, float, Box]]) -> OcrPage:
    """``page`` with each found word joined to the line whose words span its middle height."""
    rows: list[list[tuple[str, float, Box]]] = [
        [(w.text, w.confidence, w.box) for w in line.words if w.box is not None] for line in page.lines
    ]
    for word in found:
        middle = (word[2][1] + word[2][3]) / 2
        row = next((r for r in rows if r and min(w[2][1] for w in r) <= middle <= max(w[2][3] for w in r)), None)
        if row is None:
            rows.append([word])
        else:
            row.append(word)
    rows.sort(key=lambda r: statistics.median((w[2][1] + w[2][3]) / 2 for w in r))
    lines = [_line(sorted(row, key=lambda w: w[2][0])) for row in rows if row]
    return OcrPage("\n".join(line.text for line in lines), lines, page.image)


def _line(row: list[tuple[str, float, Box]]) -> OcrLine:
    text, starts = join_words([(w[0], w[2][0], w[2][2] - w[2][0], w[2][3] - w[2][1]) for w in row])
    return OcrLine(
        text,
        sum(w[1] for w in row) / len(row),
        tuple(OcrWord(w[0], w[1], start, w[2]) for w, start in zip(row, starts, strict=True)),
    )


_availability: dict[tuple[str, str], bool] = {}
_apis: dict[tuple[str, str], tuple[tesserocr.PyTessBaseAPI, threading.Lock]] = {}


def _has_languages(tessdata: str, lang: str) -> bool:
    key = (tessdata, lang)
    if key not in _availability:
        try:
            _, listed = tesserocr.get_languages(tessdata)
        except RuntimeError:  # no such directory
            listed = []
        _availability[key] = all(name in listed for name in lang.split("+"))
    return _availability[key]


def _api(tessdata: str, lang: str) -> tuple[tesserocr.PyTessBaseAPI, threading.Lock]:
    """The process's Tesseract for ``lang``, loaded on first use; ``OcrUnavailable`` without data."""
    key = (tessdata, lang)
    if key not in _apis:
        if not _has_languages(tessdata, lang):
            raise OcrUnavailable()
        try:
            api = tesserocr.PyTessBaseAPI(path=tessdata, lang=lang)
        except RuntimeError as exc:
            raise OcrUnavailable() from exc
        _apis[key] = (api, threading.Lock())
    return _apis[key]


def page_from_tsv(tsv: str) -> OcrPage:
    """Build an ``OcrPage`` from Tesseract's TSV output (``tesseract ... tsv``, no header)."""
    columns = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
               "left", "top", "width", "height", "conf", "text")
    data: dict[str, list[str]] = {name: [] for name in columns}
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) == len(columns):
            for name, cell in zip(columns, cells, strict=True):
                data[name].append(cell)
    return page_from_data(data)


class NullEngine:
    """Reads nothing: for text-layer PDFs and tests that must not run OCR."""

    name = "none"
    rereaders: Sequence[LineReader] = ()

    def read(self, image: Image.Image, *, timeout: float) -> OcrPage:
        return OcrPage("", [])

    def check_available(self) -> bool:
        return True

    def load(self) -> None:
        pass


class FailingEngine:
    """A fake that raises ``error`` on every read, to test failure paths."""

    name = "failing"
    rereaders: Sequence[LineReader] = ()

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error if error is not None else OcrTimeout()

    def read(self, image: Image.Image, *, timeout: float) -> OcrPage:
        raise self.error

    def check_available(self) -> bool:
        return False

    def load(self) -> None:
        pass
