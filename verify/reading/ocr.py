"""OCR engines: Tesseract (chi_sim) for real, a null engine and a failing fake for tests.

Every engine turns an RGB page image into an ``OcrPage``: its text (CJK without the
spaces chi_sim puts between characters, one line per printed line) and its lines
with the word confidences they were built from, so a field's confidence can be taken
from exactly the words it came from. Failures are our own errors: ``OcrTimeout``,
``OcrUnavailable`` (no binary, no language data) and ``ParseError``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import pytesseract
from PIL import Image

from verify.errors import OcrTimeout, OcrUnavailable, ParseError
from verify.reading.prepare import prepare_page


@dataclass(frozen=True)
class OcrWord:
    """A recognised word, its confidence (0..1) and where it starts in its line's text."""

    text: str
    confidence: float
    start: int


@dataclass(frozen=True)
class OcrLine:
    """One printed line: its text and mean word confidence (0..1; 1.0 for a text layer)."""

    text: str
    confidence: float = 1.0
    words: tuple[OcrWord, ...] = ()

    def confidence_of(self, start: int, end: int) -> float:
        """The lowest confidence of the words overlapping ``text[start:end]``.

        >>> line = OcrLine("姓名 张三", 0.9, (OcrWord("姓名", 0.95, 0), OcrWord("张三", 0.6, 3)))
        >>> line.confidence_of(3, 5)
        0.6
        >>> OcrLine("text layer").confidence_of(0, 4)
        1.0
        """
        overlapping = [w.confidence for w in self.words if w.start < end and w.start + len(w.text) > start]
        return min(overlapping) if overlapping else self.confidence


@dataclass(frozen=True)
class OcrPage:
    """What an engine read from one page."""

    text: str
    lines: list[OcrLine]


class OcrEngine(Protocol):
    """Reads one page image within ``timeout`` seconds; says whether it can (health check)."""

    name: str

    def read(self, image: Image.Image, *, timeout: float) -> OcrPage: ...

    def check_available(self) -> bool: ...


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
    """Build an ``OcrPage`` from ``pytesseract.image_to_data(..., output_type=DICT)``."""
    grouped: dict[tuple[int, int, int, int], list[tuple[str, int, int, int, float]]] = {}
    for i, raw in enumerate(data["text"]):
        word = str(raw).strip()
        confidence = float(str(data["conf"][i]))
        if not word or confidence < 0:
            continue
        key = tuple(int(str(data[k][i])) for k in ("page_num", "block_num", "par_num", "line_num"))
        box = (int(str(data["left"][i])), int(str(data["width"][i])), int(str(data["height"][i])))
        grouped.setdefault(key, []).append((word, *box, confidence / 100))  # type: ignore[arg-type]
    lines = []
    for key in sorted(grouped):
        words = sorted(grouped[key], key=lambda w: w[1])
        text, starts = join_words([w[:4] for w in words])
        confidences = [w[4] for w in words]
        lines.append(
            OcrLine(
                text,
                sum(confidences) / len(confidences),
                tuple(OcrWord(w[0], w[4], s) for w, s in zip(words, starts, strict=True)),
            )
        )
    return OcrPage("\n".join(line.text for line in lines), lines)


_availability: dict[tuple[str, str], bool] = {}


class TesseractEngine:
    """Tesseract through pytesseract, one page per call, prepared by ``prepare`` first.

    ``OMP_THREAD_LIMIT=1`` is set for the tesseract processes (OpenMP threads made a
    page 4x slower on 2 cores); parallelise with processes instead. pytesseract passes
    ``os.environ`` and its module-wide ``tesseract_cmd`` to the subprocess, so this
    engine sets both; use one ``cmd`` per process.
    """

    name = "tesseract"

    def __init__(
        self,
        lang: str = "chi_sim",
        psm: int = 6,
        *,
        cmd: str = "tesseract",
        prepare: Callable[[Image.Image], Image.Image] | None = prepare_page,
    ) -> None:
        self.lang, self.psm, self.cmd, self.prepare = lang, psm, cmd, prepare
        os.environ["OMP_THREAD_LIMIT"] = "1"

    def check_available(self) -> bool:
        """Whether the binary runs and has ``lang`` data (cached per command and language)."""
        key = (self.cmd, self.lang)
        if key not in _availability:
            _availability[key] = self._probe()
        return _availability[key]

    def _probe(self) -> bool:
        try:
            result = subprocess.run(
                [self.cmd, "--list-langs"], capture_output=True, timeout=10, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
        listed = result.stdout.decode("utf-8", "replace").split()
        return result.returncode == 0 and all(lang in listed for lang in self.lang.split("+"))

    def read(self, image: Image.Image, *, timeout: float) -> OcrPage:
        """OCR one page; raises ``OcrTimeout``, ``OcrUnavailable`` or ``ParseError``."""
        if self.prepare is not None:
            image = self.prepare(image)
        pytesseract.pytesseract.tesseract_cmd = self.cmd
        try:
            data = pytesseract.image_to_data(
                image,
                lang=self.lang,
                config=f"--psm {self.psm}",
                timeout=timeout,
                output_type=pytesseract.Output.DICT,
            )
        except pytesseract.TesseractNotFoundError as exc:
            raise OcrUnavailable() from exc
        except pytesseract.TesseractError as exc:
            if "Failed loading language" in str(exc.message) or "Error opening data file" in str(exc.message):
                raise OcrUnavailable() from exc
            raise ParseError("Text recognition failed on this page.") from exc
        except RuntimeError as exc:
            if "timeout" in str(exc):
                raise OcrTimeout() from exc
            raise ParseError("Text recognition failed on this page.") from exc
        return page_from_data(data)


class NullEngine:
    """Reads nothing: for text-layer PDFs and tests that must not run OCR."""

    name = "none"

    def read(self, image: Image.Image, *, timeout: float) -> OcrPage:
        return OcrPage("", [])

    def check_available(self) -> bool:
        return True


class FailingEngine:
    """A fake that raises ``error`` on every read, to test failure paths."""

    name = "failing"

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error if error is not None else OcrTimeout()

    def read(self, image: Image.Image, *, timeout: float) -> OcrPage:
        raise self.error

    def check_available(self) -> bool:
        return False
