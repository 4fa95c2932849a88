"""The document pipeline: bytes -> text -> fields -> checks -> decision.

Plain functions with every collaborator passed in (OCR engine, limits, today), so the
same code runs inside the isolated job process, in ``flask check`` and in tests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from verify import provenance
from verify.checks import check_credential, person
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
from verify.reading import PageText, read_document
from verify.reading.ocr import NullEngine, OcrEngine, TesseractEngine
from verify.reading.ppocr import PpOcrEngine, PpOcrRecogniser
from verify.reading.prints import ImagePrint
from verify.reasons import Reason


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


@dataclass
class PipelineResult:
    """What the pipeline found in one submission."""

    decision: Decision
    extraction: Extraction | None = None
    checks: list[Check] = field(default_factory=list)
    pages: int = 0
    prints: tuple[ImagePrint, ...] = ()  # of the credential's pages, to notice a picture used by another account

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
    checks = check_credential(kind, extraction.values(), holder, today)
    decision = decide(extraction, checks, confidence_floor=confidence_floor, disputed=disputed, holds=holds)
    return PipelineResult(decision, extraction, checks, pages=pages, prints=prints)


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
