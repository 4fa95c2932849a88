"""Re-reading the fields a decision rests on, from their own region of the page.

Tesseract reads the page first. Then each decisive field that was read by OCR and is a
name (Tesseract misreads Chinese names, often with high confidence), breaks its shape,
or reads below the confidence floor is cropped from the page image and read again by
other ``LineReader``s in turn, until the readings agree (PP-OCR's recogniser alone,
then Tesseract as a single line; each limited to the field's characters). Then:

- a re-reading that agrees with the first confirms it: the confidence becomes the
  chance that not all agreeing readings are wrong, ``1 - Π(1 - cᵢ)``;
- two re-readings (by different engines) that agree with each other, and not with the
  first, replace it; the first reading stays in ``raw``;
- for names (PP-OCR read every name it was shown, Tesseract 60-80 %), the re-reading
  replaces a first reading that is unsure (below the floor or misshapen), with the
  re-reading's own confidence;
- otherwise the readings disagree: the field is *disputed*, its value the most trusted
  plausible reading (for names the re-reading, else the first) and its confidence
  ``DISAGREEMENT``; verify.decide sends a disputed field to review, never to rejection,
  whatever checks it passes (a check may tie only part of it, such as a date's year).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from PIL import Image

from verify.domain import CredentialKind, Extraction, FieldValue
from verify.fields.lines import Location
from verify.fields.values import Reading, read_value
from verify.reading import PageText
from verify.reading.ocr import LineReader

#: Fields re-read whatever their first reading's confidence.
ALWAYS = frozenset({"name"})
#: The characters a re-reading may give, per field (a whitelist; no entry: any).
CHARSETS = {
    "number": "0123456789X",
    "id_number": "0123456789X",
    "birth_date": "0123456789年月日.-/",
    "issue_date": "0123456789年月日.-/",
    "gender": "男女",
}
#: Fields where the re-reading is trusted over the first reading when they disagree.
TRUST_REREADING = frozenset({"name"})
#: The confidence of a field whose readings disagree.
DISAGREEMENT = 0.5


def reread_fields(
    kind: CredentialKind,
    extraction: Extraction,
    located: dict[str, Location],
    pages: Sequence[PageText],
    readers: Sequence[LineReader],
    *,
    decisive: frozenset[str],
    floor: float,
) -> tuple[Extraction, frozenset[str]]:
    """``extraction`` with its doubtful decisive fields re-read and settled (see the module),
    and the names of the fields whose readings disagree."""
    if not readers:
        return extraction, frozenset()
    fields, disputed = dict(extraction.fields), set()
    for name, first in extraction.fields.items():
        location = located.get(name)
        if name not in decisive or first.source != "ocr" or location is None:
            continue
        if name not in ALWAYS and first.confidence >= floor and read_value(kind, name, first.raw).plausible:
            continue
        crop = _crop(pages, location)
        if crop is None:
            continue
        plausible = read_value(kind, name, first.raw).plausible
        sure = plausible and first.confidence >= floor
        others: list[tuple[Reading, float]] = []
        for reader in readers:  # the next reader only while the readings disagree
            line = reader.read_line(crop, charset=CHARSETS.get(name, ""))
            if line.text:
                others.append((read_value(kind, name, line.text), line.confidence))
            settled, agreed = settle(name, first, others, plausible=plausible, sure=sure)
            if agreed:
                break
        fields[name] = settled
        if not agreed:
            disputed.add(name)
    return Extraction(extraction.kind, fields), frozenset(disputed)


def settle(
    name: str, first: FieldValue, others: Sequence[tuple[Reading, float]], *, plausible: bool, sure: bool
) -> tuple[FieldValue, bool]:
    """The field after its re-readings ``others`` (normalised readings and confidences),
    and whether the readings agree. ``plausible``: the first reading has its field's
    shape; ``sure``: and reads above the floor.

    >>> first = FieldValue("张三", "张三", 0.7, "ocr")
    >>> settle("name", first, [(Reading("张三", True), 0.9)], plausible=True, sure=False)[0].confidence
    0.97
    >>> settle("name", first, [(Reading("张王", True), 0.9)], plausible=True, sure=True)
    (FieldValue(value='张王', raw='张三', confidence=0.5, source='ocr'), False)
    >>> settle("name", first, [(Reading("张王", True), 0.9)], plausible=True, sure=False)
    (FieldValue(value='张王', raw='张三', confidence=0.9, source='ocr'), True)
    """
    agreeing = [confidence for reading, confidence in others if reading.value == first.value]
    if agreeing:
        doubt = 1.0 - first.confidence
        for confidence in agreeing:
            doubt *= 1.0 - confidence
        return replace(first, confidence=round(1.0 - doubt, 3)), True
    shaped = [(reading, confidence) for reading, confidence in others if reading.plausible]
    for i, (reading, confidence) in enumerate(shaped):
        for other, other_confidence in shaped[i + 1:]:
            if other.value == reading.value:
                both = 1.0 - (1.0 - confidence) * (1.0 - other_confidence)
                return FieldValue(reading.value, first.raw, round(both, 3), first.source), True
    if shaped and name in TRUST_REREADING:
        reading, confidence = shaped[0]
        if not sure:
            return FieldValue(reading.value, first.raw, round(confidence, 3), first.source), True
        return FieldValue(reading.value, first.raw, DISAGREEMENT, first.source), False
    if shaped and not plausible:
        return FieldValue(shaped[0][0].value, first.raw, DISAGREEMENT, first.source), False
    return replace(first, confidence=min(first.confidence, DISAGREEMENT)), False


def _crop(pages: Sequence[PageText], location: Location) -> Image.Image | None:
    """The value's region of the page image, trimmed to its ink, with a margin of white.

    Recognisers invent characters in wide blank margins; the region is wider than the
    value so that a character the first reading dropped is still inside.
    """
    region = location.region()
    page = next((page for page in pages if page.index == location.page), None)
    if region is None or page is None or page.image is None:
        return None
    left, top, right, bottom = region
    crop = page.image.crop((left, top, min(right, page.image.width), min(bottom, page.image.height)))
    ink = np.asarray(crop.convert("L")) < 128
    columns, rows = np.flatnonzero(ink.any(axis=0)), np.flatnonzero(ink.any(axis=1))
    if columns.size == 0:
        return None
    trimmed = crop.crop((int(columns[0]), int(rows[0]), int(columns[-1]) + 1, int(rows[-1]) + 1))
    margin = max(2, (bottom - top) // 6)
    framed = Image.new(trimmed.mode, (trimmed.width + 2 * margin, trimmed.height + 2 * margin), "white")
    framed.paste(trimmed, (margin, margin))
    return framed
