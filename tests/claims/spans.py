"""The span check every claim test uses: a claim's offsets point exactly at its text as written."""

from __future__ import annotations

from verify.claims import Account, ScanResult


def assert_spans(account: Account, result: ScanResult) -> None:
    """``field_value[start:end] == text`` for every claim of ``result``."""
    for claim in result.claims:
        value = getattr(account, claim.field.value)
        assert value is not None, claim
        assert value[claim.start:claim.end] == claim.text, (value, claim)
        assert 0 <= claim.start < claim.end <= len(value), claim
