"""The document pipeline: bytes -> text -> fields -> checks -> decision.

Plain functions with every collaborator passed in (OCR engine, limits, today), so the
same code runs inside the isolated job process, in ``flask check`` and in tests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time

from verify import provenance
from verify.checks import check_credential, person
from verify.checks.documents import cross_checks
from verify.config import Limits, Settings
from verify.decide import DECISIVE_FIELDS, decide, decide_unreadable
from verify.domain import (
    DOCUMENT_KINDS,
    Check,
    CredentialKind,
    Decision,
    Extraction,
    Holder,
    Outcome,
    Profession,
)
from verify.errors import DocumentError
from verify.fields import detect_kind
from verify.fields.captions import find_captions
from verify.fields.extract import extract_located
from verify.fields.lines import page_text
from verify.fields.reread import reread_fields
from verify.kinds import DOCUMENTS
from verify.reading import PageText, read_document
from verify.reading.ocr import NullEngine, OcrEngine, TesseractEngine
from verify.reading.ppocr import PpOcrEngine, PpOcrRecogniser
from verify.reading.prints import ImagePrint
from verify.reasons import Reason
from verify.submission import BACKS, evidence_holds, primary_kind, split_documents


def make_ocr_engine(name: str, tessdata: str = Settings.tessdata_dir) -> OcrEngine:
    """The OCR engine ``name`` (one of ``verify.config.OCR_ENGINES``), Tesseract's data in ``tessdata``.

    ``tesseract`` (default): Tesseract reads the page (a page it reads poorly, PP-OCR reads
    again); PP-OCR's recogniser, then Tesseract as a single line, re-read the doubtful
    decisive fields from their regions. ``ppocr``:
    PP-OCR detection and recognition on the whole page (2-3x slower). ``none``: no OCR.
    ``ValueError`` for another name (``load_settings`` refuses one before this is reached).

    >>> make_ocr_engine("none").name
    'none'
    """
    if name == "none":
        return NullEngine()
    if name == "tesseract":
        return TesseractEngine(tessdata=tessdata,
                               rereaders=(PpOcrRecogniser(), TesseractEngine(tessdata=tessdata, prepare=False)),
                               fallback=PpOcrEngine())
    if name == "ppocr":
        return PpOcrEngine()
    raise ValueError(f"unknown OCR engine {name!r}")


@dataclass(frozen=True)
class DocumentRead:
    """One document of a submission of several: its kind, what it backs, its fields and its own checks."""

    kind: CredentialKind
    extraction: Extraction
    checks: list[Check]
    decision: Decision
    primary: bool = False

    @property
    def backs(self) -> str:
        return BACKS[self.kind]


@dataclass
class PipelineResult:
    """What the pipeline found in one submission (``documents``: each of several, the primary first;
    empty for a submission of one document, whose ``extraction`` is all there is)."""

    decision: Decision
    extraction: Extraction | None = None
    checks: list[Check] = field(default_factory=list)
    pages: int = 0
    prints: tuple[ImagePrint, ...] = ()  # of the credential's pages, to notice a picture used by another account
    documents: tuple[DocumentRead, ...] = ()

    @property
    def kind(self) -> CredentialKind | None:
        return self.extraction.kind if self.extraction else None

    @property
    def confidence(self) -> float | None:
        if not self.extraction or not self.extraction.fields:
            return None
        return round(min(f.confidence for f in self.extraction.fields.values()), 3)


def run_pipeline(
    parts: Sequence[bytes],
    profession: Profession | None,
    holder: Holder,
    *,
    ocr: OcrEngine,
    limits: Limits,
    today: date,
    confidence_floor: float,
    trust_roots: Sequence[bytes] = (),
) -> PipelineResult:
    """Read, extract, check and decide one submission (its parts are pages).

    Document errors (unreadable, too large, timed out ...) become a decision with the
    error's problem type as the reason; they are not raised. Besides the checks, the
    document's provenance (typed, signed by one of ``trust_roots``, a text layer that shows
    what it says: verify.provenance) and the holder data the platform sent can hold an
    approval back.
    """
    try:
        pages = read_document(parts, ocr=ocr, limits=limits)
    except DocumentError as exc:
        return PipelineResult(decide_unreadable(Reason(exc.type_slug)))
    documents = split_documents(pages)
    if documents is not None:
        reads = [_read_one(parts, kind, document, ocr=ocr, limits=limits, today=today, floor=confidence_floor,
                           trust_roots=trust_roots) for kind, document in documents]
        return judge_documents(reads, profession, holder, today=today, confidence_floor=confidence_floor,
                               pages=len(pages))
    kind = detect_kind(pages, None)
    if kind is None:
        return PipelineResult(decide(None, [], confidence_floor=confidence_floor), pages=len(pages))
    credential = credential_pages(kind, pages)
    extraction, located = extract_located(kind, credential)
    extraction, disputed = reread_fields(
        kind, extraction, located, credential, ocr.rereaders, decisive=DECISIVE_FIELDS, floor=confidence_floor
    )
    found = provenance.examine(parts, kind, credential, extraction, ocr=ocr, limits=limits, trust_roots=trust_roots,
                               now=datetime.combine(today, time(12), UTC), floor=confidence_floor)
    return judge_extraction(extraction, profession, holder, today=today, confidence_floor=confidence_floor,
                            disputed=disputed, holds=found.holds, pages=len(pages), prints=found.prints)


def judge_extraction(
    extraction: Extraction,
    profession: Profession | None,
    holder: Holder,
    *,
    today: date,
    confidence_floor: float,
    disputed: frozenset[str] = frozenset(),
    holds: Sequence[str] = (),
    pages: int = 1,
    prints: tuple[ImagePrint, ...] = (),
) -> PipelineResult:
    """Check and decide fields already read: the pipeline after reading.

    ``holds`` are what the document's provenance holds back (verify.provenance); the holder data
    adds its own. Tests feed it hand-made fields to get a result without reading a document.

    >>> from verify.domain import FieldValue
    >>> read = Extraction(CredentialKind.LAWYER_PRACTICE, {"name": FieldValue("张三", "张三")})
    >>> result = judge_extraction(read, Profession.DOCTOR, Holder(), today=date(2026, 6, 1), confidence_floor=0.9)
    >>> result.decision.outcome.value, [str(reason) for reason in result.decision.reasons]
    ('needs_review', ['document_kind_mismatch', 'holder_unknown'])
    """
    kind = extraction.kind
    if kind is None:
        raise ValueError("fields of no known kind cannot be checked")
    holder, holder_holds = person.usable_holder(holder, today)
    holds = (*holds, *holder_holds)
    if profession is not None and kind not in DOCUMENT_KINDS[profession]:
        decision = Decision(Outcome.NEEDS_REVIEW, (Reason.DOCUMENT_KIND_MISMATCH, *holds))
        return PipelineResult(decision, extraction, pages=pages, prints=prints)
    holds = (*holds, *evidence_holds({kind: extraction.values()}, kind))
    checks = check_credential(kind, extraction.values(), holder, today)
    decision = decide(extraction, checks, confidence_floor=confidence_floor, disputed=disputed, holds=holds)
    return PipelineResult(decision, extraction, checks, pages=pages, prints=prints)


@dataclass(frozen=True)
class _Read:
    """One document read on its own, before it is judged with the others."""

    kind: CredentialKind
    extraction: Extraction
    disputed: frozenset[str]
    holds: tuple[Reason, ...]
    prints: tuple[ImagePrint, ...]


def _read_one(parts: Sequence[bytes], kind: CredentialKind, pages: Sequence[PageText], *, ocr: OcrEngine,
              limits: Limits, today: date, floor: float, trust_roots: Sequence[bytes]) -> _Read:
    """Read one document of a submission of several, as ``run_pipeline`` reads a whole submission."""
    credential = credential_pages(kind, pages)
    extraction, located = extract_located(kind, credential)
    extraction, disputed = reread_fields(kind, extraction, located, credential, ocr.rereaders,
                                         decisive=DECISIVE_FIELDS, floor=floor)
    found = provenance.examine(parts, kind, credential, extraction, ocr=ocr, limits=limits, trust_roots=trust_roots,
                               now=datetime.combine(today, time(12), UTC), floor=floor)
    return _Read(kind, extraction, disputed, tuple(found.holds), tuple(found.prints))


def judge_documents(
    reads: Sequence[_Read], profession: Profession | None, holder: Holder, *, today: date, confidence_floor: float,
    pages: int = 1,
) -> PipelineResult:
    """Check each document on its own, then together, and decide the submission.

    Any document that a hard rule rejects rejects the submission; a doubtful one, a hold of any,
    an employment letter, or a document of another profession's kinds sends it to a person. The
    result's extraction is the primary document's (``verify.submission.primary_kind``); the
    department of an employment letter is added to it, for the label a reviewer may approve.
    """
    holder, holder_holds = person.usable_holder(holder, today)
    primary = primary_kind([read.kind for read in reads], profession)
    values = {read.kind: read.extraction.values() for read in reads}
    holds: list[Reason] = [hold for read in reads for hold in read.holds]
    if profession is not None and any(read.kind not in DOCUMENT_KINDS[profession] for read in reads):
        holds.insert(0, Reason.DOCUMENT_KIND_MISMATCH)
    holds += [*holder_holds, *evidence_holds(values, primary)]
    documents = []
    for read in sorted(reads, key=lambda read: read.kind is not primary):
        checks = check_credential(read.kind, values[read.kind], holder, today)
        decision = decide(read.extraction, checks, confidence_floor=confidence_floor, disputed=read.disputed)
        documents.append(DocumentRead(read.kind, read.extraction, checks, decision, read.kind is primary))
    main = documents[0]
    cross = cross_checks(values, today)
    together = decide(main.extraction, cross, confidence_floor=confidence_floor, disputed=reads[0].disputed)
    decision = _combined([*(document.decision for document in documents), together], tuple(dict.fromkeys(holds)))
    checks = [*main.checks, *cross, *(check for document in documents[1:] for check in _about(document))]
    letter = next((read.extraction for read in reads if read.kind is CredentialKind.EMPLOYMENT_LETTER), None)
    prints = tuple(print_ for read in reads for print_ in read.prints)
    return PipelineResult(decision, _with_workplace(main.extraction, letter), checks, pages=pages, prints=prints,
                          documents=tuple(documents))


def _about(document: DocumentRead) -> list[Check]:
    """A secondary document's checks, each message naming the document it is about."""
    title = DOCUMENTS[document.kind].title
    return [replace(check, message=f"{title}: {check.message}") for check in document.checks]


def _combined(decisions: Sequence[Decision], holds: tuple[Reason, ...]) -> Decision:
    """One decision for several: any rejection rejects (with the rejections' reasons), then any
    review or hold sends to review, else approve."""
    rejected = [reason for d in decisions if d.outcome is Outcome.REJECTED for reason in d.reasons]
    if rejected:
        return Decision(Outcome.REJECTED, tuple(dict.fromkeys(rejected)))
    doubtful = [reason for d in decisions if d.outcome is Outcome.NEEDS_REVIEW for reason in d.reasons]
    if doubtful or holds:
        return Decision(Outcome.NEEDS_REVIEW, tuple(dict.fromkeys((*doubtful, *holds))))
    return Decision(Outcome.APPROVED)


def _with_workplace(extraction: Extraction, letter: Extraction | None) -> Extraction:
    """The primary extraction with the employment letter's ``department`` and ``employer``, which only
    a reviewer's approval puts on a label (verify.labels.table.with_workplace)."""
    if letter is None or extraction.kind is CredentialKind.EMPLOYMENT_LETTER or "department" not in letter.fields:
        return extraction
    fields = dict(extraction.fields)
    fields["department"] = letter.fields["department"]
    if "institution" in letter.fields:
        fields["employer"] = letter.fields["institution"]
    return Extraction(extraction.kind, fields)


def run_pipeline_with(
    parts: list[bytes], profession: Profession, holder: Holder, ocr_name: str, tessdata: str, limits: Limits,
    today: date, confidence_floor: float, trust_roots: tuple[bytes, ...],
) -> PipelineResult:
    """``run_pipeline`` with the OCR engine named in settings: what a job's isolated process runs.

    It lives here, in a module the job forkserver preloads (verify.jobs.isolate), so a job process
    starts reading at once instead of importing the service layer first (about half a second).
    """
    return run_pipeline(parts, profession, holder, ocr=make_ocr_engine(ocr_name, tessdata), limits=limits, today=today,
                        confidence_floor=confidence_floor, trust_roots=trust_roots)


def credential_pages(kind: CredentialKind, pages: Sequence[PageText]) -> list[PageText]:
    """The pages that hold the credential: those with at least half as many of ``kind``'s
    captions as the page with the most.

    A cover letter, an application form or an instructions page may print a caption or two
    (an agent's 姓名, a 日期): read with the certificate, its values would be taken for the
    certificate's. A certificate printed over two pages keeps both.
    """
    counts = [len({m.caption for m in find_captions(kind, re.sub(r"\s+", "", page_text(page)))}) for page in pages]
    best = max(counts, default=0)
    if best == 0:
        return list(pages)
    return [page for page, count in zip(pages, counts, strict=True) if 2 * count >= best]
