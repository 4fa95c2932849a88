"""Verifications from a hand-made reading, for the tests whose subject is not reading.

Processing a submission reads its document (seconds of OCR on this machine, even for a text
PDF, whose layer is checked against its rendering). A test of review, labels, privacy, audit,
tenancy or webhooks needs what processing *writes*, not the reading: ``submit_read_as`` submits
a certificate through the API and records, with the job runner's own ``complete``, the result
the pipeline would give had it read every field exactly. The checks and the decision come from
``verify.pipeline.judge_extraction``, the code that follows reading in the pipeline, so the
stored verification, its label, review item, audit events and webhooks are those of a real run.

The real path stays covered: each area keeps an end-to-end test that reads its document
(marked ``reading``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from flask.testing import FlaskClient

from tests.certificates import Certificate, render_pdf
from tests.uploads import signed_pdf, submit
from verify.domain import Extraction, FieldValue, Holder, Profession
from verify.pipeline import PipelineResult, judge_extraction
from verify.reasons import Reason
from verify.services.context import Services
from verify.services.processing import claim_next, complete

#: What provenance holds back for a typed, unsigned PDF (``render_pdf`` without a signature).
TYPED_PDF: tuple[str, ...] = (Reason.UNSIGNED_DIGITAL_DOCUMENT,)


def read_as(services: Services, cert: Certificate, *, profession: str | None = None, holder: Holder | None = None,
            holds: Sequence[str] = (), confidence: float = 1.0, source: str = "text",
            fields: dict[str, str] | None = None) -> PipelineResult:
    """The result of reading ``cert`` exactly (or its ``fields`` replaced by those given), checked and decided.

    ``holds`` are what the document's provenance would hold back: none for a signed PDF or a photo,
    ``TYPED_PDF`` for a typed one.
    """
    values = {**cert.fields, **(fields or {})}
    extraction = Extraction(cert.kind, {name: FieldValue(value, value, confidence, source)
                                        for name, value in values.items()})
    return judge_extraction(extraction, Profession(profession) if profession else None, holder or Holder(),
                            today=services.clock().date(), confidence_floor=services.settings.ocr_confidence_floor,
                            holds=tuple(holds))


def record(services: Services, verification_id: str, result: PipelineResult) -> None:
    """Claim the pending verification and write ``result`` as the job runner does (label, review item, webhooks)."""
    claim = claim_next(services, verification_id)
    assert claim is not None, f"verification {verification_id} is not waiting to be processed"
    assert complete(services, claim, result), "the lease was lost"


@functools.cache
def _typed_pdf(cert: Certificate) -> bytes:
    return render_pdf(cert)


@functools.cache
def _signed_pdf(cert: Certificate) -> bytes:
    return signed_pdf(cert)


def submit_read_as(client: FlaskClient, services: Services, key: str, cert: Certificate, *, signed: bool = False,
                   document: bytes | None = None, holds: Sequence[str] | None = None,
                   fields: dict[str, str] | None = None, **form: Any) -> Any:
    """Submit ``cert`` and record it as read exactly (``fields`` replaced); the 202 answer.

    The document is ``cert`` as a typed PDF (held back by ``TYPED_PDF``), as a PDF signed by the
    tests' trusted issuer (``signed``, nothing held back) or ``document`` (a photo of it, say;
    nothing held back unless ``holds``). ``form`` is the submission's form (``account_id``,
    ``profession``, ``holder_name`` ...) as for ``tests.api.test_verifications.submit``; the
    result's holder and profession are taken from it.
    """
    if document is None:
        document = _signed_pdf(cert) if signed else _typed_pdf(cert)
    if holds is None:
        holds = TYPED_PDF if document == _typed_pdf(cert) else ()
    answer = submit(client, key, document, **form)
    assert answer.status_code == 202, answer.json
    holder = Holder(name=form.get("holder_name"), id_number=form.get("holder_id_number"))
    result = read_as(services, cert, profession=form.get("profession", "doctor"), holder=holder, holds=holds,
                     fields=fields)
    record(services, answer.json["id"], result)
    return answer
