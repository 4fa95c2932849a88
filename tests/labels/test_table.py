"""The label table: the rows the brief names, table invariants, unknown credentials."""

from __future__ import annotations

import json

import pytest

from verify.domain import CredentialKind
from verify.kinds import DOCUMENTS
from verify.kinds.kind import DOMAIN_WORDS, Domain
from verify.kinds.title_certificate import SERIES_OF
from verify.labels import LABEL_TABLE, LABEL_TABLE_VERSION, LabelText, UnknownLabel, label_text
from verify.labels.table import table_document

K = CredentialKind


@pytest.mark.parametrize(
    ("kind", "fields", "expected"),
    [
        (K.PHYSICIAN_PRACTICE, {"level": "执业医师", "category": "临床"},
         LabelText("medical", "执业医师", "医疗卫生 · 执业医师（临床）", "临床")),
        (K.PHYSICIAN_PRACTICE, {"level": "执业助理医师", "category": "中医"},
         LabelText("medical", "执业助理医师", "医疗卫生 · 执业助理医师（中医）", "中医")),
        (K.PHYSICIAN_QUALIFICATION, {"level": "执业医师", "category": "临床"},
         LabelText("medical", "医师资格", "医疗卫生 · 医师资格（临床）", "临床")),
        (K.PHYSICIAN_QUALIFICATION, {"level": "执业助理医师", "category": "口腔"},
         LabelText("medical", "助理医师资格", "医疗卫生 · 助理医师资格（口腔）", "口腔")),
        (K.LAWYER_PRACTICE, {"category": "专职律师"}, LabelText("legal", "专职律师", "法律 · 专职律师")),
        (K.LAWYER_PRACTICE, {"category": "法律援助律师"},
         LabelText("legal", "法律援助律师", "法律 · 法律援助律师")),
        (K.TEACHER_QUALIFICATION, {"category": "高级中学教师资格", "subject": "数学"},
         LabelText("education", "高级中学教师资格", "教育 · 高级中学教师资格")),
    ],
)
def test_named_labels(kind: CredentialKind, fields: dict[str, str], expected: LabelText) -> None:
    assert label_text(kind, fields) == expected


def test_lawyer_categories() -> None:
    titles = {row.text.title for row in LABEL_TABLE if row.kind is K.LAWYER_PRACTICE}
    assert titles == {"专职律师", "兼职律师", "公职律师", "公司律师", "法律援助律师"}


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        (K.PHYSICIAN_PRACTICE, {"level": "执业医师", "category": "兽医"}),
        (K.PHYSICIAN_PRACTICE, {"level": "主任医师", "category": "临床"}),
        (K.PHYSICIAN_PRACTICE, {"category": "临床"}),
        (K.PHYSICIAN_PRACTICE, {}),
        (K.LAWYER_PRACTICE, {"category": "律师助理"}),
        (K.LAWYER_PRACTICE, {"category": ""}),
        (K.TEACHER_QUALIFICATION, {"category": "高级中学"}),
        (K.RESIDENT_ID, {"category": "临床"}),
        (K.USCC, {}),
        ("no_such_kind", {"category": "专职律师"}),
    ],
)
def test_unknown_vocabulary_is_never_invented(kind: CredentialKind, fields: dict[str, str]) -> None:
    with pytest.raises(UnknownLabel, match=f"vocabulary {LABEL_TABLE_VERSION}"):
        label_text(kind, fields)


def test_surrounding_whitespace_is_ignored_and_kind_may_be_a_string() -> None:
    text = label_text("lawyer_practice", {"category": " 公司律师 "})
    assert text.display == "法律 · 公司律师"


def test_every_row_is_consistent() -> None:
    keys = [(row.kind, row.level, row.category) for row in LABEL_TABLE]
    assert len(keys) == len(set(keys))
    for row in LABEL_TABLE:
        domain = Domain(row.text.domain)
        words = {DOMAIN_WORDS[domain], *(e.domain_word for e in DOCUMENTS[row.kind].labels if e.domain_word)}
        assert any(row.text.display.startswith(f"{word} · {row.text.title}") for word in words)
        assert row.kind in DOCUMENTS
        assert ("level" in DOCUMENTS[row.kind].fields) == (row.level is not None)
        field = DOCUMENTS[row.kind].label_field
        assert label_text(row.kind, {"level": row.level or "", field: row.category}) == row.text


def test_a_qualification_never_claims_practice_rights() -> None:
    rows = [row for row in LABEL_TABLE if row.kind is K.PHYSICIAN_QUALIFICATION]
    assert rows and all("执业" not in row.text.display and "资格" in row.text.title for row in rows)


def test_domains_follow_the_kind() -> None:
    expected = {K.PHYSICIAN_PRACTICE: "medical", K.PHYSICIAN_QUALIFICATION: "medical",
                K.LAWYER_PRACTICE: "legal", K.TEACHER_QUALIFICATION: "education"}
    assert all(row.text.domain == expected[row.kind] for row in LABEL_TABLE if row.kind in expected)
    by_series = {"卫生": "medical", "高等学校教师": "education", "中小学教师": "education"}
    titled = [row for row in LABEL_TABLE if row.kind in (K.TITLE_CERTIFICATE, K.HEALTH_TITLE_QUALIFICATION)]
    assert titled and all(row.text.domain == by_series[SERIES_OF[row.category]] for row in titled)


def test_table_document_is_json() -> None:
    document = json.loads(json.dumps(table_document(), ensure_ascii=False))
    assert document["version"] == LABEL_TABLE_VERSION
    assert len(document["labels"]) == len(LABEL_TABLE)
    assert document["labels"][0] == {
        "kind": "physician_practice", "level": "执业医师", "category": "临床", "domain": "medical",
        "title": "执业医师", "display": "医疗卫生 · 执业医师（临床）", "scope": "临床",
    }
