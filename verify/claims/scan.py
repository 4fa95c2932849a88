"""``scan(account, labels)``: every claim an account's name, handle and bio make, and what to do about each.

Fast path: each field is normalised with one ``str.translate`` and searched once by the automaton;
an account in which no claim word occurs (most of a platform's accounts) costs only that. A field
with a claim word is normalised again with its offset map and put through :mod:`verify.claims.rules`.
Then, for the whole account:

- the context of each profession is what any field shows (a context word from the lexicon, or a
  strong claim of that profession): ``专家`` in the name and ``三甲医院`` in the bio make a claim;
- a contextual word (老师, 专家, 主任, Dr.) without its profession's context, or its own 我是一名,
  is dropped; with it, it is a claim that goes to a person unless a label covers it (``ambiguous``);
- an uncertain word (pinyin, initials, homophones) is a claim; without context it goes to a person
  (``weak_evidence``);
- 主任 belongs to the first profession (doctor, lawyer, teacher) whose context the account shows.

Coverage by the account's labels is :mod:`verify.claims.coverage`. Nothing is stored.

>>> result = scan(Account("a1", "王医生", bio="听律师说的"))
>>> [(c.title, c.text, c.start, c.end, c.action.value) for c in result.claims]
[('医生', '医生', 1, 3, 'require_verification')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verify.claims.coverage import Need, cover
from verify.claims.lexicon import LEXICON_VERSION, Strength
from verify.claims.matcher import Automaton, Hit, automaton
from verify.claims.model import Account, Claim, Field, LabelView, ScanResult
from verify.claims.normalise import fold, mapped
from verify.claims.rules import Candidate, candidates
from verify.domain import Profession


@dataclass(frozen=True)
class Found:
    """A claim before coverage: where it is, and what a label must show to back it."""

    candidate: Candidate
    need: Need


@dataclass(frozen=True)
class _Evidence:
    """A context word or a strong claim: where it is (field, normalised span) and which profession it shows."""

    field: Field
    start: int
    end: int
    profession: Profession


def _evidence(matcher: Automaton, account: Account, hits: dict[Field, list[Hit]],
              found: list[Candidate]) -> list[_Evidence]:
    evidence = []
    for field, value in account.fields():
        for hit in hits.get(field) or matcher.hits(fold(value)):
            evidence.extend(_Evidence(field, hit.start, hit.end, c.profession) for c in hit.entries.contexts)
    for candidate in found:
        if candidate.word.strength is Strength.STRONG and len(candidate.word.professions) == 1:
            evidence.append(_Evidence(candidate.field, candidate.start, candidate.end, candidate.word.professions[0]))
    return evidence


def _context_of(candidate: Candidate, evidence: list[_Evidence]) -> set[Profession]:
    """The professions the account shows around the candidate.

    A contextual word's own qualifier counts (大学讲师, 法律顾问, 律所合伙人 name their field); for an
    uncertain word only evidence outside it does (医学博士 is a degree: its 医学 proves no practice).
    """
    own = candidate.word.strength is Strength.CONTEXTUAL
    return {e.profession for e in evidence
            if own or e.field is not candidate.field or e.end <= candidate.start or candidate.end <= e.start}


def _review_reason(candidate: Candidate, in_context: bool) -> str | None:
    word = candidate.word
    if candidate.former:
        return "former"
    if word.review:
        return word.review
    if word.strength is Strength.CONTEXTUAL:
        return "ambiguous"
    if word.strength is Strength.UNCERTAIN and not in_context:
        return "weak_evidence"
    return None


def find(account: Account, matcher: Automaton | None = None) -> list[Found]:
    """The account's claims before coverage (no labels needed)."""
    matcher = matcher or automaton()
    lexicon = matcher.lexicon
    hits: dict[Field, list[Hit]] = {}
    found: list[Candidate] = []
    for field, value in account.fields():
        text = fold(value)
        if not matcher.has_claim(text):
            continue
        hits[field] = matcher.hits(text)
        found.extend(candidates(field, mapped(value), hits[field], lexicon))
    if not found:
        return []
    needs_context = any(c.word.strength is not Strength.STRONG or len(c.word.professions) > 1 for c in found)
    evidence = _evidence(matcher, account, hits, found) if needs_context else []
    claims = []
    for candidate in found:
        word = candidate.word
        context = _context_of(candidate, evidence)
        professions = [p for p in word.professions if p in context]
        if len(word.professions) == 1 and word.strength is Strength.CONTEXTUAL and candidate.self_reference:
            professions = list(word.professions)
        if word.strength is not Strength.CONTEXTUAL and not professions:
            professions = [word.professions[0]] if len(word.professions) == 1 else []
        if not professions:
            continue
        profession = professions[0]
        in_context = profession in context or candidate.self_reference
        need = Need(profession, word.title, word.rank, word.scope, word.level, _review_reason(candidate, in_context))
        claims.append(Found(candidate, need))
    return claims


def judge(account_id: str, found: Sequence[Found], labels: Sequence[LabelView] = ()) -> ScanResult:
    """The scan answer: each found claim covered (or not) by ``labels``, the valid labels of the account."""
    claims = []
    for item in found:
        candidate, need = item.candidate, item.need
        verdict = cover(need, labels)
        first, last = candidate.original
        claims.append(Claim(
            profession=need.profession, title=need.title, text=candidate.text, field=candidate.field,
            start=first, end=last, evasion=candidate.evasions, covered_by=verdict.covered_by,
            action=verdict.action, reason=verdict.reason,
        ))
    return ScanResult(account_id, tuple(claims), LEXICON_VERSION)


def scan(account: Account, labels: Sequence[LabelView] = ()) -> ScanResult:
    """Every claim of ``account`` and its action, given the account's valid ``labels``."""
    return judge(account.account_id, find(account), labels)
