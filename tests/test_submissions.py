"""One verification, several documents: each read on its own, checked together, the primary first.

A submission of one document is read exactly as before (its pages are never split); a practising
certificate with a title certificate (and an employment letter) is split per document, and every
forged combination stays away from approval.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.certificates import make_certificate, make_upload, render_pdf
from tests.title_documents import FORGED_DOSSIERS, make_dossier
from verify.config import Limits
from verify.domain import CredentialKind, Holder, Outcome, Profession
from verify.labels.table import label_text, with_workplace
from verify.pipeline import make_ocr_engine, run_pipeline
from verify.reading import read_document
from verify.reading.ocr import NullEngine
from verify.reasons import Reason
from verify.submission import split_documents

K = CredentialKind
LIMITS = Limits()
TODAY = date(2026, 1, 10)
#: What stops each forged combination (text PDFs: a typed document is held for review in any case).
STOPPED_BY = {
    "rank_above_practice": (Outcome.REJECTED, "title.rank_within_practice"),
    "seal_differs": (Outcome.REJECTED, "issuer.matches_institution"),
    "other_holder": (Outcome.REJECTED, "documents.same_holder"),
    "grade_mismatch": (Outcome.REJECTED, "grade.matches_rank"),
    "exam_grants_no_senior": (Outcome.REJECTED, "rank.granted_by_exam"),
    "specialty_outside_scope": (Outcome.NEEDS_REVIEW, "title.specialty_matches_scope"),
}


def run(parts: list[bytes], holder: dict[str, str], profession: Profession = Profession.DOCTOR,
        ocr: object = None) -> object:
    return run_pipeline(parts, profession, Holder(**holder), ocr=ocr or NullEngine(), limits=LIMITS, today=TODAY,
                        confidence_floor=0.8)


@pytest.mark.parametrize("kind", ["physician_practice", "lawyer_practice", "teacher_qualification"])
def test_one_document_is_never_split(kind: str) -> None:
    cert = make_certificate(kind, seed=3)
    for parts in ([render_pdf(cert)], [render_pdf(cert, cover_page=True)], [render_pdf(cert), render_pdf(cert)]):
        assert split_documents(read_document(parts, ocr=NullEngine(), limits=LIMITS)) is None
    result = run([render_pdf(cert)], {"name": cert.fields["name"], "id_number": cert.fields["id_number"]},
                 Profession.DOCTOR if kind.startswith("physician") else None)
    assert result.documents == () and result.kind is CredentialKind(kind)


def test_each_document_is_read_on_its_own_and_the_title_is_primary() -> None:
    dossier = make_dossier("chief_physician", seed=2)
    result = run([render_pdf(cert) for cert in dossier.documents], dossier.holder)
    assert [(d.kind, d.backs, d.primary) for d in result.documents] == [
        (K.TITLE_CERTIFICATE, "rank", True), (K.PHYSICIAN_PRACTICE, "practice", False),
        (K.EMPLOYMENT_LETTER, "workplace", False)]
    for document, cert in zip(result.documents, (dossier.title, *dossier.documents[::2]), strict=True):
        assert document.extraction.values() == cert.fields
    assert result.kind is K.TITLE_CERTIFICATE
    values = result.extraction.values()
    assert (values["department"], values["employer"]) == (dossier.letter.fields["department"],
                                                          dossier.letter.fields["institution"])
    assert result.decision.outcome is Outcome.NEEDS_REVIEW
    assert Reason.EMPLOYMENT_LETTER_REVIEW in result.decision.reasons
    assert not [c for c in result.checks if c.status.value == "fail"]
    codes = {c.code for c in result.checks}
    assert {"documents.same_holder", "title.rank_within_practice", "employer.matches_practice"} <= codes
    assert any(c.message.startswith("在职证明: ") for c in result.checks)


def test_pages_of_no_kind_go_with_the_document_before_them() -> None:
    dossier = make_dossier("professor", seed=1)
    parts = [render_pdf(dossier.title, cover_page=True), render_pdf(dossier.letter)]
    documents = split_documents(read_document(parts, ocr=NullEngine(), limits=LIMITS))
    assert documents is not None and [(kind, len(pages)) for kind, pages in documents] == [
        (K.TITLE_CERTIFICATE, 2), (K.EMPLOYMENT_LETTER, 1)]


@pytest.mark.parametrize("forgery", FORGED_DOSSIERS)
def test_forged_combinations_never_approve(forgery: str) -> None:
    dossier = make_dossier(forgery, seed=3)
    result = run([render_pdf(cert) for cert in dossier.documents], dossier.holder)
    outcome, code = STOPPED_BY[forgery]
    assert result.decision.outcome is outcome
    assert code in result.decision.reasons or code in {c.code for c in result.checks if c.status.value != "pass"}


@pytest.mark.reading
def test_a_chief_physicians_practice_and_title_photos_approve_the_rank() -> None:
    dossier = make_dossier("chief_physician", seed=5)
    ocr = make_ocr_engine("tesseract")
    parts = [make_upload(cert, "clean", 5).data for cert in dossier.documents[:2]]
    result = run(parts, dossier.holder, ocr=ocr)
    assert result.decision.outcome is Outcome.APPROVED, result.decision.reasons
    text = with_workplace(label_text(result.kind, result.extraction.values()), result.extraction.values())
    assert text.display == "医疗卫生 · 主任医师"  # no letter: no workplace


@pytest.mark.reading
def test_a_photographed_title_above_an_assistants_licence_never_approves() -> None:
    dossier = make_dossier("rank_above_practice", seed=5)
    ocr = make_ocr_engine("tesseract")
    result = run([make_upload(cert, "photo", 5).data for cert in dossier.documents[:2]], dossier.holder, ocr=ocr)
    assert result.decision.outcome is not Outcome.APPROVED
    assert "title.rank_within_practice" in result.decision.reasons
