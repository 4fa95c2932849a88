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


def document_lines(pages: Sequence[PageText]) -> list[SourcedLine]:
    """Every line of every page, in reading order."""
    return [SourcedLine(page.index, page.source, line) for page in pages for line in _lines_of(page)]


def _lines_of(page: PageText) -> list[OcrLine]:
    if page.lines:
        return page.lines
    return [OcrLine(text) for text in page.text.splitlines() if text.strip()]


def value_confidence(line: OcrLine, raw: str, start: int) -> float:
    """The confidence of the words under a value read at ``start`` (debris at its edges left out)."""
    core_start, core_end = core_span(raw)
    return round(line.confidence_of(start + core_start, start + core_end), 3)
