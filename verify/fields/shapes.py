"""Fields found by their shape when OCR lost or garbled their caption.

The ID number (18 characters with a valid check character), the credential number
(the kind's layout), the legal qualification number and a lone date are recognisable
without a caption; a captioned value that lacks its shape gives way to one found so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from verify.domain import CredentialKind, FieldValue
from verify.fields.lines import Location, SourcedLine, value_confidence
from verify.fields.normalise import compact_lettered_number
from verify.fields.values import LEGAL_QUALIFICATION_SHAPE, NUMBER_SHAPES, read_value
from verify.kinds import DOCUMENTS

#: Runs of characters that may be (part of) a number, with OCR look-alikes and spaces inside.
_NUMBER_RUN = re.compile(r"[A-Ca-c]?[0-9OoIl|][0-9OoIl|Xx \-]*[0-9OoIl|Xx]")
_DATE = re.compile(r"(?:19|20)\d\d\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?|[./-]\s*\d{1,2}\s*[./-]\s*\d{1,2})", re.ASCII)
_NUMBER_FIELDS = ("id_number", "number", "qualification_number")
_DATE_FIELDS = ("birth_date", "issue_date")


def fill_numbers(
    kind: CredentialKind, lines: Sequence[SourcedLine], fields: dict[str, FieldValue], located: dict[str, Location]
) -> None:
    """Find each number field that is missing or malformed by its shape anywhere in ``lines``."""
    for name in (name for name in _NUMBER_FIELDS if name in DOCUMENTS[kind].fields):
        current = fields.get(name)
        if current is not None and read_value(kind, name, current.raw).plausible:
            continue
        taken = {f.value for f in fields.values()}
        for entry, raw, start in _number_runs(lines):
            reading = read_value(kind, name, raw)
            if reading.plausible and reading.value not in taken and _fits_strictly(kind, name, reading.value, raw):
                fields[name] = FieldValue(reading.value, raw, value_confidence(entry.line, raw, start), entry.source)
                located[name] = Location.of(entry, raw, start)
                break


def fill_date(
    kind: CredentialKind, lines: Sequence[SourcedLine], fields: dict[str, FieldValue], located: dict[str, Location]
) -> None:
    """When exactly one date field is missing, the one date in ``lines`` not already taken."""
    missing = [name for name in _DATE_FIELDS if name in DOCUMENTS[kind].fields and name not in fields]
    if len(missing) != 1:
        return
    taken = {f.value for f in fields.values()}
    found = [
        (entry, match)
        for entry in lines
        for match in _DATE.finditer(entry.text)
        if (reading := read_value(kind, missing[0], match.group())).plausible and reading.value not in taken
    ]
    if len(found) == 1:
        entry, match = found[0]
        value = read_value(kind, missing[0], match.group()).value
        confidence = value_confidence(entry.line, match.group(), match.start())
        fields[missing[0]] = FieldValue(value, match.group(), confidence, entry.source)
        located[missing[0]] = Location.of(entry, match.group(), match.start())


def _fits_strictly(kind: CredentialKind, name: str, value: str, raw: str) -> bool:
    """Uncaptioned numbers need the full shape as read: an 18-character ID, the kind's number
    layout, a legal qualification number with its letter (a digit taken for the letter
    beside a caption is a guess that a 15-digit ID must not be mistaken for). An opaque number
    (``Kind.opaque_number``) has no shape to be told by: it is read beside its caption only."""
    if name == "id_number":
        return len(value) == 18
    if name == "qualification_number":
        return bool(LEGAL_QUALIFICATION_SHAPE.fullmatch(compact_lettered_number(raw.strip())))
    return not DOCUMENTS[kind].opaque_number and bool(NUMBER_SHAPES[kind].fullmatch(value))


def _number_runs(lines: Sequence[SourcedLine]) -> Iterator[tuple[SourcedLine, str, int]]:
    """Every run of number-like characters, and each of its space-separated pieces."""
    for entry in lines:
        for match in _NUMBER_RUN.finditer(entry.text):
            yield entry, match.group(), match.start()
            if " " in match.group():
                for piece in re.finditer(r"\S+", match.group()):
                    yield entry, piece.group(), match.start() + piece.start()
