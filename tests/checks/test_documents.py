"""Checks across the documents of one submission (verify.checks.documents)."""

from __future__ import annotations

import pytest

from tests.checks.documents import DOCUMENTS, TODAY
from verify.checks.documents import cross_checks
from verify.domain import Check, CheckStatus, CredentialKind

K = CredentialKind
PRACTICE, TITLE, LETTER = (DOCUMENTS[k] for k in (K.PHYSICIAN_PRACTICE, K.TITLE_CERTIFICATE, K.EMPLOYMENT_LETTER))


def statuses(checks: list[Check]) -> dict[str, CheckStatus]:
    return {c.code: c.status for c in checks}


def test_consistent_documents_pass_every_check() -> None:
    checks = cross_checks({K.PHYSICIAN_PRACTICE: PRACTICE, K.TITLE_CERTIFICATE: TITLE, K.EMPLOYMENT_LETTER: LETTER},
                          TODAY)
    assert set(statuses(checks)) == {"documents.same_holder", "documents.same_name", "title.rank_within_practice",
                                     "title.specialty_matches_scope", "employer.matches_practice",
                                     "employer.matches_title", "letter.rank_matches_title"}
    assert set(statuses(checks).values()) == {CheckStatus.PASS}


@pytest.mark.parametrize(("kind", "changes", "code", "status"), [
    (K.TITLE_CERTIFICATE, {"id_number": "110105197804120046"}, "documents.same_holder", CheckStatus.FAIL),
    (K.TITLE_CERTIFICATE, {"name": "王方"}, "documents.same_name", CheckStatus.WARN),
    (K.PHYSICIAN_PRACTICE, {"level": "执业助理医师"}, "title.rank_within_practice", CheckStatus.FAIL),
    (K.PHYSICIAN_PRACTICE, {"scope": "儿科专业"}, "title.specialty_matches_scope", CheckStatus.WARN),
    (K.PHYSICIAN_PRACTICE, {"category": "口腔", "scope": "口腔专业"}, "title.specialty_matches_scope",
     CheckStatus.WARN),
    (K.TITLE_CERTIFICATE, {"specialty": "麻醉学"}, "title.specialty_matches_scope", CheckStatus.WARN),
    (K.EMPLOYMENT_LETTER, {"institution": "杭州市第二人民医院"}, "employer.matches_practice", CheckStatus.WARN),
    (K.EMPLOYMENT_LETTER, {"rank": "副主任医师"}, "letter.rank_matches_title", CheckStatus.WARN),
])
def test_documents_that_disagree(kind: CredentialKind, changes: dict[str, str], code: str,
                                 status: CheckStatus) -> None:
    documents = {K.PHYSICIAN_PRACTICE: PRACTICE, K.TITLE_CERTIFICATE: TITLE, K.EMPLOYMENT_LETTER: LETTER}
    documents[kind] = documents[kind] | changes
    assert statuses(cross_checks(documents, TODAY))[code] is status


def test_a_title_that_needs_no_execution_rank_is_not_held_to_the_practising_level() -> None:
    checks = cross_checks({K.PHYSICIAN_PRACTICE: PRACTICE | {"level": "执业助理医师"},
                           K.TITLE_CERTIFICATE: TITLE | {"rank": "医士", "grade": "初级"}}, TODAY)
    assert "title.rank_within_practice" not in statuses(checks)
