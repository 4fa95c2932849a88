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
