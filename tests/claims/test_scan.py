"""The scan without Flask: claims, evasions, negatives, cues and context; every span checked."""

from __future__ import annotations

import threading

import pytest

from tests.claims.spans import assert_spans
from verify.claims import Account, Action, Evasion, LabelView, scan
from verify.claims.lexicon import LEXICON_VERSION


def run(name: str, bio: str | None = None, handle: str | None = None,
        labels: tuple[LabelView, ...] = ()) -> list[tuple[str, str, str]]:
    """(profession, title, text) of each claim, after checking every span."""
    account = Account("acct", name, bio=bio, handle=handle)
    result = scan(account, labels)
    assert_spans(account, result)
    return [(c.profession.value, c.title, c.text) for c in result.claims]


@pytest.mark.parametrize(("name", "bio", "expected"), [
    ("心内科王医生", None, [("doctor", "医生", "医生")]),
    ("张三", "某三甲医院主任医师", [("doctor", "主任医师", "主任医师")]),
    ("律师李四", None, [("lawyer", "律师", "律师")]),
    ("林律", "婚姻家事", [("lawyer", "律师", "林律")]),
    ("赵教授", None, [("teacher", "教授", "教授")]),
    ("高中数学老师小周", None, [("teacher", "教师", "高中数学老师")]),
    ("人民教师", None, [("teacher", "教师", "人民教师")]),
    ("王医生说健康", None, [("doctor", "医生", "医生")]),  # the account speaks in its own name
])
def test_plain_titles(name: str, bio: str | None, expected: list[tuple[str, str, str]]) -> None:
    assert run(name, bio) == expected


@pytest.mark.parametrize(("name", "handle", "evasion", "text"), [
    ("醫生小王", None, Evasion.TRADITIONAL, "醫生"),
    ("毉生小王", None, Evasion.VARIANT, "毉生"),
    ("医.生小王", None, Evasion.SEPARATOR, "医.生"),
    ("律 师老张", None, Evasion.SEPARATOR, "律 师"),
    ("医💊生", None, Evasion.SEPARATOR, "医💊生"),
    ("律\u200b师", None, Evasion.INVISIBLE, "律\u200b师"),
    ("ｌａｗｙｅｒ王", None, Evasion.WIDTH, "ｌａｗｙｅｒ"),
    ("LaWyEr Wang", None, Evasion.CASE, "LaWyEr"),
    ("dоctor Li", None, Evasion.HOMOGLYPH, "dоctor"),
    ("𝓛𝓪𝔀𝔂𝓮𝓻", None, Evasion.HOMOGLYPH, "𝓛𝓪𝔀𝔂𝓮𝓻"),
    ("小王", "zhang_lvshi", Evasion.PINYIN, "lvshi"),
    ("小王", "wanglvshi", Evasion.PINYIN, "lvshi"),
    ("王ys", None, Evasion.INITIALS, "ys"),
    ("attorney Chen", None, Evasion.ENGLISH, "attorney"),
    ("衣生小刘", None, Evasion.HOMOPHONE, "衣生"),
    ("l a w y e r", None, Evasion.SEPARATOR, "l a w y e r"),
])
def test_each_evasion_family_is_a_claim_that_names_its_evasion(name: str, handle: str | None, evasion: Evasion,
                                                               text: str) -> None:
    account = Account("acct", name, handle=handle)
    result = scan(account)
    assert_spans(account, result)
    assert [c.text for c in result.claims] == [text]
    assert evasion in result.claims[0].evasion


def test_plain_writing_has_no_evasion() -> None:
    assert scan(Account("a", "王医生")).claims[0].evasion == ()


@pytest.mark.parametrize(("name", "bio"), [
    ("小王", "律师函代写"), ("小王", "教师节快乐"), ("老师傅修车", None), ("医学生小王", None), ("兽医小王", None),
    ("萌宠", "我家猫的宠物医生"), ("小王", "听医生说多喝水"), ("小王", "我老公是医生"), ("小王", "医生老公的日常"),
    ("小王", "我不是医生，仅分享经验"), ("小王", "想当老师"), ("小王", "对外汉语教授法"), ("小王", "学医生活"),
    ("小王", "严于律己"), ("小王", "纪律委员"), ("小王", "采访了三位律师"), ("小王", "我的班主任很严格"),
    ("小王", "律师助理"), ("小王", "prof.ai 创业"), ("小王", "Drake fan"), ("小王", "doctoral student"),
    ("小王", "《实习医生格蕾》"), ("小王", "md 笔记"), ("王老师", "书法艺术"), ("专家小王", "理财"),
    ("Dr. Li", "材料学博士"), ("小王", "各位老师好"), ("叫兽小王", None),
    ("医生老公的日常", None), ("律师男友", None), ("医生家属小王", None),  # someone else, even in a display name
])
def test_words_that_claim_nothing(name: str, bio: str | None) -> None:
    assert run(name, bio) == []


def test_a_career_word_keeps_a_possessive_claim() -> None:
    assert run("小王", "我的医生生涯") == [("doctor", "医生", "医生")]


@pytest.mark.parametrize(("name", "bio", "expected"), [
    ("王老师", "初中英语", [("teacher", "教师", "老师")]),
    ("王老师", None, []),
    ("李专家", "三甲医院心内科", [("doctor", "专家", "专家")]),
    ("陈主任", "律所，专注离婚", [("lawyer", "主任", "主任")]),
    ("陈主任", "心内科门诊", [("doctor", "主任", "主任")]),
    ("陈主任", "街道办", []),
    ("Dr. Wang", "儿科门诊", [("doctor", "医生", "Dr")]),
    ("Dr. Wang", None, []),
    ("小王", "我是一名老师", [("teacher", "教师", "老师")]),
])
def test_ambiguous_words_count_only_with_context(name: str, bio: str | None,
                                                 expected: list[tuple[str, str, str]]) -> None:
    assert run(name, bio) == expected


def test_context_in_another_field_counts() -> None:
    account = Account("a", "李专家", bio="三甲医院", handle="li")
    assert [c.field.value for c in scan(account).claims] == ["name"]


@pytest.mark.parametrize(("name", "bio", "reason"), [
    ("王老师", "初中英语", "ambiguous"),
    ("小王", "zhang_yisheng", "weak_evidence"),
    ("退休教师老张", None, "former"),
    ("小王", "原三甲医院主任医师，已退休", "former"),
    ("实习律师小王", None, "trainee"),
    ("乡村医生", None, "other_licence"),
    ("小王心理医生", None, "ambiguous"),
])
def test_what_goes_to_review(name: str, bio: str | None, reason: str) -> None:
    result = scan(Account("a", name, bio=bio))
    assert [(c.action, c.reason) for c in result.claims] == [(Action.REVIEW, reason)]
    assert result.action is Action.REVIEW


def test_a_pinyin_claim_with_context_needs_verification() -> None:
    result = scan(Account("a", "小王", handle="wang_yisheng", bio="三甲医院儿科"))
    assert [(c.text, c.action) for c in result.claims] == [("yisheng", Action.REQUIRE_VERIFICATION)]


def test_labels_cover_claims_and_the_account_takes_the_strictest_action() -> None:
    practice = LabelView("L1", "medical", "执业医师", "physician_practice", "临床")
    result = scan(Account("a", "王医生", bio="主任医师，也做律师"), [practice])
    actions = {c.title: (c.action, c.covered_by) for c in result.claims}
    assert actions == {"医生": (Action.OK, "L1"), "主任医师": (Action.REVIEW, None),
                       "律师": (Action.REQUIRE_VERIFICATION, None)}
    assert result.action is Action.REQUIRE_VERIFICATION
    assert result.lexicon_version == LEXICON_VERSION


def test_no_claim_is_ok() -> None:
    result = scan(Account("a", "小花的日常", bio="喜欢旅行"))
    assert (result.claims, result.action) == ((), Action.OK)


def test_threads_share_the_automaton() -> None:
    accounts = [Account(str(n), f"王醫生{n}", bio="律 师，三甲医院") for n in range(200)]
    expected = [scan(a).as_dict() for a in accounts]
    answers: list[list[dict[str, object]]] = []

    def work() -> None:
        answers.append([scan(a).as_dict() for a in accounts])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [expected] * 8


def test_the_automaton_is_built_once_per_process() -> None:
    from verify.claims.matcher import automaton

    first = automaton()
    scan(Account("a", "王医生"))
    assert automaton() is first
