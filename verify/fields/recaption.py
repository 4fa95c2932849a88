"""Captions OCR misread beyond repair, read again by another reader.

Tesseract misreads a short caption now and then past what ``verify.fields.captions`` repairs
(``拉让人`` for ``持证人``, ``十划`` for ``性别``), and the value beside or below it is then
lost with it. When a field is missing, every run of two to sixteen CJK characters
standing where a caption stands (opening the line or a column) that is not one of the
kind's captions from end to end is read again from its box in the page image; a
re-reading that is *exactly* one of the kind's captions replaces the text as read (its
box stays). Only the caption is
read again: the value next to or below it still comes from the first reading, and is
re-read and settled like any other (verify.fields.reread), so a caption read wrongly can
at worst send a value to the wrong field, where its shape and checks stop it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from PIL import Image

from verify.domain import CredentialKind
from verify.fields.captions import caption_fields, find_captions
from verify.fields.lines import page_lines
from verify.reading import PageText
from verify.reading.ocr import LineReader, OcrLine, OcrWord

#: Where a caption may stand: two to sixteen CJK characters (the longest caption has thirteen;
#: single spaces between them allowed) opening the line or a column (after a gap of two
#: spaces), not followed by another CJK character (a value may follow: ``发让站期“2017年``). Tried where
#: the run's first character stands (not from every space of a gap before it: quadratic over a long gap).
_CAPTION_LIKE = re.compile(r"(?:^\s*|(?<=\s\s))([\u3400-\u9fff](?:[ \u3000]?[\u3400-\u9fff]){1,15})(?![\u3400-\u9fff])")
#: What a reader may put around a caption: separators, colons, table rules.
_CAPTION_EDGES = " \t\u3000:：|丨.。,，;；_-—"


def recaption_pages(
    kind: CredentialKind, pages: Sequence[PageText], reader: LineReader
) -> tuple[list[PageText], bool]:
    """``pages`` with the caption-like columns ``reader`` reads as one of ``kind``'s captions
    recaptioned, and whether any was."""
    changed = False
    recaptioned: list[PageText] = []
    for page in pages:
        if page.source != "ocr" or page.image is None:
            recaptioned.append(page)
            continue
        lines = []
        for line in page_lines(page):  # what the fields are read from; no more is read again
            fixed = _recaption_line(kind, line, page.image, reader)
            changed |= fixed is not line
            lines.append(fixed)
        recaptioned.append(replace(page, lines=lines, text="\n".join(line.text for line in lines)))
    return recaptioned, changed


def _recaption_line(kind: CredentialKind, line: OcrLine, image: Image.Image, reader: LineReader) -> OcrLine:
    """``line`` with each caption-like run replaced by the caption ``reader`` reads there (the
    last first, so that the offsets of the others stay), or as it was."""
    for run in reversed(list(_CAPTION_LIKE.finditer(line.text))):
        start, end = run.span(1)
        box = line.box_of(start, end)
        if box is None or _is_caption(kind, run.group(1)):
            continue
        left, top, right, bottom = box
        margin = max(2, (bottom - top) // 6)
        crop = image.crop((max(0, left - margin), max(0, top - margin), right + margin, bottom + margin))
        reading = reader.read_line(crop)
        caption = re.sub(r"\s", "", reading.text).strip(_CAPTION_EDGES)
        if caption in caption_fields(kind):
            line = _replaced(line, start, end, caption, reading.confidence, box)
    return line


def _is_caption(kind: CredentialKind, column: str) -> bool:
    """Whether ``column`` reads as one caption from end to end (``执业证次韦`` does not: a
    caption misread in one character, ``执业证号``, covers only part of it).

    >>> lawyer = CredentialKind.LAWYER_PRACTICE
    >>> _is_caption(lawyer, "执业证次韦"), _is_caption(lawyer, "发证月期")
    (False, True)
    """
    matches = find_captions(kind, column)
    return len(matches) == 1 and matches[0].start == 0 and matches[0].end == len(column)


def _replaced(
    line: OcrLine, start: int, end: int, caption: str, confidence: float, box: tuple[int, int, int, int]
) -> OcrLine:
    """``line`` with ``text[start:end]`` replaced by ``caption``, as one word over ``box``.

    >>> words = (OcrWord("十划", 0.3, 0, (0, 0, 40, 20)), OcrWord("女", 0.9, 4, (90, 0, 110, 20)))
    >>> line = OcrLine("十划  女", 0.5, words)
    >>> fixed = _replaced(line, 0, 2, "性别", 0.95, (0, 0, 40, 20))
    >>> fixed.text, [(w.text, w.start) for w in fixed.words]
    ('性别  女', [('性别', 0), ('女', 4)])
    """
    shift = len(caption) - (end - start)
    words = [OcrWord(caption, confidence, start, box)]
    for word in line.words:
        if word.start >= end:
            words.append(replace(word, start=word.start + shift))
        elif word.start + len(word.text) <= start:
            words.append(word)
    words.sort(key=lambda word: word.start)
    text = line.text[:start] + caption + line.text[end:]
    return OcrLine(text, line.confidence, tuple(words))
