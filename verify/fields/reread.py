"""Re-reading the fields a decision rests on, from their own region of the page.

Tesseract reads the page first. Then each decisive field that was read by OCR and is a
name (Tesseract misreads Chinese names, often with high confidence), breaks its shape,
or reads below the confidence floor is cropped from the page image and read again by
other ``LineReader``s in turn, until the readings agree (PP-OCR's recogniser alone,
then Tesseract as a single line; each limited to the field's characters). Then:

- a re-reading that agrees with the first confirms it, unless another re-reading of the
  field's shape disagrees (Tesseract agreeing with itself against PP-OCR is no
  confirmation): the confidence becomes the chance that not all agreeing readings are
  wrong, ``1 - Π(1 - cᵢ)``;
- two re-readings (by different engines) that agree with each other, and not with the
  first, replace it; the first reading stays in ``raw``;
- for names (PP-OCR read every name it was shown, Tesseract 60-80 %), the re-reading
  replaces a first reading that is unsure (below the floor or misshapen), with the
  re-reading's own confidence;
- re-readings that all lack the field's shape (a digit dropped at the crop's edge) say
  nothing against a first reading that has it, unless it is a name (always re-read
  because Tesseract misreads names with high confidence): the first stays, as unsure as it was
  (verify.decide approves it only if a check confirms it);
- otherwise the readings disagree: the field is *disputed*, its value the most trusted
  plausible reading (for names the re-reading, else the first) and its confidence
  ``DISAGREEMENT``; verify.decide sends a disputed field to review, never to rejection,
  whatever checks it passes (a check may tie only part of it, such as a date's year).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
from PIL import Image

from verify.domain import CredentialKind, Extraction, FieldValue
from verify.fields.extract import extract_located
from verify.fields.lines import Location, LostValue
from verify.fields.recaption import recaption_pages
from verify.fields.values import Reading, read_value
from verify.kinds import DOCUMENTS
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
}
#: Fields where the re-reading is trusted over the first reading when they disagree.
TRUST_REREADING = frozenset({"name"})
#: The confidence of a field whose readings disagree.
DISAGREEMENT = 0.5


def reread_fields(
    kind: CredentialKind,
    extraction: Extraction,
    located: Mapping[str, Location | LostValue],
    pages: Sequence[PageText],
    readers: Sequence[LineReader],
    *,
    decisive: frozenset[str],
    floor: float,
) -> tuple[Extraction, frozenset[str]]:
    """``extraction`` with its doubtful decisive fields re-read and settled (see the module),
    and the names of the fields whose readings disagree. A decisive field OCR lost (its
    caption read, its value not: a ``LostValue`` in ``located``) is read from where it must
    be, as a first reading that is missing."""
    if not readers:
        return extraction, frozenset()
    extraction, located, pages = _recaptioned(kind, extraction, located, pages, readers[0])
    fields, disputed = dict(extraction.fields), set()
    for name, location in located.items():
        if name in decisive and name not in fields and isinstance(location, LostValue):
            found, agreed = _read_lost(kind, name, pages, location, readers)
            if found is not None:
                fields[name] = found
                if not agreed:
                    disputed.add(name)
    for name, first in extraction.fields.items():
        location = located.get(name)
        if name not in decisive or first.source != "ocr" or not isinstance(location, Location):
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
            if agreed and any(reading.plausible for reading, _ in others):
                break  # a misshapen re-reading says nothing: the next reader is asked
        fields[name] = settled
        if not agreed:
            disputed.add(name)
    return Extraction(extraction.kind, fields), frozenset(disputed)


def _recaptioned(
    kind: CredentialKind,
    extraction: Extraction,
    located: Mapping[str, Location | LostValue],
    pages: Sequence[PageText],
    reader: LineReader,
) -> tuple[Extraction, Mapping[str, Location | LostValue], Sequence[PageText]]:
    """When a field of the kind was found neither by its caption nor by its shape (a check
    that needs it would send the document to review), the pages with their misread captions
    read again (verify.fields.recaption) and the fields still missing taken from them; the
    fields already found stay as they were."""
    missing = set(DOCUMENTS[kind].fields) - set(extraction.fields) - set(located)
    if not missing:
        return extraction, located, pages
    recaptioned, changed = recaption_pages(kind, pages, reader)
    if not changed:
        return extraction, located, pages
    again, again_located = extract_located(kind, recaptioned)
    added = set(again.fields) - set(extraction.fields)
    fields = {**extraction.fields, **{name: again.fields[name] for name in added}}
    where = {**located, **{name: again_located[name] for name in added}}
    where.update({name: lost for name, lost in again_located.items() if name not in where})
    return Extraction(extraction.kind, fields), where, recaptioned


def _read_lost(
    kind: CredentialKind, name: str, pages: Sequence[PageText], lost: LostValue, readers: Sequence[LineReader]
) -> tuple[FieldValue | None, bool]:
    """A field read only from the region where its lost value must be (``None``: nothing
    of the field's shape there), and whether the readings agree. Settled as re-readings
    of an empty first reading: two agreeing readings, or (a name) one trusted reading."""
    crop = _crop(pages, lost)
    if crop is None:
        return None, False
    missing = FieldValue("", "", 0.0, "ocr")
    raws: dict[str, str] = {}
    others: list[tuple[Reading, float]] = []
    settled, agreed = missing, False
    for reader in readers:
        line = reader.read_line(crop, charset=CHARSETS.get(name, ""))
        if line.text:
            reading = read_value(kind, name, line.text)
            raws.setdefault(reading.value, line.text.strip())
            others.append((reading, line.confidence))
        settled, agreed = settle(name, missing, others, plausible=False, sure=False)
        if agreed:
            break
    if not settled.value:
        return None, False
    return replace(settled, raw=raws.get(settled.value, settled.value)), agreed


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
    dissenting = [reading for reading, _ in others if reading.plausible and reading.value != first.value]
    if agreeing and not dissenting:
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
    if plausible and not shaped and name not in ALWAYS:
        return first, True  # misshapen re-readings say nothing against it: it stays as unsure as it was
    return replace(first, confidence=min(first.confidence, DISAGREEMENT)), False


def _crop(pages: Sequence[PageText], location: Location | LostValue) -> Image.Image | None:
    """The value's region of the page image, trimmed to its ink, with a margin of white.

    Recognisers invent characters in wide blank margins; the region is wider than the
    value so that a character the first reading dropped is still inside. Only the band of
    ink rows the value lies in is kept: a region reaching into the line above or below (a
    caption over its value, the next caption) would be read as part of the value.
    """
    region = location.region()
    page = next((page for page in pages if page.index == location.page), None)
    if region is None or page is None or page.image is None:
        return None
    left, top, right, bottom = region
    crop = page.image.crop((left, top, min(right, page.image.width), min(bottom, page.image.height)))
    ink = np.asarray(crop.convert("L")) < 128
    rows = _value_rows(location) if isinstance(location, Location) else None
    band = _ink_band(ink.any(axis=1), None if rows is None else (rows[0] - top, rows[1] - top))
    if band is None:
        return None
    columns = np.flatnonzero(ink[band[0]:band[1]].any(axis=0))
    trimmed = crop.crop((int(columns[0]), band[0], int(columns[-1]) + 1, band[1]))
    margin = max(2, (bottom - top) // 6)
    framed = Image.new(trimmed.mode, (trimmed.width + 2 * margin, trimmed.height + 2 * margin), "white")
    framed.paste(trimmed, (margin, margin))
    return framed


def _value_rows(location: Location) -> tuple[int, int] | None:
    """The rows of the page a value's words span, by their median top and bottom (one word
    box Tesseract stretched over the line above must not count)."""
    boxes = [
        w.box for w in location.line.words
        if w.box and w.start < location.end and w.start + len(w.text) > location.start
    ]
    if not boxes:
        return None
    return int(np.median([b[1] for b in boxes])), int(np.median([b[3] for b in boxes]))


def _ink_band(rows: np.ndarray, value: tuple[int, int] | None) -> tuple[int, int] | None:
    """The rows (start, end) of the band of ink holding the value: bands are runs of inked
    rows, gaps shorter than a quarter of the value's height bridged (the strokes of 二 or
    三); the band overlapping ``value`` (its rows) most, or without it the tallest band.

    >>> rows = np.array([0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0], bool)
    >>> _ink_band(rows, (6, 14)), _ink_band(rows, None), _ink_band(rows, (1, 2))
    ((6, 14), (6, 14), (1, 3))
    """
    inked = np.flatnonzero(rows)
    if inked.size == 0:
        return None
    height = value[1] - value[0] if value else len(rows) // 3
    bands: list[list[int]] = []
    for row in inked.tolist():
        if bands and row - bands[-1][1] <= max(1, height // 4):
            bands[-1][1] = row + 1
        else:
            bands.append([row, row + 1])
    if value is None:
        start, end = max(bands, key=lambda band: band[1] - band[0])
    else:
        start, end = max(bands, key=lambda band: min(band[1], value[1]) - max(band[0], value[0]))
    return start, end
