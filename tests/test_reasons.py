"""Every reason a verification can give has words for the reviewer and for the applicant."""

from __future__ import annotations

import pytest

import verify.errors
from verify.reasons import APPLICANT_TEXT, REVIEWER_TEXT, Reason
from verify.services.review.reasons import REASON_CODES
from verify.web.words import reason_text


def _subclasses(cls: type) -> set[type]:
    return {sub for direct in cls.__subclasses__() for sub in {direct, *_subclasses(direct)}}


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_has_reviewer_and_applicant_text(reason: Reason) -> None:
    assert REVIEWER_TEXT.get(reason, "").strip(), f"{reason} has no reviewer text"
    assert APPLICANT_TEXT.get(reason, "").strip(), f"{reason} has no applicant text"


def test_the_tables_name_only_reasons() -> None:
    assert set(REVIEWER_TEXT) == set(APPLICANT_TEXT) == set(Reason)


def test_applicant_texts_never_show_a_code() -> None:
    assert not [text for text in APPLICANT_TEXT.values() if any(reason.value in text for reason in Reason)]


def test_every_document_error_is_a_reason() -> None:
    """A document that cannot be read is decided with its error's slug (verify.decide.decide_unreadable)."""
    slugs = {error.type_slug for error in {verify.errors.DocumentError, *_subclasses(verify.errors.DocumentError)}}
    assert slugs | {verify.errors.IntegrityFailure.type_slug} <= {reason.value for reason in Reason}


@pytest.mark.parametrize("reason", list(Reason))
def test_the_console_shows_every_reason_in_words(reason: Reason) -> None:
    assert reason_text(reason.value, {}) == REVIEWER_TEXT[reason]


def test_every_decision_reason_has_reviewer_and_applicant_text() -> None:
    assert all(code.title.strip() and code.message.strip() for code in REASON_CODES)
