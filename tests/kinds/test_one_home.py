"""Each kind's words agree wherever they are used: the registry, the field reader, the checks,
the label table and the console read one home (verify.kinds), and these tests fail when a word
exists in one view and not another."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from tests.checks.documents import DOCUMENTS as PRINTED
from tests.checks.documents import HOLDER, TODAY
from verify.checks import check_credential, lawyer_practice, physician_qualification, teacher_qualification
from verify.checks.physician_practice import scope_in_category
from verify.claims import coverage
from verify.domain import CredentialKind
from verify.fields.captions import caption_fields
from verify.fields.values import Reading, read_value
from verify.kinds import DOCUMENTS, KINDS, field_caption
from verify.kinds import physician_qualification as physician_words
from verify.kinds import teacher_qualification as teacher_words
from verify.kinds.certificate import FIELD_NAMES
from verify.labels import LABEL_TABLE
from verify.registry import lawyer_practice as lawyer_registry
from verify.registry import physician_practice as practice_registry
from verify.registry import physician_qualification as qualification_registry
from verify.registry import teacher_qualification as teacher_registry
from verify.web import words

K = CredentialKind
#: Where each decoded word stands in a valid number of each kind: (field, a valid number, the slice
#: holding its code, the codes the registry decodes there); each code is put there in turn.
CODED_PARTS: list[tuple[CredentialKind, str, str, slice, dict[str, str]]] = [
    (K.PHYSICIAN_PRACTICE, "level", "110330106001234", slice(0, 1), practice_registry.LEVELS),
    (K.PHYSICIAN_PRACTICE, "category", "110330106001234", slice(1, 3), practice_registry.CATEGORIES),
    (K.PHYSICIAN_QUALIFICATION, "level", "201233110330106198501150020", slice(6, 7), qualification_registry.LEVELS),
    (K.PHYSICIAN_QUALIFICATION, "category", "201233110330106198501150020", slice(7, 9),
     qualification_registry.CATEGORIES),
    (K.LAWYER_PRACTICE, "category", "11102200810000003", slice(9, 10), lawyer_registry.CATEGORIES),
    (K.TEACHER_QUALIFICATION, "category", "20184412342001234", slice(9, 10), teacher_registry.CATEGORIES),
]
#: How the checks read a printed word of each kind's vocabulary field (None: not a word they know).
PRINTED_WORD_READERS: dict[tuple[CredentialKind, str], Callable[[str], object]] = {
    (K.PHYSICIAN_PRACTICE, "level"): physician_qualification.level_codes,
    (K.PHYSICIAN_PRACTICE, "category"): physician_qualification.category_codes,
    (K.PHYSICIAN_QUALIFICATION, "level"): physician_qualification.level_codes,
    (K.PHYSICIAN_QUALIFICATION, "category"): physician_qualification.category_codes,
    (K.LAWYER_PRACTICE, "category"): lawyer_practice.category_codes,
    (K.TEACHER_QUALIFICATION, "category"): teacher_qualification.category_codes,
}


@pytest.mark.parametrize("kind", list(CredentialKind))
def test_every_kind_has_its_words_number_rules_and_checks(kind: CredentialKind) -> None:
    words_of = KINDS[kind]
    assert words_of.kind is kind and words_of.title and words_of.number_caption
    assert words_of.number_rules.__name__ == f"verify.registry.{kind.value}"
    assert callable(words_of.number_rules.validate) and callable(words_of.check_rules.number_facts)
    assert words_of.check_rules.PARTS
    assert callable(getattr(words_of.check_rules, "field_checks", None)) == words_of.is_document


@pytest.mark.parametrize(("kind", "field", "number", "where", "codes"), CODED_PARTS)
def test_every_word_the_registry_decodes_is_in_the_kinds_vocabulary(
    kind: CredentialKind, field: str, number: str, where: slice, codes: dict[str, str]
) -> None:
    vocabulary = DOCUMENTS[kind].vocabularies[field]
    rules = KINDS[kind].number_rules
    for code in codes:
        parsed = rules.validate(number[:where.start] + code + number[where.stop:], TODAY)
        decoded = getattr(parsed, field).name
        assert decoded in vocabulary, (kind, field, code, decoded)


@pytest.mark.parametrize(("kind", "field"), list(PRINTED_WORD_READERS))
def test_every_vocabulary_word_is_read_as_itself_and_known_to_the_checks(kind: CredentialKind, field: str) -> None:
    vocabulary = DOCUMENTS[kind].vocabularies[field]
    for word in vocabulary:
        assert read_value(kind, field, word) == Reading(word, True), word
        assert PRINTED_WORD_READERS[kind, field](word) is not None, word


def test_every_closed_vocabulary_the_checks_compare_is_declared() -> None:
    declared = {(kind, field) for kind, words_of in DOCUMENTS.items() for field, v in words_of.vocabularies.items()
                if v.closed and field in ("level", "category")}
    assert declared == set(PRINTED_WORD_READERS)


def test_every_label_row_names_words_of_its_kinds_vocabularies() -> None:
    assert LABEL_TABLE
    for row in LABEL_TABLE:
        vocabularies = DOCUMENTS[row.kind].vocabularies
        assert row.category in vocabularies[DOCUMENTS[row.kind].label_field], row
        assert row.level is None or row.level in vocabularies["level"], row
        assert row.text.scope is None or row.text.scope in vocabularies["category"], row


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_every_field_has_a_caption_and_a_vocabulary_only_for_a_field_it_prints(kind: CredentialKind) -> None:
    words_of = DOCUMENTS[kind]
    assert set(words_of.fields) <= set(words_of.captions)
    assert set(words_of.vocabularies) <= set(words_of.fields)
    mapped = caption_fields(kind)
    for field in words_of.fields:
        assert field in FIELD_NAMES
        assert mapped[words_of.captions[field][0]] == field  # the usual caption reads as its field
    assert not set(words_of.uncaptured) & {c for f in words_of.fields for c in words_of.captions[f]}


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_every_field_the_checks_read_is_a_printed_field_with_a_caption(kind: CredentialKind) -> None:
    words_of = DOCUMENTS[kind]
    read = {field for check in check_credential(kind, PRINTED[kind], HOLDER, TODAY) for field in check.fields}
    assert read and read <= set(words_of.fields)
    for field in words_of.fields:  # a missing field is named by its caption, never by its code name
        fields = {name: value for name, value in PRINTED[kind].items() if name != field}
        for check in check_credential(kind, fields, HOLDER, TODAY):
            assert not check.message.startswith(f"{field} "), check


@pytest.mark.parametrize("kind", list(CredentialKind))
def test_every_caption_the_console_shows_comes_from_the_kind(kind: CredentialKind) -> None:
    words_of = KINDS[kind]
    assert words.KINDS[kind.value] == words_of.title
    for field in words_of.fields:
        assert field_caption(kind.value, field) == words_of.captions[field][0]
    assert field_caption(kind.value, "subject") in {*FIELD_NAMES.values(), *words_of.captions.get("subject", ())}


def test_a_kinds_words_are_data_not_copies() -> None:
    """The registry decodes with the kind's own tables (no second copy that could drift)."""
    assert practice_registry.CATEGORIES is physician_words.CATEGORIES
    assert qualification_registry.LEVELS is physician_words.LEVELS
    assert teacher_registry.CATEGORIES is teacher_words.CATEGORIES
    assert all(dataclasses.is_dataclass(words_of) for words_of in KINDS.values())


def test_physician_families_scopes_and_groups_agree() -> None:
    families = set(physician_words.FAMILIES.values())
    assert set(physician_words.SCOPES) == families
    assert set(physician_words.PRACTICE_CATEGORIES.values()) <= families
    assert set(physician_words.PRACTICE_CATEGORIES) <= set(physician_words.CATEGORY_WORDS)
    assert set(physician_words.SCOPE_VARIANTS) <= families
    assert all(set(codes) <= set(physician_words.CATEGORIES) for codes in physician_words.GROUPS.values())
    for family, scopes in physician_words.SCOPES.items():
        for scope in (*scopes, *physician_words.SCOPE_VARIANTS.get(family, ())):
            assert scope in physician_words.SCOPE_WORDS or family in physician_words.SCOPE_VARIANTS
            assert scope_in_category(scope, family), (family, scope)


def test_teacher_short_forms_name_categories() -> None:
    stems = {word.removesuffix("教师资格") for word in teacher_words.CATEGORIES.values()}
    assert set(teacher_words.CATEGORY_SHORT_FORMS.values()) <= stems


def test_the_claim_scans_ranks_name_titles_of_the_label_table() -> None:
    """The claim scan (verify.claims, its own lexicon) ranks label titles: each it ranks is one a label shows."""
    titles = {row.kind: set() for row in LABEL_TABLE}
    for row in LABEL_TABLE:
        titles[row.kind].add(row.text.title)
    assert {f"{stem}教师资格" for stem in coverage.TEACHER_LEVELS} <= titles[K.TEACHER_QUALIFICATION]
    assert set(coverage._PHYSICIAN_LEVELS) <= titles[K.PHYSICIAN_PRACTICE]
    assert set(coverage.DOMAINS.values()) == {row.text.domain for row in LABEL_TABLE}
