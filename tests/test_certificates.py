"""The synthetic certificate generator: valid numbers, printed text, PDFs and OCR-readable images."""

from __future__ import annotations

import io
import json
import re
import shutil
import time
from datetime import date

import numpy as np
import pdfplumber
import pytest
from PIL import Image

from tests.certificates import (
    LABELS,
    REFERENCE_DATE,
    Certificate,
    degrade,
    id_check_char,
    main,
    make_certificate,
    make_forgery,
    render_image,
    render_pdf,
    to_jpeg,
    to_png,
)
from verify.domain import CredentialKind
from verify.kinds import DOCUMENTS

KINDS = (
    CredentialKind.PHYSICIAN_PRACTICE,
    CredentialKind.PHYSICIAN_QUALIFICATION,
    CredentialKind.LAWYER_PRACTICE,
    CredentialKind.TEACHER_QUALIFICATION,
)
SEEDS = range(40)

# GB/T 2260 province codes (docs/registry-rules.md#region-codes), written out here independently of the generator.
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古", "21": "辽宁省",
    "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省",
    "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省",
    "44": "广东省", "45": "广西", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省",
    "53": "云南省", "54": "西藏", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏", "65": "新疆",
}

EXPECTED_LABELS = {
    CredentialKind.PHYSICIAN_PRACTICE: [
        "姓名", "性别", "出生日期", "身份证号", "证书编码", "医师级别", "执业类别", "执业范围", "执业地点",
        "发证机关", "发证日期",
    ],
    CredentialKind.PHYSICIAN_QUALIFICATION: [
        "姓名", "性别", "出生日期", "身份证号", "资格级别", "类别", "毕业学校", "证书编码", "签发机关",
        "签发日期",
    ],
    CredentialKind.LAWYER_PRACTICE: [
        "持证人", "性别", "身份证号", "执业机构", "执业证类别", "执业证号", "法律职业资格或律师资格证号",
        "发证机关", "发证日期",
    ],
    CredentialKind.TEACHER_QUALIFICATION: [
        "姓名", "性别", "民族", "出生日期", "身份证件号码", "资格种类", "任教学科", "证书号码", "颁发机关",
        "颁发日期",
    ],
}

LEVEL_DIGIT = {"执业医师": "1", "执业助理医师": "2"}
CATEGORY_CODE = {"临床": "10", "口腔": "20", "公共卫生": "30", "中医": "41"}
SCOPES = {  # docs/registry-rules.md#physician-practice-vocabularies
    "临床": {
        "内科专业", "外科专业", "妇产科专业", "儿科专业", "眼耳鼻咽喉科专业", "皮肤病与性病专业",
        "精神卫生专业", "职业病专业", "医学影像和放射治疗专业", "医学检验、病理专业", "全科医学专业",
        "急救医学专业", "康复医学专业", "预防保健专业", "特种医学与军事医学专业", "计划生育技术服务专业",
    },
    "口腔": {"口腔专业"},
    "公共卫生": {"公共卫生类别专业"},
    "中医": {"中医专业", "中西医结合专业", "蒙医专业", "藏医专业", "维医专业", "傣医专业"},
}
LAWYER_CATEGORY_DIGIT = {  # docs/registry-rules.md#lawyer-practice-layout
    "专职律师": "1", "兼职律师": "2", "香港居民律师": "3", "澳门居民律师": "4", "台湾居民律师": "5",
    "公职律师": "6", "公司律师": "7", "法律援助律师": "8", "军队律师": "9",
}
TEACHER_CATEGORY_DIGIT = {  # docs/registry-rules.md#teacher-qualification-layout
    "幼儿园教师资格": "1", "小学教师资格": "2", "初级中学教师资格": "3", "高级中学教师资格": "4",
    "中等职业学校教师资格": "5", "中等职业学校实习指导教师资格": "6", "高等学校教师资格": "7",
}


def iso_mod_11_2(first17: str) -> str:
    """ISO 7064 MOD 11-2 written from the definition (weights 2^(17-i) mod 11), not the generator's table."""
    s = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    c = (12 - s % 11) % 11
    return "X" if c == 10 else str(c)


def assert_valid_id(id_number: str, birth: str | None, gender: str) -> None:
    assert re.fullmatch(r"\d{17}[\dX]", id_number), id_number
    assert id_number[17] == iso_mod_11_2(id_number[:17])
    assert id_number[:2] in PROVINCES
    born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    assert date(1960, 1, 1) <= born <= date(2000, 12, 31)
    if birth is not None:
        assert born.isoformat() == birth
    assert gender == ("男" if int(id_number[16]) % 2 else "女")


def certs(kind: CredentialKind) -> list[Certificate]:
    return [make_certificate(kind, seed) for seed in SEEDS]


def issue_date(cert: Certificate) -> date:
    return date.fromisoformat(cert.fields["issue_date"])


# ---------------------------------------------------------------------------------------------- building


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_builds_with_its_canonical_fields(kind: CredentialKind) -> None:
    for cert in certs(kind):
        assert cert.kind is kind
        assert tuple(cert.fields) == DOCUMENTS[kind].fields
        assert all(isinstance(v, str) and v for v in cert.fields.values())
        assert cert.fields["gender"] in ("男", "女")
        assert 2 <= len(cert.fields["name"]) <= 3
        assert issue_date(cert) <= min(REFERENCE_DATE, date.today())
        assert_valid_id(cert.fields["id_number"], cert.fields.get("birth_date"), cert.fields["gender"])


@pytest.mark.parametrize("kind", KINDS)
def test_generation_is_deterministic_and_seeds_differ(kind: CredentialKind) -> None:
    assert make_certificate(kind, 7) == make_certificate(kind.value, 7)
    assert len({make_certificate(kind, s).fields["number"] for s in range(20)}) == 20


def test_profession_aliases() -> None:
    assert make_certificate("doctor", 1) == make_certificate(CredentialKind.PHYSICIAN_PRACTICE, 1)
    assert make_certificate("lawyer", 1).kind is CredentialKind.LAWYER_PRACTICE
    assert make_certificate("teacher", 1).kind is CredentialKind.TEACHER_QUALIFICATION
    with pytest.raises(ValueError):
        make_certificate(CredentialKind.USCC)


def test_id_check_char_against_the_worked_examples() -> None:
    assert iso_mod_11_2("11010519491231002") == "X"
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"
    for first17 in ("33010619850115002", "44030519920630001", "51010720000229003", "11010519780412004"):
        assert id_check_char(first17) == iso_mod_11_2(first17)


# ---------------------------------------------------------------------------------------------- layouts


def test_physician_practice_number_layout() -> None:
    for cert in certs(CredentialKind.PHYSICIAN_PRACTICE):
        f = cert.fields
        assert re.fullmatch(r"\d{15}", f["number"])
        assert f["number"][0] == LEVEL_DIGIT[f["level"]]
        assert f["number"][1:3] == CATEGORY_CODE[f["category"]]
        assert f["scope"] in SCOPES[f["category"]]
        region = f["number"][3:9]
        assert f["issuer"].startswith(PROVINCES[region[:2]])
        assert f["number"][9:] != "000000"
        if region.endswith("0000"):
            assert f["issuer"] == PROVINCES[region[:2]] + "卫生健康委员会"
        assert issue_date(cert).year >= int(f["birth_date"][:4]) + 22


def test_physician_qualification_embeds_the_id() -> None:
    for cert in certs(CredentialKind.PHYSICIAN_QUALIFICATION):
        f = cert.fields
        number = f["number"]
        assert re.fullmatch(r"\d{26}[\dX]", number)
        assert number[9:] == f["id_number"]
        year = int(number[:4])
        assert 1998 <= year == issue_date(cert).year
        assert year >= int(f["birth_date"][:4]) + 21
        assert number[4:6] in PROVINCES
        assert number[6] == LEVEL_DIGIT[f["level"]]
        assert number[7:9] == CATEGORY_CODE[f["category"]]
        if year >= 2018:
            assert f["issuer"] == "国家卫生健康委员会"


def test_lawyer_number_layout() -> None:
    for cert in certs(CredentialKind.LAWYER_PRACTICE):
        f = cert.fields
        m = re.fullmatch(r"1(\d{2})(\d{2})(\d{4})([1-9])([01])(\d{6})", f["number"])
        assert m, f["number"]
        province, _city, year, category, sex, _serial = m.groups()
        assert category == LAWYER_CATEGORY_DIGIT[f["category"]]
        assert sex == ("0" if f["gender"] == "男" else "1")
        assert int(year) <= issue_date(cert).year
        assert int(year) >= int(f["id_number"][6:10]) + 22
        assert f["issuer"] in (PROVINCES[province] + "司法厅", PROVINCES[province] + "司法局")
        q = re.fullmatch(r"A(\d{4})(\d{6})(\d{4})", f["qualification_number"])
        assert q, f["qualification_number"]
        assert 2002 <= int(q[1]) < int(year)
        assert q[2][:2] in PROVINCES
        if f["category"] in ("专职律师", "兼职律师"):
            assert f["institution"].endswith("律师事务所")


def test_teacher_number_layout() -> None:
    for cert in certs(CredentialKind.TEACHER_QUALIFICATION):
        f = cert.fields
        m = re.fullmatch(r"(\d{4})(\d{2})(\d{3})([1-7])(\d)(\d{6})", f["number"])
        assert m, f["number"]
        year, province, _authority, category, sex, _serial = m.groups()
        assert int(year) == issue_date(cert).year
        assert category == TEACHER_CATEGORY_DIGIT[f["category"]]
        if int(year) >= 2009:
            assert sex == ("1" if f["gender"] == "男" else "2")
        assert f["issuer"].startswith(PROVINCES[province])
        assert f["subject"]
        assert f["ethnicity"].endswith("族")


def test_overrides_replace_values_after_building() -> None:
    genuine = make_certificate("lawyer_practice", 3)
    forged = make_certificate("lawyer_practice", 3, gender="女" if genuine.fields["gender"] == "男" else "男")
    assert forged.fields["number"] == genuine.fields["number"]
    assert forged.fields["gender"] != genuine.fields["gender"]
    assert ("性别", forged.fields["gender"]) in forged.printed()
    odd = make_certificate("teacher", 0, issue_date="2999-01-01", number="123")
    assert ("颁发日期", "2999年01月01日") in odd.printed()
    with pytest.raises(ValueError):
        make_certificate("lawyer_practice", 3, birth_date="1980-01-01")


# ---------------------------------------------------------------------------------------------- printing


@pytest.mark.parametrize("kind", KINDS)
def test_printed_labels_and_values(kind: CredentialKind) -> None:
    cert = make_certificate(kind, 5)
    printed = cert.printed()
    assert [label for label, _ in printed] == EXPECTED_LABELS[kind]
    assert set(LABELS[kind]) == set(DOCUMENTS[kind].fields)
    values = dict(printed)
    date_label = EXPECTED_LABELS[kind][-1]
    assert re.fullmatch(r"\d{4}年\d{2}月\d{2}日", values[date_label])
    assert values[date_label] == "{}年{}月{}日".format(*cert.fields["issue_date"].split("-"))


@pytest.mark.parametrize("layout", ["table", "lines"])
@pytest.mark.parametrize("kind", KINDS)
def test_pdf_text_layer_has_every_label_and_value(kind: CredentialKind, layout: str) -> None:
    cert = make_certificate(kind, 11)
    with pdfplumber.open(io.BytesIO(render_pdf(cert, layout=layout))) as pdf:
        assert len(pdf.pages) == 1
        lines = pdf.pages[0].extract_text().splitlines()
    assert lines[0] == DOCUMENTS[kind].title
    for label, value in cert.printed():
        assert f"{label} {value}" in lines or f"{label}：{value}" in lines, (label, value, lines)


def test_cover_page_puts_the_certificate_on_page_two() -> None:
    cert = make_certificate("teacher", 2)
    with pdfplumber.open(io.BytesIO(render_pdf(cert, cover_page=True))) as pdf:
        assert len(pdf.pages) == 2
        assert cert.fields["number"] not in (pdf.pages[0].extract_text() or "")
        assert cert.fields["number"] in pdf.pages[1].extract_text()


def test_image_only_pdf_has_no_text_layer() -> None:
    data = render_pdf(make_certificate("doctor", 4), text_layer=False)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert page.chars == []
        assert (page.extract_text() or "") == ""
        assert len(page.images) == 1


# ---------------------------------------------------------------------------------------------- images


@pytest.mark.parametrize("font", ["zenhei", "uming", "ukai", "microhei"])
@pytest.mark.parametrize("layout", ["table", "lines"])
def test_render_image_is_fast_and_has_a_red_seal(font: str, layout: str) -> None:
    cert = make_certificate("physician_qualification", 6)
    start = time.perf_counter()
    img = render_image(cert, layout=layout, font=font)
    assert time.perf_counter() - start < 1.0  # ~0.05 s measured; generous for busy CI machines
    assert img.mode == "RGB"
    assert img.info["dpi"] == (300, 300)
    assert 2400 <= img.width <= 2600  # 210 mm at 300 dpi
    assert red_pixels(img) > 20_000
    assert red_pixels(render_image(cert, layout=layout, font=font, seal=False)) == 0


def red_pixels(img: Image.Image) -> int:
    """Pixels where red ink dominates (the seal); black text, paper and the form rules don't count."""
    rgb = np.asarray(img, np.int16)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return int(((r > 150) & (r - g > 60) & (r - b > 60)).sum())


def test_render_is_deterministic_and_dpi_scales() -> None:
    cert = make_certificate("lawyer", 8)
    assert render_image(cert).tobytes() == render_image(cert).tobytes()
    small = render_image(cert, dpi=150)
    assert abs(small.width - render_image(cert).width / 2) <= 1


@pytest.mark.parametrize("condition", ["clean", "scan", "photo", "lowres"])
def test_degrade(condition: str) -> None:
    img = render_image(make_certificate("teacher", 3), dpi=200)
    out = degrade(img, condition, seed=1)
    assert out.mode == "RGB"
    assert out.tobytes() == degrade(img, condition, seed=1).tobytes()
    if condition == "clean":
        assert out.tobytes() == img.tobytes()
    if condition == "lowres":
        assert abs(out.width - img.width * 150 / 200) <= 1
    if condition == "photo":
        assert out.size != img.size
    Image.open(io.BytesIO(to_jpeg(out, 60))).verify()
    Image.open(io.BytesIO(to_png(out))).verify()
    with pytest.raises(ValueError):
        degrade(img, "fax")


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
@pytest.mark.parametrize("kind", KINDS)
def test_clean_render_is_ocr_readable(kind: CredentialKind, monkeypatch: pytest.MonkeyPatch) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    if "chi_sim" not in pytesseract.get_languages():
        pytest.skip("no chi_sim traineddata")
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    cert = make_certificate(kind, 0)
    red = render_image(cert).getchannel("R")  # the red channel drops the seal and the form rules
    text = pytesseract.image_to_string(red, lang="chi_sim", config="--psm 6")
    assert cert.fields["number"] in re.sub(r"\s", "", text)


# ---------------------------------------------------------------------------------------------- CLI


@pytest.mark.parametrize(("kind", "name", "args"), [
    ("doctor", "doctor.pdf", []),
    ("physician_qualification", "q.pdf", ["--no-text-layer"]),
    ("lawyer", "lawyer.png", ["--seed", "4"]),
    ("teacher", "teacher.jpg", ["--condition", "photo"]),
    ("lawyer", "columns.png", ["--layout", "columns", "--font", "ukai"]),
    ("doctor", "below.pdf", ["--layout", "below", "--font", "uming"]),
])
def test_command_line(kind: str, name: str, args: list[str], tmp_path, capsys) -> None:
    out = tmp_path / name
    assert main([kind, str(out), *args]) == 0
    fields = json.loads(capsys.readouterr().out)
    seed = int(args[1]) if args[:1] == ["--seed"] else 0
    assert fields == make_certificate(kind, seed).fields
    data = out.read_bytes()
    assert data[:4] in (b"%PDF", b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xdb")


def test_command_line_writes_a_forgery(tmp_path, capsys) -> None:
    out = tmp_path / "forged.pdf"
    assert main(["lawyer", str(out), "--seed", "3", "--forgery", "sex_digit_mismatch"]) == 0
    fields = json.loads(capsys.readouterr().out)
    assert fields == make_forgery("lawyer", "sex_digit_mismatch", 3).cert.fields
    assert fields["number"] != make_certificate("lawyer", 3).fields["number"]
