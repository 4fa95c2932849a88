"""Field extraction over the layouts certificates come in, without OCR (hand-made page texts)."""

from __future__ import annotations

import pytest

from verify.domain import CredentialKind, Profession
from verify.fields import detect_kind, extract_fields
from verify.fields.extract import extract_located
from verify.fields.lines import LostValue
from verify.reading import OcrLine, PageText
from verify.reading.ocr import OcrWord

PRACTICE = CredentialKind.PHYSICIAN_PRACTICE
QUALIFICATION = CredentialKind.PHYSICIAN_QUALIFICATION
LAWYER = CredentialKind.LAWYER_PRACTICE
TEACHER = CredentialKind.TEACHER_QUALIFICATION


def text_page(text: str, index: int = 0) -> PageText:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return PageText(index, "\n".join(lines), "text", [OcrLine(line) for line in lines])


def ocr_line(*words: tuple[str, float], gap: str = "") -> OcrLine:
    """A line of OCR words joined by ``gap``; each word with its confidence."""
    text, placed = "", []
    for word, confidence in words:
        if text:
            text += gap
        placed.append(OcrWord(word, confidence, len(text)))
        text += word
    return OcrLine(text, sum(c for _, c in words) / len(words), tuple(placed))


def values(kind: CredentialKind, text: str) -> dict[str, str]:
    return extract_fields(kind, [text_page(text)]).values()


LAWYER_FIELDS = {
    "name": "王宇",
    "gender": "男",
    "id_number": "11010519491231002X",
    "institution": "北京市明理律师事务所",
    "category": "专职律师",
    "number": "11102200810000003",
    "qualification_number": "A20081101050123",
    "issuer": "北京市司法局",
    "issue_date": "2008-03-12",
}


@pytest.mark.parametrize(
    "text",
    [
        # label：value (full-width colon), label: value, label value
        """律师执业证
        持证人：王宇
        性别：男
        身份证号：11010519491231002X
        执业机构：北京市明理律师事务所
        执业证类别：专职律师
        执业证号：11102200810000003
        法律职业资格或律师资格证号：A20081101050123
        发证机关：北京市司法局
        发证日期：2008年3月12日""",
        """持证人: 王宇
        性别: 男
        身份证号: 110105 19491231 002x
        执业机构: 北京市明理律师事务所
        执业证类别: 专职律师
        执业证号: 1110 2200 8100 00003
        法律职业资格或律师资格证号: A2008 110105 0123
        发证机关: 北京市司法局
        发证日期: 2008.03.12""",
        # table rows with rules read as bars, letter-spaced labels, full-width digits
        """| 持 证 人 | 王 宇 |
        | 性    别 | 男 |
        | 身份证号 | １１０１０５１９４９１２３１００２Ｘ |
        | 执业机构 | 北京市明理律师事务所 |
        | 执业证类别 | 专职律师 |
        | 执业证号 | 11102200810000003 |
        | 法律职业资格或律师资格证号 | A20081101050123 |
        | 发证机关 | 北京市司法局 |
        | 发证日期 | 2008/3/12 |""",
        # two columns: two labels on one line
        """持证人 王宇    性别 男
        身份证号 11010519491231002X
        执业机构 北京市明理律师事务所    执业证类别 专职律师
        执业证号 11102200810000003    发证日期 2008-03-12
        法律职业资格或律师资格证号 A20081101050123
        发证机关 北京市司法局""",
        # values on the line below their labels, one and two columns
        """持证人            性别
        王宇              男
        身份证号
        11010519491231002X
        执业机构
        北京市明理律师事务所
        执业证类别         执业证号
        专职律师          11102200810000003
        法律职业资格或律师资格证号
        A20081101050123
        发证机关          发证日期
        北京市司法局       2008年03月12日""",
    ],
    ids=["full-width-colon", "ascii-colon-and-spaced-numbers", "table-rows", "two-columns", "values-below"],
)
def test_layouts(text: str) -> None:
    assert values(LAWYER, text) == LAWYER_FIELDS


def test_a_free_text_value_continues_on_the_next_line() -> None:
    text = """执业机构：北京市朝阳区某某某某
    律师事务所
    执业证类别：专职律师
    发证机关：北京市
    司法局
    发证日期：2008年03月12日"""
    got = values(LAWYER, text)
    assert got["institution"] == "北京市朝阳区某某某某律师事务所"
    assert got["issuer"] == "北京市司法局"
    assert got["category"] == "专职律师"


def test_the_numbers_are_found_by_their_shape_when_the_label_is_lost() -> None:
    text = """医师资格证书
    姓名 张三
    身份任号 33010619850115002O
    证书编 201233110330106198501150020
    签发日期 2012年09月20日"""
    got = values(QUALIFICATION, text)
    assert got["id_number"] == "330106198501150020"
    assert got["number"] == "201233110330106198501150020"


def test_an_id_number_with_a_bad_check_character_loses_to_a_good_one_found_elsewhere() -> None:
    text = """身份证号 330106198501150021
    330106198501150020"""
    assert values(PRACTICE, text)["id_number"] == "330106198501150020"


def test_a_bad_id_number_with_no_alternative_is_kept_as_read() -> None:
    assert values(PRACTICE, "身份证号 330106198501150021")["id_number"] == "330106198501150021"


def test_one_misread_character_in_a_long_label_is_forgiven() -> None:
    text = """颂发机关：天津市教育委员会
    颁发日朋：2022年06月19日
    出生月期 1997年10月21日"""
    got = values(TEACHER, text)
    assert got["issuer"] == "天津市教育委员会"
    assert got["issue_date"] == "2022-06-19"
    assert got["birth_date"] == "1997-10-21"


def test_debris_around_values_is_dropped() -> None:
    text = """执业证类别：专职律师 一 _
    持证人 | 王宇  四本]
    性别；女："""
    got = values(LAWYER, text)
    assert got == {"category": "专职律师", "name": "王宇", "gender": "女"}


def test_digit_lookalikes_are_repaired_in_numbers_only() -> None:
    text = """姓名：I丽
    证书编码：11O33O1O6OO1234"""
    got = values(PRACTICE, text)
    assert got["number"] == "110330106001234"
    assert got["name"] == "I丽"


def test_older_practice_certificates_print_the_qualification_number_too() -> None:
    text = """医师资格证书编码：201233110330106198501150020
    证书编码：110330106001234
    执业地点：广东省
    主要执业机构：深圳市人民医院"""
    got = values(PRACTICE, text)
    assert got["number"] == "110330106001234"
    assert got["institution"] == "深圳市人民医院"


def test_confidence_comes_from_the_words_of_the_value() -> None:
    lines = [
        ocr_line(("姓", 0.95), ("名", 0.93), ("：", 0.9), ("张", 0.62), ("三", 0.88)),
        ocr_line(("性别", 0.9), ("男", 0.97), gap=" "),
        ocr_line(("证书编码", 0.9), ("”110330106001234", 0.41), gap=" "),
    ]
    page = PageText(0, "\n".join(line.text for line in lines), "ocr", lines)
    fields = extract_fields(PRACTICE, [page]).fields
    assert fields["name"].confidence == pytest.approx(0.62)
    assert fields["name"].source == "ocr"
    assert fields["gender"].confidence == pytest.approx(0.97)
    assert fields["number"].value == "110330106001234"
    assert fields["number"].raw == "”110330106001234"
    assert fields["number"].confidence == pytest.approx(0.41)


def test_text_layer_fields_are_certain() -> None:
    fields = extract_fields(LAWYER, [text_page("持证人：王宇\n性别：男")]).fields
    assert {f.confidence for f in fields.values()} == {1.0}
    assert {f.source for f in fields.values()} == {"text"}


def test_fields_may_sit_on_a_later_page() -> None:
    cover = text_page("资质审核材料\n本文件包含申请人提交的资质证明材料。")
    cert = text_page("教师资格证书\n姓名：李四\n证书号码：20184412342001234", index=1)
    assert extract_fields(TEACHER, [cover, cert]).values() == {"name": "李四", "number": "20184412342001234"}


@pytest.mark.parametrize(
    ("text", "profession", "expected"),
    [
        ("医师执业证书\n姓名 张三\n执业范围 内科专业", None, PRACTICE),
        ("医师执业证书\n医师资格证书编码 201233110330106198501150020", None, PRACTICE),
        ("医师资格证书\n资格级别 执业医师\n类别 临床", Profession.DOCTOR, QUALIFICATION),
        ("律师执业证\n持证人 王宇", None, LAWYER),
        ("教师资格证书\n资格种类 高级中学教师资格", Profession.TEACHER, TEACHER),
        # title misread: the labels decide
        ("教师资阁证半\n资格种类 小学教师资格\n任教学科 数学\n民族 汉族", None, TEACHER),
        ("律帅执业让\n持证人 王宇\n执业证类别 专职律师\n执业证号 11102200810000003", None, LAWYER),
        # one character of the title misread, labels shared with the practice certificate
        ("医师货格证书\n姓名 交强汪\n性别 男\n证书编码 20134214142010619850515045X", None, QUALIFICATION),
        # restricted to the profession's kinds
        ("律师执业证\n持证人 王宇", Profession.DOCTOR, None),
        ("购物小票\n合计 12.00", None, None),
        ("", None, None),
    ],
)
def test_detect_kind(text: str, profession: Profession | None, expected: CredentialKind | None) -> None:
    assert detect_kind([text_page(text)] if text else [], profession) is expected


def test_an_unrelated_document_yields_no_fields() -> None:
    assert extract_fields(TEACHER, [text_page("购物小票\n合计 12.00")]).values() == {}


def test_a_date_whose_label_was_lost_is_the_one_date_left() -> None:
    text = """出生日期 1962年11月03日
    短发明期2000年11月26日"""
    got = values(QUALIFICATION, text)
    assert got == {"birth_date": "1962-11-03", "issue_date": "2000-11-26"}


def test_with_two_unlabelled_dates_neither_is_guessed() -> None:
    assert values(QUALIFICATION, "1962年11月03日\n2000年11月26日") == {}


def test_vocabulary_words_misread_by_one_character_are_repaired_and_the_raw_kept() -> None:
    fields = extract_fields(QUALIFICATION, [text_page("类别  痢床\n资格级别 执业医帅")]).fields
    assert (fields["category"].value, fields["category"].raw) == ("临床", "痢床")
    assert fields["level"].value == "执业医师"


def test_a_value_ending_where_a_misread_label_could_begin_keeps_the_next_label() -> None:
    # two columns: "医师 类别" is the end of a value and the label 类别, not 医师级别 misread
    found = values(QUALIFICATION, "资格级别 执业医师 类别 临床\n证书编码 201233110330106198501150020")
    assert (found["level"], found["category"]) == ("执业医师", "临床")


def test_a_label_whose_value_ocr_lost_says_where_the_value_must_be() -> None:
    lines = [
        OcrLine("姓名", 0.9, (OcrWord("姓名", 0.9, 0, (100, 100, 180, 140)),)),
        OcrLine("性别", 0.9, (OcrWord("性别", 0.9, 0, (100, 260, 180, 300)),)),
        OcrLine("男", 0.9, (OcrWord("男", 0.9, 0, (100, 320, 150, 370)),)),
        OcrLine("执业证号", 0.9, (OcrWord("执业证号", 0.9, 0, (100, 420, 260, 460)),)),
        OcrLine("11102200810000003", 0.9, (OcrWord("11102200810000003", 0.9, 0, (100, 480, 500, 530)),)),
    ]
    page = PageText(0, "\n".join(line.text for line in lines), "ocr", lines)
    extraction, located = extract_located(LAWYER, [page])
    assert "name" not in extraction.fields and extraction.fields["gender"].value == "男"
    lost = located["name"]
    assert isinstance(lost, LostValue)
    left, top, right, bottom = lost.region()
    assert left <= 100 and top >= 140 and bottom <= 260 and right > 400  # below 姓名, above 性别


def test_a_seal_character_beside_a_label_gives_way_to_the_value_below() -> None:
    # the value printed under its label, a seal character read beside the label
    text = """发证机关
    福建省厦门市卫生健康委员会
    发证日期  四
    2017年04月16日"""
    assert values(PRACTICE, text)["issue_date"] == "2017-04-16"


def test_a_value_beside_its_label_keeps_its_place_when_it_has_the_shape() -> None:
    text = """发证日期  2017年04月16日
    2018年01月01日"""
    assert values(PRACTICE, text)["issue_date"] == "2017-04-16"


def test_a_label_character_misread_as_a_mark_is_forgiven() -> None:
    got = values(PRACTICE, "执业类别 临床  执业范!千。妇产科雪业")
    assert (got["category"], got["scope"]) == ("临床", "妇产科专业")


def test_a_class_letter_misread_as_a_digit_is_repaired_beside_its_label_only() -> None:
    got = extract_fields(LAWYER, [text_page("法律职业资格或律师资格证号420163502033189")]).fields
    assert (got["qualification_number"].value, got["qualification_number"].raw) == (
        "A20163502033189", "420163502033189")
    # unlabelled, a 15-digit number (a legacy ID) is not taken for a qualification number
    assert "qualification_number" not in values(LAWYER, "身份证号 440305560101001\n执业证号 13502201911203899")
