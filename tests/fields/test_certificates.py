"""Generated certificates end to end: bytes -> read_document -> detect_kind -> extract_fields.

Text-layer PDFs must give every field exactly. Images go through real Tesseract, so
only the fields OCR reads reliably are held to exactness; the name must be right on
most certificates. About a dozen OCR pages in all (about a second each).
"""

from __future__ import annotations

import pytest

from tests.certificates import degrade, make_certificate, render_image, render_pdf, to_jpeg, to_png
from verify.config import Limits
from verify.domain import CredentialKind, Extraction, Profession
from verify.fields import detect_kind, extract_fields
from verify.reading import read_document
from verify.reading.ocr import FailingEngine, TesseractEngine

#: The kinds tests/certificates.py builds (the rank and workplace kinds are tests/title_documents.py's; which
#: of them are in ``LABELS`` depends on whether that module was imported first, so they are not taken from it).
KINDS = (CredentialKind.PHYSICIAN_PRACTICE, CredentialKind.PHYSICIAN_QUALIFICATION, CredentialKind.LAWYER_PRACTICE,
         CredentialKind.TEACHER_QUALIFICATION)
PROFESSION = {
    CredentialKind.PHYSICIAN_PRACTICE: Profession.DOCTOR,
    CredentialKind.PHYSICIAN_QUALIFICATION: Profession.DOCTOR,
    CredentialKind.LAWYER_PRACTICE: Profession.LAWYER,
    CredentialKind.TEACHER_QUALIFICATION: Profession.TEACHER,
}
#: Fields OCR of a clean 300 dpi image must read exactly.
RELIABLE = ("number", "id_number", "gender", "issue_date", "category")
LIMITS = Limits()
NEVER_OCR = FailingEngine(AssertionError("OCR must not run"))


def read(parts: list[bytes], kind: CredentialKind, ocr: object = NEVER_OCR) -> Extraction:
    pages = read_document(parts, ocr=ocr, limits=LIMITS)  # type: ignore[arg-type]
    assert detect_kind(pages, None) is kind
    assert detect_kind(pages, PROFESSION[kind]) is kind
    return extract_fields(kind, pages)


@pytest.fixture(scope="module")
def tesseract() -> TesseractEngine:
    return TesseractEngine()


@pytest.mark.parametrize("layout", ["table", "lines"])
@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("kind", KINDS)
def test_every_field_of_a_text_pdf_is_exact(kind: CredentialKind, seed: int, layout: str) -> None:
    cert = make_certificate(kind, seed)
    extraction = read([render_pdf(cert, layout=layout)], kind)
    assert extraction.values() == cert.fields
    assert {(f.confidence, f.source) for f in extraction.fields.values()} == {(1.0, "text")}


def test_the_certificate_on_page_two_of_a_text_pdf() -> None:
    cert = make_certificate("teacher_qualification", seed=7)
    extraction = read([render_pdf(cert, cover_page=True)], cert.kind)
    assert extraction.values() == cert.fields


@pytest.fixture(scope="module")
def clean_reads(tesseract: TesseractEngine) -> dict[tuple[CredentialKind, str], tuple[dict, Extraction]]:
    """Each kind in both layouts as a clean 300 dpi PNG, read once for the tests below."""
    reads = {}
    for i, kind in enumerate(KINDS):
        for layout, font in (("table", "zenhei"), ("lines", "microhei")):
            cert = make_certificate(kind, seed=20 + i)
            image = render_image(cert, layout=layout, font=font)
            reads[kind, layout] = cert.fields, read([to_png(image)], kind, tesseract)
    return reads


@pytest.mark.parametrize("layout", ["table", "lines"])
@pytest.mark.parametrize("kind", KINDS)
def test_clean_images_give_the_numbers_dates_and_words_exactly(
    clean_reads: dict, kind: CredentialKind, layout: str
) -> None:
    expected, extraction = clean_reads[kind, layout]
    got = extraction.values()
    assert {name: got.get(name) for name in RELIABLE if name in expected} == {
        name: expected[name] for name in RELIABLE if name in expected
    }
    assert all(f.source == "ocr" and 0.0 <= f.confidence <= 1.0 for f in extraction.fields.values())


def test_clean_images_give_the_name_on_most_certificates(clean_reads: dict) -> None:
    right = [extraction.values().get("name") == expected["name"] for expected, extraction in clean_reads.values()]
    assert sum(right) >= 5, right


def test_an_image_only_pdf_is_read_by_ocr(tesseract: TesseractEngine) -> None:
    cert = make_certificate("physician_qualification", seed=3)
    extraction = read([render_pdf(cert, text_layer=False)], cert.kind, tesseract)
    assert {f.source for f in extraction.fields.values()} == {"ocr"}
    for name in ("number", "id_number", "issue_date"):
        assert extraction.values()[name] == cert.fields[name]


def test_a_scanned_certificate_after_a_text_cover_page(tesseract: TesseractEngine) -> None:
    cert = make_certificate("lawyer_practice", seed=11)
    pages = read_document([render_pdf(cert, text_layer=False, cover_page=True)], ocr=tesseract, limits=LIMITS)
    assert [p.source for p in pages] == ["text", "ocr"]
    extraction = extract_fields(cert.kind, pages)
    for name in ("number", "qualification_number", "id_number"):
        assert extraction.values()[name] == cert.fields[name]


@pytest.mark.parametrize("condition", ["photo", "scan"])
def test_a_phone_photo_and_a_grey_scan_still_give_the_numbers(tesseract: TesseractEngine, condition: str) -> None:
    cert = make_certificate("teacher_qualification", seed=5)
    image = degrade(render_image(cert, layout="table"), condition, seed=5)
    extraction = read([to_jpeg(image, 80)], cert.kind, tesseract)
    for name in ("number", "id_number", "birth_date"):
        assert extraction.values()[name] == cert.fields[name]
