"""Checks -> outcome with reasons.

The rule of the house: a hard rule that fails rejects, unless an OCR misread could
explain it (the field came from OCR with low confidence): then a person decides.
Anything doubtful (a WARN, a missing field, an unsure read) goes to manual review, and so
does a case with a ``hold``: a reason outside the checks that keeps the machine from approving
(a typed PDF, missing real-name data, a credential in use by another account ...). A hold
never turns a rejection into a review: a document that breaks a hard rule is rejected whatever
else is true of it.
Nothing read by OCR is approved while one of the ``DECISIVE_FIELDS`` it read (whether
or not a check uses it: the name often has none) is both below the confidence floor and
unconfirmed: a field is confirmed when a passing check ties it
to another field, to the holder or to a check character (a misread that still agrees
is very unlikely).

>>> from verify.domain import Check, CheckStatus as S
>>> decide(None, [], confidence_floor=0.8).outcome
<Outcome.NEEDS_REVIEW: 'needs_review'>
"""

from __future__ import annotations

from collections.abc import Iterable

from verify.domain import Check, CheckStatus, Decision, Extraction, Outcome
from verify.reasons import Reason

#: Document errors that a second look (or a better scan) may fix go to review;
#: the others reject the upload.
_REVIEW_ERRORS = frozenset({Reason.PARSE_TIMEOUT, Reason.OCR_TIMEOUT, Reason.PROCESSING_FAILED, Reason.INTEGRITY_ERROR})

#: The fields an approval rests on: who the holder is, which credential, what it allows.
#: An unsure read of another field (issuer, institution, scope ...) is shown to people
#: but does not hold an approval back.
DECISIVE_FIELDS = frozenset(
    {"name", "gender", "birth_date", "id_number", "number", "level", "category", "issue_date"}
)


def _min_ocr_confidence(extraction: Extraction, names: Iterable[str]) -> float:
    scores = [
        extraction.fields[name].confidence
        for name in names
        if name in extraction.fields and extraction.fields[name].source == "ocr"
    ]
    return min(scores, default=1.0)


def _confirmed(checks: list[Check]) -> set[str]:
    """Fields that a passing check ties to another field, to the holder or to a check character."""
    confirmed: set[str] = set()
    for check in checks:
        if check.status is CheckStatus.PASS and (
            len(check.fields) > 1 or check.code.endswith((".checksum", ".matches_holder"))
        ):
            confirmed.update(check.fields)
    return confirmed


def decide(
    extraction: Extraction | None,
    checks: list[Check],
    *,
    confidence_floor: float,
    disputed: frozenset[str] = frozenset(),
    holds: tuple[Reason, ...] = (),
) -> Decision:
    """The outcome of a document's checks.

    ``confidence_floor`` (``VERIFY_OCR_CONFIDENCE_FLOOR``) applies to OCR-read fields only (a text layer
    has 1.0).
    ``disputed`` fields were read differently by two OCR readings (verify.fields.reread):
    a failure on one goes to review, and a decisive one holds approval back whatever
    checks it passes. ``holds`` are reasons to send the case to review that the checks do
    not see; they follow the checks' own reasons.

    >>> decision = decide(None, [], confidence_floor=0.8, holds=(Reason.HOLDER_UNKNOWN,))
    >>> decision.reasons == ("kind_not_recognised", "holder_unknown")
    True
    """
    if extraction is None or extraction.kind is None:
        return Decision(Outcome.NEEDS_REVIEW, (Reason.KIND_NOT_RECOGNISED, *holds))
    if not extraction.fields.get("number"):
        return Decision(Outcome.NEEDS_REVIEW, (Reason.NUMBER_NOT_FOUND, *holds))
    if not extraction.fields.get("name"):
        return Decision(Outcome.NEEDS_REVIEW, (Reason.NAME_NOT_FOUND, *holds))
    hard: list[str] = []
    doubtful: list[str] = []
    for check in checks:
        if check.status is CheckStatus.FAIL:
            unsure = _min_ocr_confidence(extraction, check.fields) < confidence_floor or bool(
                disputed & set(check.fields)
            )
            (doubtful if unsure else hard).append(check.code)
        elif check.status is CheckStatus.WARN:
            doubtful.append(check.code)
    if hard:
        return Decision(Outcome.REJECTED, tuple(hard))
    if doubtful:
        return Decision(Outcome.NEEDS_REVIEW, (*doubtful, *holds))
    read = (set(extraction.fields) | {name for check in checks for name in check.fields}) & DECISIVE_FIELDS
    unsure: tuple[Reason, ...] = ()
    if read & disputed:
        unsure = (Reason.OCR_READINGS_DISAGREE,)
    elif _min_ocr_confidence(extraction, read - _confirmed(checks)) < confidence_floor:
        unsure = (Reason.LOW_CONFIDENCE,)
    if unsure or holds:
        return Decision(Outcome.NEEDS_REVIEW, (*holds, *unsure))
    return Decision(Outcome.APPROVED)


def decide_unreadable(error: Reason) -> Decision:
    """The outcome when the document could not be read at all (a document error's reason).

    >>> decide_unreadable(Reason.OCR_TIMEOUT).outcome
    <Outcome.NEEDS_REVIEW: 'needs_review'>
    >>> decide_unreadable(Reason("encrypted_pdf")).reasons
    (<Reason.ENCRYPTED_PDF: 'encrypted_pdf'>,)
    """
    outcome = Outcome.NEEDS_REVIEW if error in _REVIEW_ERRORS else Outcome.REJECTED
    return Decision(outcome, (error,))
