"""The labelled set (tests/claims/accounts.jsonl): the issue's targets, and every claim's span."""

from __future__ import annotations

from tests.claims.evaluate import account, evaluate, load, report, targets_met
from tests.claims.spans import assert_spans
from verify.claims import scan


def test_recall_and_precision_targets_are_met() -> None:
    tallies = evaluate(load())
    assert all(targets_met(tallies).values()), "\n".join(report(tallies))


def test_every_claim_of_the_set_points_at_its_text() -> None:
    for row in load():
        acct = account(row)
        assert_spans(acct, scan(acct))


def test_the_set_is_big_enough_and_has_every_category() -> None:
    rows = load()
    categories = {row["category"] for row in rows}
    assert len(rows) >= 500
    assert {"plain", "bio", "multi", "negative", "borderline", "traditional", "separator", "invisible", "width",
            "case", "homoglyph", "pinyin", "initials", "english", "homophone", "variant"} <= categories
