"""Rank and workplace documents (tests/title_documents.py) read end to end: bytes -> kind -> fields -> decision.

Text-layer PDFs of every kind, layout and a few seeds give every field exactly; photographed and
scanned images are read by Tesseract (a handful of pages, about a second each); each kind alone goes
through the pipeline to the outcome its evidence allows.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.certificates import LAYOUTS, installed_fonts, make_upload, render_pdf
from tests.title_documents import (
    DOSSIER_KINDS,
    FORGED_DOSSIERS,
    TITLE_KINDS,
    make_dossier,
    make_title_document,
)
from verify.config import Limits
from verify.domain import CredentialKind, Holder, Outcome, Profession
from verify.fields import detect_kind, extract_fields
from verify.pipeline import make_ocr_engine, run_pipeline
from verify.reading import read_document
from verify.reading.ocr import NullEngine
from verify.reasons import Reason

K = CredentialKind
LIMITS = Limits()
TODAY = date(2026, 1, 10)
#: Fields OCR of a clean page must read exactly, per kind; of a scan or photo, those of ``RELIABLE_DEGRADED``.
RELIABLE = {
    K.TITLE_CERTIFICATE: ("id_number", "rank", "grade", "approval_date", "issue_date"),
    K.HEALTH_TITLE_QUALIFICATION: ("id_number", "number", "rank", "grade", "issue_date"),
    K.EMPLOYMENT_LETTER: ("id_number", "institution", "department", "rank", "issue_date"),
}
RELIABLE_DEGRADED = ("id_number", "rank")


@pytest.fixture(scope="module")
def tesseract() -> object:
    return make_ocr_engine("tesseract")


def test_every_dossier_is_one_person_and_every_forgery_differs_from_its_dossier() -> None:
    for name in DOSSIER_KINDS:
        dossier = make_dossier(name, seed=4)
        assert {cert.fields["id_number"] for cert in dossier.documents} == {dossier.holder["id_number"]}
    for name in FORGED_DOSSIERS:
        forged = make_dossier(name, seed=4)
        assert any(cert.fields != original.fields for cert, original in
                   zip(forged.documents, make_dossier(_base_of(name), seed=4).documents, strict=True)), name


def _base_of(forgery: str) -> str:
    return {"other_holder": "associate_chief_physician", "exam_grants_no_senior": "attending_physician"}.get(
        forgery, "chief_physician")


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("kind", TITLE_KINDS)
def test_every_field_of_a_text_pdf_is_exact(kind: CredentialKind, seed: int, layout: str) -> None:
    cert = make_title_document(kind, seed)
    pages = read_document([render_pdf(cert, layout=layout)], ocr=NullEngine(), limits=LIMITS)
    assert detect_kind(pages, None) is kind
    assert extract_fields(kind, pages).values() == cert.fields


@pytest.mark.reading
@pytest.mark.parametrize(("kind", "condition", "layout", "font"), [
    (K.TITLE_CERTIFICATE, "clean", "table", "zenhei"),
    (K.HEALTH_TITLE_QUALIFICATION, "clean", "below", "noto_sans"),
    (K.EMPLOYMENT_LETTER, "clean", "columns", "microhei"),
    (K.TITLE_CERTIFICATE, "scan", "columns", "uming"),
    (K.HEALTH_TITLE_QUALIFICATION, "photo", "lines", "microhei"),
    (K.EMPLOYMENT_LETTER, "scan", "below", "ukai"),
    (K.EMPLOYMENT_LETTER, "photo", "table", "noto_serif"),
])
def test_photos_and_scans_give_the_reliable_fields(tesseract: object, kind: CredentialKind, condition: str,
                                                   layout: str, font: str) -> None:
    if font not in installed_fonts():
        pytest.skip(f"font {font} is not installed")
    cert = make_title_document(kind, seed=5)
    pages = read_document([make_upload(cert, condition, 5, layout=layout, font=font).data], ocr=tesseract,
                          limits=LIMITS)
    assert detect_kind(pages, None) is kind
    got = extract_fields(kind, pages).values()
    names = RELIABLE[kind] if condition == "clean" else RELIABLE_DEGRADED
    assert {name: got.get(name) for name in names} == {name: cert.fields[name] for name in names}


def _alone(cert_kind: CredentialKind, dossier: str, profession: Profession, ocr: object, condition: str = "clean"):
    found = make_dossier(dossier, seed=6)
    cert = found.of(cert_kind)
    data = make_upload(cert, condition, 6).data if condition != "pdf_text" else render_pdf(cert)
    return run_pipeline([data], profession, Holder(**found.holder), ocr=ocr, limits=LIMITS, today=TODAY,
                        confidence_floor=0.8)


@pytest.mark.reading
def test_a_professors_title_certificate_alone_approves_with_its_rank(tesseract: object) -> None:
    result = _alone(K.TITLE_CERTIFICATE, "professor", Profession.TEACHER, tesseract)
    assert (result.decision.outcome, result.kind, result.documents) == (Outcome.APPROVED, K.TITLE_CERTIFICATE, ())
    assert result.extraction is not None and result.extraction.values()["rank"] == "教授"


def test_a_physicians_rank_alone_waits_for_the_practising_certificate() -> None:
    result = _alone(K.TITLE_CERTIFICATE, "chief_physician", Profession.DOCTOR, NullEngine(), "pdf_text")
    assert result.decision.outcome is Outcome.NEEDS_REVIEW
    assert Reason.PRACTICE_CERTIFICATE_NEEDED in result.decision.reasons


@pytest.mark.parametrize("dossier", ["chief_physician", "professor"])
def test_an_employment_letter_alone_never_approves(dossier: str) -> None:
    profession = Profession.TEACHER if dossier == "professor" else Profession.DOCTOR
    result = _alone(K.EMPLOYMENT_LETTER, dossier, profession, NullEngine(), "pdf_text")
    assert result.decision.outcome is Outcome.NEEDS_REVIEW
    assert Reason.EMPLOYMENT_LETTER_REVIEW in result.decision.reasons
    assert {c.code: c.status.value for c in result.checks}["issuer.matches_institution"] == "pass"


def test_a_letter_sealed_by_another_employer_is_rejected() -> None:
    found = make_dossier("seal_differs", seed=6)
    result = run_pipeline([render_pdf(found.letter)], Profession.DOCTOR, Holder(**found.holder), ocr=NullEngine(),
                          limits=LIMITS, today=TODAY, confidence_floor=0.8)
    assert result.decision.outcome is Outcome.REJECTED
    assert result.decision.reasons == ("issuer.matches_institution",)
