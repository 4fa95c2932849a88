"""Checks -> outcome: the rules that keep OCR guesses from approving or rejecting."""

from __future__ import annotations

from verify.config import Settings
from verify.decide import decide, decide_unreadable
from verify.domain import Check, CheckStatus, CredentialKind, Extraction, FieldValue, Outcome

PASS, FAIL, WARN = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.WARN
FLOOR = Settings().ocr_confidence_floor  # the service's floor: reads below it never decide on their own


def _extraction(source: str = "ocr", **confidence: float) -> Extraction:
    names = ("name", "number", "id_number", "gender", "category", "issuer")
    fields = {n: FieldValue("x", "x", confidence.get(n, 0.99), source) for n in names}
    return Extraction(CredentialKind.LAWYER_PRACTICE, fields)


def test_all_pass_with_sure_reads_is_approved() -> None:
    checks = [Check("number.format", PASS, "", ("number",)), Check("name.present", PASS, "", ("name",))]
    assert decide(_extraction(), checks, confidence_floor=FLOOR).outcome is Outcome.APPROVED


def test_a_hard_failure_on_a_sure_read_rejects() -> None:
    checks = [Check("gender.matches_number", FAIL, "", ("gender", "number"))]
    decision = decide(_extraction(), checks, confidence_floor=FLOOR)
    assert decision == decision.__class__(Outcome.REJECTED, ("gender.matches_number",))


def test_a_failure_an_unsure_read_could_explain_goes_to_review() -> None:
    checks = [Check("id_number.checksum", FAIL, "", ("id_number",))]
    assert decide(_extraction(id_number=0.6), checks, confidence_floor=FLOOR).outcome is Outcome.NEEDS_REVIEW
    assert decide(_extraction("text", id_number=0.6), checks, confidence_floor=FLOOR).outcome is Outcome.REJECTED


def test_warnings_go_to_review_with_their_codes() -> None:
    checks = [Check("name.matches_holder", WARN, "", ("name",)), Check("number.format", PASS, "", ("number",))]
    assert decide(_extraction(), checks, confidence_floor=FLOOR).reasons == ("name.matches_holder",)


def test_an_unsure_unconfirmed_decisive_field_holds_approval_back() -> None:
    checks = [Check("name.present", PASS, "", ("name",))]
    decision = decide(_extraction(name=0.5), checks, confidence_floor=FLOOR)
    assert (decision.outcome, decision.reasons) == (Outcome.NEEDS_REVIEW, ("low_confidence",))


def test_an_unsure_field_confirmed_by_a_cross_check_or_check_character_does_not() -> None:
    tied = [Check("category.matches_number", PASS, "", ("category", "number"))]
    assert decide(_extraction(category=0.5, number=0.5), tied, confidence_floor=FLOOR).outcome is Outcome.APPROVED
    checksum = [Check("id_number.checksum", PASS, "", ("id_number",))]
    assert decide(_extraction(id_number=0.5), checksum, confidence_floor=FLOOR).outcome is Outcome.APPROVED


def test_an_unsure_informational_field_does_not_hold_approval_back() -> None:
    checks = [Check("issuer.province_known", PASS, "", ("issuer",))]
    assert decide(_extraction(issuer=0.3), checks, confidence_floor=FLOOR).outcome is Outcome.APPROVED


def test_nothing_recognised_or_no_number_goes_to_review() -> None:
    assert decide(None, [], confidence_floor=FLOOR).reasons == ("kind_not_recognised",)
    extraction = _extraction()
    del extraction.fields["number"]
    assert decide(extraction, [], confidence_floor=FLOOR).reasons == ("number_not_found",)


def test_no_name_goes_to_review() -> None:
    extraction = _extraction()
    del extraction.fields["name"]
    assert decide(extraction, [], confidence_floor=FLOOR).reasons == ("name_not_found",)


def test_an_unsure_name_holds_approval_back_though_no_check_uses_it() -> None:
    checks = [Check("number.format", PASS, "", ("number",))]
    assert decide(_extraction(name=0.3), checks, confidence_floor=FLOOR).reasons == ("low_confidence",)


def test_a_disputed_field_goes_to_review_whatever_checks_it_passes() -> None:
    tied = [Check("issue_date.after_number_year", PASS, "", ("issue_date", "number"))]
    extraction = _extraction()
    extraction.fields["issue_date"] = FieldValue("2020-01-19", "2020年11月49日", 0.5, "ocr")
    # a check tying the year confirms it ...
    assert decide(extraction, tied, confidence_floor=FLOOR).outcome is Outcome.APPROVED
    # ... unless the readings disagree
    decision = decide(extraction, tied, disputed=frozenset({"issue_date"}), confidence_floor=FLOOR)
    assert (decision.outcome, decision.reasons) == (Outcome.NEEDS_REVIEW, ("ocr_readings_disagree",))


def test_a_failure_on_a_disputed_field_goes_to_review_not_rejection() -> None:
    checks = [Check("gender.matches_number", FAIL, "", ("gender", "number"))]
    decision = decide(_extraction(), checks, disputed=frozenset({"gender"}), confidence_floor=FLOOR)
    assert decision.outcome is Outcome.NEEDS_REVIEW


def test_unreadable_documents() -> None:
    assert decide_unreadable("parse_error").outcome is Outcome.REJECTED
    assert decide_unreadable("ocr_timeout").outcome is Outcome.NEEDS_REVIEW
