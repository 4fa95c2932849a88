"""Precision and recall of the claim scan on the labelled set (tests/claims/accounts.jsonl).

A found claim matches an expected one when it is in the same field, of the same profession, and
their spans overlap (the expected ``text`` located in the field); each expected claim is matched
once. Per category: recall (expected claims found), precision (found claims expected); for
``negative``, the share of accounts with any claim; for ``borderline``, the share of accounts
whose claims and account action are exactly the documented ones. Targets (issue 12): recall
>= 97 % on plain titles (plain, bio, multi), >= 90 % on evasions, <= 3 % of negatives flagged.

Used by tests/claims/test_labelled_set.py and bench/claims.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.claims import Account, ScanResult, scan

ACCOUNTS = Path(__file__).with_name("accounts.jsonl")
PLAIN = ("plain", "bio", "multi")
EVASIONS = ("traditional", "variant", "separator", "invisible", "width", "case", "homoglyph", "pinyin", "initials",
            "english", "homophone")
TARGET_PLAIN_RECALL, TARGET_EVASION_RECALL, TARGET_NEGATIVES_FLAGGED = 0.97, 0.90, 0.03


def load(path: Path = ACCOUNTS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def account(row: dict[str, Any]) -> Account:
    return Account(row["account_id"], row["name"], bio=row.get("bio"), handle=row.get("handle"))


@dataclass
class Tally:
    expected: int = 0
    found: int = 0
    matched: int = 0
    titles_right: int = 0
    accounts: int = 0
    flagged: int = 0
    agreed: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    def add(self, other: Tally) -> None:
        for name in ("expected", "found", "matched", "titles_right", "accounts", "flagged", "agreed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses


def _spans(value: str, text: str) -> list[tuple[int, int]]:
    spans, start = [], value.find(text)
    while start >= 0:
        spans.append((start, start + len(text)))
        start = value.find(text, start + 1)
    return spans


def judge_row(row: dict[str, Any], result: ScanResult) -> Tally:
    tally = Tally(expected=len(row["expect"]), found=len(result.claims), accounts=1, flagged=int(bool(result.claims)))
    unmatched = list(result.claims)
    for expected in row["expect"]:
        value = row[expected["field"]]
        spans = _spans(value, expected["text"])
        hit = next((c for c in unmatched if c.field.value == expected["field"]
                    and c.profession.value == expected["profession"]
                    and any(c.start < end and start < c.end for start, end in spans)), None)
        if hit is None:
            tally.misses.append(f"{row['account_id']}: missed {expected['profession']} {expected['text']!r} in "
                                f"{expected['field']} {value!r}")
            continue
        unmatched.remove(hit)
        tally.matched += 1
        tally.titles_right += hit.title == expected["title"]
    for extra in unmatched:
        tally.misses.append(f"{row['account_id']}: unexpected {extra.profession.value} {extra.text!r} in "
                            f"{extra.field.value} {row[extra.field.value]!r}")
    exact = tally.matched == tally.expected == tally.found
    tally.agreed = int(exact and result.action.value == row.get("action", result.action.value))
    if exact and not tally.agreed:
        tally.misses.append(f"{row['account_id']}: action {result.action.value}, expected {row['action']}: "
                            + "; ".join(f"{c.text} {c.action.value} {c.reason}" for c in result.claims))
    return tally


def evaluate(rows: Iterable[dict[str, Any]], scanner: Callable[[Account], ScanResult] = scan) -> dict[str, Tally]:
    """Tallies per category, plus ``plain titles`` and ``evasions`` (their sums)."""
    tallies: dict[str, Tally] = {}
    for row in rows:
        tallies.setdefault(row["category"], Tally()).add(judge_row(row, scanner(account(row))))
    for group, members in (("plain titles", PLAIN), ("evasions", EVASIONS)):
        total = Tally()
        for member in members:
            total.add(tallies.get(member, Tally()))
        tallies[group] = total
    return tallies


def targets_met(tallies: dict[str, Tally]) -> dict[str, bool]:
    negatives = tallies["negative"]
    return {
        f"recall on plain titles >= {TARGET_PLAIN_RECALL:.0%}": tallies["plain titles"].recall >= TARGET_PLAIN_RECALL,
        f"recall on evasions >= {TARGET_EVASION_RECALL:.0%}": tallies["evasions"].recall >= TARGET_EVASION_RECALL,
        f"negatives flagged <= {TARGET_NEGATIVES_FLAGGED:.0%}":
            negatives.flagged / negatives.accounts <= TARGET_NEGATIVES_FLAGGED,
    }


def report(tallies: dict[str, Tally]) -> list[str]:
    lines = [f"{'category':14} {'accounts':>8} {'expected':>8} {'found':>6} {'recall':>7} {'precision':>9} "
             f"{'title ok':>8} {'flagged':>7} {'agreed':>6}"]
    for name, tally in tallies.items():
        title_share = tally.titles_right / tally.matched if tally.matched else 1.0
        lines.append(f"{name:14} {tally.accounts:>8} {tally.expected:>8} {tally.found:>6} {tally.recall:>7.1%} "
                     f"{tally.precision:>9.1%} {title_share:>8.1%} {tally.flagged / max(1, tally.accounts):>7.1%} "
                     f"{tally.agreed / max(1, tally.accounts):>6.1%}")
    return lines


if __name__ == "__main__":
    results = evaluate(load())
    print("\n".join(report(results)))
    for name in [*PLAIN, *EVASIONS, "negative", "borderline"]:
        for miss in results.get(name, Tally()).misses:
            print(miss)
