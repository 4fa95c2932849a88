"""Find a certificate's kind and fields in its page texts.

Layouts handled: ``caption：value``, ``caption: value`` and ``caption value`` on one line,
table rows, several captions on one line (columns), a value on the line below its
caption(s), free-text values continued on the next line; then verify.fields.shapes finds
numbers and dates whose captions were lost. The confidence of a field is the lowest
confidence of the OCR words it was read from (1.0 for a PDF text layer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from verify.domain import DOCUMENT_KINDS, CredentialKind, Extraction, FieldValue, Profession
from verify.fields.captions import (
    CaptionMatch,
    caption_fields,
    distinctive_captions,
    find_captions,
    has_caption,
    preference,
)
from verify.fields.lines import (
    Location,
    LostValue,
    SourcedLine,
    document_lines,
    line_top,
    page_text,
    value_confidence,
)
from verify.fields.shapes import fill_date, fill_numbers
from verify.fields.values import is_debris, read_value
from verify.kinds import DOCUMENTS
from verify.reading import PageText

#: Fields whose value may run on to the next printed line.
FREE_TEXT_FIELDS = frozenset({"institution", "issuer", "scope", "subject", "committee", "specialty"})
#: Fields whose value has a shape (verify.fields.values) that tells a value from debris.
SHAPED_FIELDS = frozenset({"gender", "birth_date", "issue_date", "approval_date", "id_number", "number",
                           "qualification_number"})
_SEPARATORS = re.compile(r"[\s:：|丨]*")
_COLUMN = re.compile(r"\S+(?: \S+)*")  # text between column gaps (two or more spaces)
_CONTINUATION = re.compile(r"[\u3400-\u9fff（）()、·]{1,20}")


@dataclass(frozen=True)
class _Candidate:
    """A value read next to (or below) a caption."""

    field: str
    raw: str
    confidence: float
    source: str
    preference: int  # of the caption among its field's synonyms (0 = usual)
    order: int  # line number in the document
    location: Location
    below: bool = False  # read on the line below its caption


def detect_kind(pages: Sequence[PageText], profession: Profession | None) -> CredentialKind | None:
    """The certificate kind the pages show, by printed title and captions; ``None`` if none fits.

    With a ``profession`` only its document kinds (``DOCUMENT_KINDS``) are considered.
    """
    every_kind = tuple(DOCUMENTS)
    kinds = DOCUMENT_KINDS[profession] if profession is not None else every_kind
    text = re.sub(r"\s+", "", "\n".join(page_text(page) for page in pages))
    scores = {kind: _kind_score(kind, text, every_kind) for kind in kinds}
    best = max(scores.values(), default=0)
    winners = [kind for kind, score in scores.items() if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def _kind_score(kind: CredentialKind, text: str, every_kind: tuple[CredentialKind, ...]) -> int:
    """10 for the printed title (5 with one character misread); per field found, 2 if by
    the kind's usual caption, else 1; 2 more per caption no other kind prints."""
    title = _title_score(kind, text)
    found = {m.caption for m in find_captions(kind, text)}
    mapping = caption_fields(kind)
    fields: dict[str, int] = {}
    for caption in found:
        field = mapping.get(caption)
        if field is not None:
            fields[field] = max(fields.get(field, 0), 2 if preference(kind, caption) == 0 else 1)
    return 5 * title + sum(fields.values()) + 2 * len(found & distinctive_captions(kind, every_kind))


def _title_score(kind: CredentialKind, text: str) -> int:
    """2 when ``text`` (without whitespace) prints the kind's title, 1 with one character misread, else 0."""
    printed = DOCUMENTS[kind].title
    return 2 * (re.search(re.escape(printed) + "(?![编号])", text) is not None) or any(
        re.search(re.escape(printed[:i]) + "[\u3400-\u9fff]" + re.escape(printed[i + 1:]) + "(?![编号])", text)
        for i in range(len(printed))
    )


#: What a printed title's line may hold besides the title (a mark, a character of a border read by OCR).
TITLE_LINE_SLACK = 4


def shows_title(kind: CredentialKind, pages: Sequence[PageText]) -> bool:
    """Whether ``pages`` print the title of ``kind`` (or it with one character misread) as a line of its own.

    A page that names a kind by its captions alone may be anything asking for them (an application
    form's 姓名, 性别, 日期), and one that names it in a sentence (``所附材料：医师执业证书``) is about it;
    a document prints its title on a line of its own.
    """
    limit = len(DOCUMENTS[kind].title) + TITLE_LINE_SLACK
    lines = (re.sub(r"\s+", "", line) for page in pages for line in page_text(page).splitlines())
    return any(len(line) <= limit and _title_score(kind, line) > 0 for line in lines)


def extract_fields(kind: CredentialKind, pages: Sequence[PageText]) -> Extraction:
    """The fields of ``kind`` found in ``pages`` (``domain.Extraction``; missing fields are absent)."""
    return extract_located(kind, pages)[0]


def extract_located(
    kind: CredentialKind, pages: Sequence[PageText]
) -> tuple[Extraction, dict[str, Location | LostValue]]:
    """``extract_fields``, and where each field's value was read (for re-reading it); for a
    field whose caption OCR read without a value, where that value must be (``LostValue``)."""
    lines = document_lines(pages)
    candidates, lost = _captioned_candidates(kind, lines)
    fields: dict[str, FieldValue] = {}
    located: dict[str, Location] = {}
    for name in DOCUMENTS[kind].fields:
        chosen = _choose(kind, name, [c for c in candidates if c.field == name])
        if chosen is not None:
            fields[name], located[name] = chosen
    fill_numbers(kind, lines, fields, located)
    fill_date(kind, lines, fields, located)
    return Extraction(kind, fields), {**{n: v for n, v in lost.items() if n not in fields}, **located}


def _captioned_candidates(
    kind: CredentialKind, lines: list[SourcedLine]
) -> tuple[list[_Candidate], dict[str, LostValue]]:
    """Values next to, below, or continuing from their captions; and for captions found with
    no value, where the value must be (below them if most values were found below their
    captions, else beside them)."""
    mapping = caption_fields(kind)
    candidates: list[_Candidate] = []
    alone: list[tuple[str, int, CaptionMatch, int | None]] = []  # (field, line, caption, next caption's start)
    below_captions: set[int] = set()  # lines already read as the values of the captions above them
    for i, entry in enumerate(lines):
        matches = find_captions(kind, entry.text)
        if not matches:
            if i not in below_captions and candidates and _continues(candidates[-1], lines, i):
                last, more = candidates[-1], entry.text.strip()
                confidence = min(last.confidence, value_confidence(entry.line, more, entry.text.find(more)))
                candidates[-1] = _Candidate(
                    last.field, last.raw + more, confidence, last.source, last.preference, i, last.location,
                    last.below,
                )
            continue
        pending: list[tuple[str | None, int, CaptionMatch, int | None]] = []  # captions whose value is not beside them
        for j, match in enumerate(matches):
            field, rank = mapping.get(match.caption), preference(kind, match.caption)
            end = matches[j + 1].start if j + 1 < len(matches) else len(entry.text)
            value = _first_column(entry.text, _SEPARATORS.match(entry.text, match.end, end).end(), end)  # type: ignore[union-attr]
            if value is None:
                pending.append((field, rank, match, matches[j + 1].start if j + 1 < len(matches) else None))
            elif field is not None:
                raw, start = value
                candidates.append(_Candidate(
                    field, raw, value_confidence(entry.line, raw, start), entry.source, rank, i,
                    Location.of(entry, raw, start),
                ))
                if field in SHAPED_FIELDS and not read_value(kind, field, raw).plausible:
                    candidates += _beneath(kind, field, rank, lines, i)
        values: list[tuple[str, int]] = []
        if pending and i + 1 < len(lines) and not has_caption(kind, lines[i + 1].text):
            below = lines[i + 1]
            below_captions.add(i + 1)
            values = _columns(below.text, len(pending))
            for (field, rank, _, _), (raw, start) in zip(pending, values, strict=False):
                if field is not None:
                    confidence = value_confidence(below.line, raw, start)
                    candidates.append(_Candidate(
                        field, raw, confidence, below.source, rank, i + 1, Location.of(below, raw, start), True
                    ))
        alone += [(field, i, match, stop) for field, _, match, stop in pending[len(values):] if field is not None]
    beneath = sum(c.below for c in candidates) * 2 > len(candidates)
    lost: dict[str, LostValue] = {}
    for field, i, match, stop in alone:
        region = _lost_region(lines, i, match, stop, beneath=beneath)
        if region is not None:
            lost.setdefault(field, region)
    return candidates, lost


def _beneath(kind: CredentialKind, field: str, rank: int, lines: list[SourcedLine], i: int) -> list[_Candidate]:
    """The line below line ``i`` as a further candidate for ``field``, whose value beside its
    caption lacks the field's shape (a seal's character read beside the caption, the value
    printed below): only a line on the same page holding no caption, and the whole of it."""
    if i + 1 >= len(lines) or lines[i + 1].page != lines[i].page or has_caption(kind, lines[i + 1].text):
        return []
    below = lines[i + 1]
    [(raw, start)] = _columns(below.text, 1)
    if not raw:
        return []
    confidence = value_confidence(below.line, raw, start)
    return [_Candidate(field, raw, confidence, below.source, rank, i + 1, Location.of(below, raw, start), True)]


def _lost_region(
    lines: list[SourcedLine], i: int, match: CaptionMatch, stop: int | None, *, beneath: bool
) -> LostValue | None:
    """Where the value of the caption ``match`` on line ``i`` must be; ``None`` without boxes."""
    entry = lines[i]
    caption = entry.line.box_of(match.start, match.end)
    if caption is None:
        return None
    if beneath:
        below = lines[i + 1] if i + 1 < len(lines) and lines[i + 1].page == entry.page else None
        return LostValue.below(entry.page, caption, line_top(below.line) if below else None)
    stop_box = entry.line.box_of(stop, stop + 1) if stop is not None else None
    return LostValue.beside(entry.page, caption, stop_box[0] if stop_box else None)


def _first_column(text: str, start: int, end: int) -> tuple[str, int] | None:
    """The first column of ``text[start:end]`` that is more than debris, with its offset."""
    for column in _COLUMN.finditer(text, start, end):
        if not is_debris(column.group()):
            return column.group(), column.start()
    return None


def _columns(text: str, count: int) -> list[tuple[str, int]]:
    """``text`` split into ``count`` values with their offsets (the whole line for one)."""
    if count == 1:
        stripped = text.strip()
        return [(stripped, text.find(stripped))]
    spans = [(m.group(), m.start()) for m in _COLUMN.finditer(text)]
    if len(spans) != count:
        spans = [(m.group(), m.start()) for m in re.finditer(r"\S+", text)]
    return spans if len(spans) == count else []


def _continues(last: _Candidate, lines: list[SourcedLine], i: int) -> bool:
    """Whether line ``i`` (without captions) carries on the free-text value ``last``."""
    return (
        last.field in FREE_TEXT_FIELDS
        and last.order == i - 1
        and lines[i].page == lines[i - 1].page
        and _CONTINUATION.fullmatch(lines[i].text.strip()) is not None
    )


def _choose(kind: CredentialKind, name: str, candidates: list[_Candidate]) -> tuple[FieldValue, Location] | None:
    """The best candidate and where it was read: plausible first, then the preferred caption,
    then document order."""
    if not candidates:
        return None
    readings = [(read_value(kind, name, c.raw), c) for c in candidates]
    reading, chosen = min(readings, key=lambda rc: (not rc[0].plausible, rc[1].preference, rc[1].order))
    if not reading.value:
        return None
    return FieldValue(reading.value, chosen.raw.strip(), chosen.confidence, chosen.source), chosen.location
