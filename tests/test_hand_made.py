"""tests/hand_made.py gives what the real pipeline gives for a certificate it reads exactly.

The tests that record hand-made readings stand in for the pipeline only as long as this holds.
"""

from __future__ import annotations

import pytest

from tests.certificates import make_certificate, render_pdf
from tests.hand_made import TYPED_PDF, read_as
from tests.title_documents import TITLE_KINDS, make_title_document
from verify.domain import CredentialKind, Holder
from verify.kinds import DOCUMENTS
from verify.pipeline import make_ocr_engine, run_pipeline
from verify.services.context import Services


@pytest.mark.reading
@pytest.mark.parametrize("kind", sorted(kind.value for kind in DOCUMENTS))
def test_a_typed_pdf_read_by_the_pipeline_gives_the_hand_made_result(services: Services, kind: str) -> None:
    cert = make_title_document(kind, 61) if CredentialKind(kind) in TITLE_KINDS else make_certificate(kind, seed=61)
    holder = Holder(name=cert.fields["name"], id_number=cert.fields["id_number"])
    settings = services.settings
    real = run_pipeline([render_pdf(cert)], None, holder, ocr=make_ocr_engine(settings.ocr_engine),
                        limits=settings.limits, today=services.clock().date(),
                        confidence_floor=settings.ocr_confidence_floor, trust_roots=services.trust_roots)
    made = read_as(services, cert, holder=holder, holds=TYPED_PDF)
    assert real.kind is made.kind is cert.kind
    assert real.extraction is not None and made.extraction is not None
    assert real.extraction.values() == made.extraction.values()
    assert real.checks == made.checks
    assert real.decision == made.decision

