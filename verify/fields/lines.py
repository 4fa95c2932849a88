"""The lines of a submission's pages, each with where it came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verify.fields.values import core_span
from verify.reading import OcrLine, PageText


@dataclass(frozen=True)
class SourcedLine:
    """One printed line, its page and its source (``text`` layer or ``ocr``)."""

    page: int
    source: str
    line: OcrLine

    @property
    def text(self) -> str:
        return self.line.text


#: How far a value's region reaches beyond its box, in text heights.
LEFT, RIGHT = 0.6, 1.0


@dataclass(frozen=True)
class Location:
    """Where a field's value was read: its page, its line, and its span in the line's text."""

    page: int
    line: OcrLine
    start: int
    end: int

    @classmethod
    def of(cls, entry: SourcedLine, raw: str, start: int) -> Location:
        """The value ``raw`` read at ``start`` of ``entry`` (debris at its edges left out)."""
        core_start, core_end = core_span(raw)
        return cls(entry.page, entry.line, start + core_start, start + core_end)

    def box(self) -> tuple[int, int, int, int] | None:
        """The value's box in the page image the OCR engine read; ``None`` for a text layer."""
        return self.line.box_of(self.start, self.end)

    def region(self) -> tuple[int, int, int, int] | None:
        """The value's box widened by ``LEFT`` and ``RIGHT`` text heights (Tesseract's
        character boxes are often half a character off, and a character it dropped may lie
        just beyond), stopping before a word clearly apart to the right; a quarter height
        up and down."""
        box = self.box()
        if box is None:
            return None
        left, top, right, bottom = box
        height = bottom - top
        after = [
            w.box[0] - 1 for w in self.line.words
            if w.box and w.start >= self.end and w.box[0] > right + height // 2
        ]
        right = min([right + round(RIGHT * height), *after])
        return max(0, left - round(LEFT * height)), max(0, top - height // 4), right, bottom + height // 4


#: How far a lost value's region reaches from its caption, in caption heights.
LOST_REACH = 25


@dataclass(frozen=True)
class LostValue:
    """Where the value of a caption OCR read without one must be: the region beside the
    caption (up to the next caption on its line) or below it (down to the next line)."""

    page: int
    area: tuple[int, int, int, int]

    @classmethod
    def beside(cls, page: int, caption: tuple[int, int, int, int], stop: int | None = None) -> LostValue:
        """Right of ``caption`` (a box), up to ``stop`` (the next caption's left edge) if given."""
        _, top, right, bottom = caption
        height = bottom - top
        end = right + LOST_REACH * height if stop is None else stop - height // 4
        return cls(page, (right + height // 4, max(0, top - height // 4), end, bottom + height // 4))

    @classmethod
    def below(cls, page: int, caption: tuple[int, int, int, int], stop: int | None = None) -> LostValue:
        """Under ``caption`` (a box), down to ``stop`` (the next line's top) if given."""
        left, top, _, bottom = caption
        height = bottom - top
        end = bottom + round(2.5 * height) if stop is None or stop <= bottom + height else stop - height // 8
        return cls(page, (max(0, left - height // 2), bottom + height // 8, left + LOST_REACH * height, end))

    def region(self) -> tuple[int, int, int, int]:
        return self.area


def line_top(line: OcrLine) -> int | None:
    """The top of ``line``'s words in the page image; ``None`` without boxes."""
    tops = [w.box[1] for w in line.words if w.box]
    return min(tops) if tops else None


#: No certificate prints a line this long (its longest, an address or a 执业范围, is under 100
#: characters), nor a page this long (a few thousand characters): the fields are read from each
#: line's first ``MAX_LINE_CHARS`` and each page's first ``MAX_PAGE_CHARS``, so a flood of text costs
#: no more than that much of it.
MAX_LINE_CHARS = 2000
MAX_PAGE_CHARS = 20_000


def document_lines(pages: Sequence[PageText]) -> list[SourcedLine]:
    """Every line of every page, in reading order, as ``page_lines`` reads them."""
    return [SourcedLine(page.index, page.source, line) for page in pages for line in page_lines(page)]


def page_lines(page: PageText) -> list[OcrLine]:
    """The lines of ``page`` that are read: each cut to ``MAX_LINE_CHARS``, up to ``MAX_PAGE_CHARS`` in all."""
    lines, room = [], MAX_PAGE_CHARS
    for line in page.lines or (OcrLine(text) for text in page.text.splitlines() if text.strip()):
        if room <= 0:
            break
        lines.append(_cut(line, min(MAX_LINE_CHARS, room)))
        room -= len(lines[-1].text)
    return lines


def page_text(page: PageText) -> str:
    """The text of the lines of ``page`` that are read (``page_lines``), a line a line."""
    return "\n".join(line.text for line in page_lines(page))


def _cut(line: OcrLine, size: int) -> OcrLine:
    """``line`` without what lies beyond ``size`` characters (and the words that begin there)."""
    if len(line.text) <= size:
        return line
    return OcrLine(line.text[:size], line.confidence, tuple(word for word in line.words if word.start < size))


def value_confidence(line: OcrLine, raw: str, start: int) -> float:
    """The confidence of the words under a value read at ``start`` (debris at its edges left out)."""
    core_start, core_end = core_span(raw)
    return round(line.confidence_of(start + core_start, start + core_end), 3)
