"""Find a certificate's kind and fields in its page texts.

Layouts handled: ``label：value``, ``label: value`` and ``label value`` on one line,
table rows, several labels on one line (columns), a value on the line below its
label(s), free-text values continued on the next line. The credential number and the
ID number are also found by their shape when OCR lost or garbled their label.
Confidence of a field is the lowest word confidence it was read from (1.0 for a PDF
text layer).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from verify.domain import (
    CREDENTIAL_FIELDS,
    DOCUMENT_KINDS,
    DOCUMENT_TITLES,
    CredentialKind,
    Extraction,
    FieldValue,
    Profession,
)
from verify.fields.labels import canonical_label, distinctive_labels, label_fields, label_pattern, preference
from verify.fields.values import LEGAL_QUALIFICATION_SHAPE, NUMBER_SHAPES, core_span, is_debris, read_value
from verify.reading import OcrLine, PageText

#: Fields whose value may run on to the next printed line.
FREE_TEXT_FIELDS = frozenset({"institution", "issuer", "scope", "subject"})
_SEPARATORS = re.compile(r"[\s:：|丨]*")
#: Runs of characters that may be (part of) a number, with OCR look-alikes and spaces inside.
_NUMBER_RUN = re.compile(r"[A-Ca-c]?[0-9OoIl|][0-9OoIl|Xx \-]*[0-9OoIl|Xx]")
_COLUMN = re.compile(r"\S+(?: \S+)*")  # text between column gaps (two or more spaces)


@dataclass(frozen=True)
class _Line:
    """One line of the document with where it came from."""

    page: int
    source: str
    line: OcrLine


@dataclass(frozen=True)
class _Candidate:
    field: str
    raw: str
    confidence: float
    source: str
    preference: int
    order: int


def detect_kind(pages: Sequence[PageText], profession: Profession | None) -> CredentialKind | None:
    """The certificate kind the pages show, by printed title and labels; ``None`` if none fits.

    With a ``profession`` only its document kinds (``DOCUMENT_KINDS``) are considered.
    """
    every_kind = tuple(DOCUMENT_TITLES)
    kinds = DOCUMENT_KINDS[profession] if profession is not None else every_kind
    text = re.sub(r"\s+", "", "\n".join(page.text for page in pages))
    scores = {kind: _kind_score(kind, text, every_kind) for kind in kinds}
    best = max(scores.values(), default=0)
    winners = [kind for kind, score in scores.items() if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def _kind_score(kind: CredentialKind, text: str, every_kind: tuple[CredentialKind, ...]) -> int:
    """10 for the printed title; per field found, 2 if by the kind's usual label, else 1;
    2 more per label no other kind prints."""
    title = re.search(re.escape(DOCUMENT_TITLES[kind]) + "(?![编号])", text) is not None
    found = {canonical_label(kind, m.group()) for m in label_pattern(kind).finditer(text)}
    mapping = label_fields(kind)
    fields: dict[str, int] = {}
    for label in found:
        field = mapping.get(label)
        if field is not None:
            fields[field] = max(fields.get(field, 0), 2 if preference(kind, label) == 0 else 1)
    return 10 * title + sum(fields.values()) + 2 * len(found & distinctive_labels(kind, every_kind))


def extract_fields(kind: CredentialKind, pages: Sequence[PageText]) -> Extraction:
    """The fields of ``kind`` found in ``pages`` (``domain.Extraction``; missing fields are absent)."""
    lines = [_Line(page.index, page.source, line) for page in pages for line in _lines_of(page)]
    candidates = _labelled_candidates(kind, lines)
    fields: dict[str, FieldValue] = {}
    for name in CREDENTIAL_FIELDS[kind]:
        chosen = _choose(kind, name, [c for c in candidates if c.field == name])
        if chosen is not None:
            fields[name] = chosen
    _fill_by_shape(kind, lines, fields)
    _fill_dates(kind, lines, fields)
    return Extraction(kind, fields)


def _lines_of(page: PageText) -> list[OcrLine]:
    if page.lines:
        return page.lines
    return [OcrLine(text) for text in page.text.splitlines() if text.strip()]


def _labelled_candidates(kind: CredentialKind, lines: list[_Line]) -> list[_Candidate]:
    """Values next to, below, or continuing from their labels."""
    pattern, mapping = label_pattern(kind), label_fields(kind)
    candidates: list[_Candidate] = []
    below_labels: set[int] = set()  # lines already read as the values of the labels above
    for i, entry in enumerate(lines):
        text = entry.line.text
        matches = list(pattern.finditer(text))
        if not matches:
            last = candidates[-1] if candidates else None
            if i not in below_labels and last is not None and _continues(last, lines, i):
                candidates[-1] = _Candidate(
                    last.field, last.raw + text.strip(), min(last.confidence, entry.line.confidence),
                    last.source, last.preference, i,
                )
            continue
        pending: list[tuple[str | None, int]] = []
        for j, match in enumerate(matches):
            label = canonical_label(kind, match.group())
            field = mapping.get(label)
            end = matches[j + 1].start() if j + 1 < len(matches) else len(text)
            value = _first_column(text, _SEPARATORS.match(text, match.end(), end).end(), end)  # type: ignore[union-attr]
            if value is None:
                pending.append((field, preference(kind, label) if field else 0))
            elif field is not None:
                raw, start = value
                confidence = _confidence(entry.line, raw, start)
                candidates.append(_Candidate(field, raw, confidence, entry.source, preference(kind, label), i))
        if pending and i + 1 < len(lines) and not pattern.search(lines[i + 1].line.text):
            below = lines[i + 1].line
            below_labels.add(i + 1)
            for (field, pref), (raw, start) in zip(pending, _columns(below.text, len(pending)), strict=False):
                if field is not None:
                    confidence = _confidence(below, raw, start)
                    candidates.append(_Candidate(field, raw, confidence, lines[i + 1].source, pref, i + 1))
    return candidates


def _first_column(text: str, start: int, end: int) -> tuple[str, int] | None:
    """The first column of ``text[start:end]`` that is more than debris, with its offset."""
    for column in _COLUMN.finditer(text, start, end):
        if not is_debris(column.group()):
            return column.group(), column.start()
    return None


def _confidence(line: OcrLine, raw: str, start: int) -> float:
    """The confidence of the words under the value proper (debris at its edges left out)."""
    core_start, core_end = core_span(raw)
    return line.confidence_of(start + core_start, start + core_end)


def _columns(text: str, count: int) -> list[tuple[str, int]]:
    """``text`` split into ``count`` values with their offsets (the whole line for one)."""
    if count == 1:
        stripped = text.strip()
        return [(stripped, text.find(stripped))]
    spans = [(m.group(), m.start()) for m in re.finditer(r"\S+(?: \S+)*", text)]
    if len(spans) != count:
        spans = [(m.group(), m.start()) for m in re.finditer(r"\S+", text)]
    return spans if len(spans) == count else []


def _continues(last: _Candidate, lines: list[_Line], i: int) -> bool:
    """Whether line ``i`` (without labels) carries on the free-text value ``last``."""
    text = lines[i].line.text.strip()
    return (
        last.field in FREE_TEXT_FIELDS
        and last.order == i - 1
        and lines[i].page == lines[i - 1].page
        and bool(re.fullmatch(r"[\u3400-\u9fff（）()、·]{1,20}", text))
    )


def _choose(kind: CredentialKind, name: str, candidates: list[_Candidate]) -> FieldValue | None:
    """The best candidate: plausible first, then the preferred label, then document order."""
    if not candidates:
        return None
    readings = [(read_value(kind, name, c.raw), c) for c in candidates]
    reading, chosen = min(readings, key=lambda rc: (not rc[0].plausible, rc[1].preference, rc[1].order))
    if not reading.value:
        return None
    return FieldValue(reading.value, chosen.raw.strip(), round(chosen.confidence, 3), chosen.source)


def _fill_by_shape(kind: CredentialKind, lines: list[_Line], fields: dict[str, FieldValue]) -> None:
    """Find the ID number, credential number and qualification number by their shape when missing or malformed."""
    wanted = [name for name in ("id_number", "number", "qualification_number") if name in CREDENTIAL_FIELDS[kind]]
    for name in wanted:
        current = fields.get(name)
        if current is not None and read_value(kind, name, current.raw).plausible:
            continue
        taken = {f.value for f in fields.values()}
        for entry, raw, start in _number_runs(lines):
            reading = read_value(kind, name, raw)
            if reading.plausible and reading.value not in taken and _fits_strictly(kind, name, reading.value):
                confidence = _confidence(entry.line, raw, start)
                fields[name] = FieldValue(reading.value, raw, round(confidence, 3), entry.source)
                break


def _fits_strictly(kind: CredentialKind, name: str, value: str) -> bool:
    """Unlabelled numbers need the full shape: an 18-character ID, the kind's number layout."""
    if name == "id_number":
        return len(value) == 18
    if name == "qualification_number":
        return bool(LEGAL_QUALIFICATION_SHAPE.fullmatch(value))
    return bool(NUMBER_SHAPES[kind].fullmatch(value))


def _number_runs(lines: list[_Line]) -> Iterator[tuple[_Line, str, int]]:
    """Every run of number-like characters, and each of its space-separated pieces."""
    for entry in lines:
        for match in _NUMBER_RUN.finditer(entry.line.text):
            yield entry, match.group(), match.start()
            if " " in match.group():
                for piece in re.finditer(r"\S+", match.group()):
                    yield entry, piece.group(), match.start() + piece.start()


_DATE = re.compile(r"(?:19|20)\d\d\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?|[./-]\s*\d{1,2}\s*[./-]\s*\d{1,2})", re.ASCII)


def _fill_dates(kind: CredentialKind, lines: list[_Line], fields: dict[str, FieldValue]) -> None:
    """A missing date field whose label was lost: the one date on the page not already taken."""
    missing = [name for name in ("birth_date", "issue_date") if name in CREDENTIAL_FIELDS[kind] and name not in fields]
    if len(missing) != 1:
        return
    taken = {f.value for f in fields.values()}
    found = []
    for entry in lines:
        for match in _DATE.finditer(entry.line.text):
            reading = read_value(kind, missing[0], match.group())
            if reading.plausible and reading.value not in taken:
                found.append((entry, match))
    if len(found) == 1:
        entry, match = found[0]
        confidence = entry.line.confidence_of(match.start(), match.end())
        value = read_value(kind, missing[0], match.group()).value
        fields[missing[0]] = FieldValue(value, match.group(), round(confidence, 3), entry.source)
