"""Re-reading decisive fields from their region: agreement confirms, disagreement disputes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest
from PIL import Image

from tests.reading.test_ocr import line_image
from verify.domain import CredentialKind, Extraction, FieldValue
from verify.fields.extract import extract_located
from verify.fields.lines import Location, LostValue
from verify.fields.normalise import is_id_number, normalise_gender
from verify.fields.reread import CHARSETS, DISAGREEMENT, _crop, reread_fields, settle
from verify.fields.values import Reading, read_value
from verify.kinds import DOCUMENTS
from verify.reading import PageText
from verify.reading.ocr import OcrLine, OcrWord, TesseractEngine
from verify.reading.ppocr import PpOcrRecogniser

LAWYER = CredentialKind.LAWYER_PRACTICE
DECISIVE = frozenset({"name", "number", "issue_date"})


@dataclass
class FakeReader:
    """Reads ``text`` at ``confidence`` whatever it is shown; remembers the charsets it was asked for."""

    text: str
    confidence: float = 0.95
    name: str = "fake"
    asked: list[str] = field(default_factory=list)

    def read_line(self, image: Image.Image, *, charset: str = "", timeout: float = 5.0) -> OcrLine:
        self.asked.append(charset)
        return OcrLine(self.text, self.confidence)


def _page(value: str, printed: str | None = None) -> tuple[list[PageText], Location]:
    """A page image showing ``持证人：<printed>``, and an OCR line reading ``value`` there (with boxes)."""
    image = line_image("持证人：" + (printed or value))
    text = "持证人:" + value
    words = (OcrWord("持证人:", 0.95, 0, (40, 20, 250, 68)), OcrWord(value, 0.9, 4, (214, 20, image.width - 40, 68)))
    line = OcrLine(text, 0.9, words)
    return [PageText(0, text, "ocr", [line], image)], Location(0, line, 4, len(text))


def _reread(
    first: FieldValue, readers: list, printed: str | None = None, floor: float = 0.8
) -> tuple[FieldValue, frozenset[str]]:
    pages, location = _page(first.raw, printed)
    extraction, disputed = reread_fields(
        LAWYER, Extraction(LAWYER, {"name": first}), {"name": location}, pages, readers, decisive=DECISIVE,
        floor=floor,
    )
    return extraction.fields["name"], disputed


def test_an_agreeing_reading_confirms_the_name() -> None:
    value, disputed = _reread(FieldValue("贾洁", "贾洁", 0.6, "ocr"), [FakeReader("贾洁", 0.9)])
    assert value.value == "贾洁" and value.confidence == pytest.approx(0.96)
    assert not disputed


def test_a_sure_name_read_differently_is_disputed_and_both_readings_are_kept() -> None:
    value, disputed = _reread(FieldValue("鄙洁", "鄙洁", 0.95, "ocr"), [FakeReader("贾洁")])
    assert disputed == {"name"}
    assert (value.value, value.raw, value.confidence) == ("贾洁", "鄙洁", DISAGREEMENT)


def test_the_next_reader_is_asked_only_while_the_readings_disagree() -> None:
    agreeing, never = FakeReader("贾洁"), FakeReader("xx")
    _reread(FieldValue("贾洁", "贾洁", 0.6, "ocr"), [agreeing, never])
    assert agreeing.asked == [""] and never.asked == []
    second = FakeReader("贾洁")
    value, disputed = _reread(FieldValue("鄙洁", "鄙洁", 0.95, "ocr"), [FakeReader("贾洁", 0.8), second])
    assert second.asked and not disputed and value.value == "贾洁"  # two re-readings agree


def test_a_name_tesseract_misreads_is_repaired_by_the_second_engine() -> None:
    value, disputed = _reread(FieldValue("鄙洁", "鄙洁", 0.0, "ocr"), [PpOcrRecogniser()], printed="贾洁")
    assert (value.value, value.raw) == ("贾洁", "鄙洁")
    assert value.confidence > 0.9 and not disputed


def test_sure_fields_of_the_right_shape_are_not_reread_but_names_always_are() -> None:
    reader = FakeReader("11101201810000001")
    pages, location = _page("11101201810000001")
    extraction = Extraction(LAWYER, {"number": FieldValue("11101201810000001", "11101201810000001", 0.95, "ocr")})
    reread_fields(LAWYER, extraction, {"number": location}, pages, [reader], decisive=DECISIVE, floor=0.8)
    assert reader.asked == []
    _reread(FieldValue("贾洁", "贾洁", 0.99, "ocr"), [reader])
    assert reader.asked == [""]


def test_a_doubtful_number_is_reread_with_digits_only() -> None:
    pages, location = _page("1110120181000000l")
    first = FieldValue("11101201810000001", "1110120181000000l", 0.4, "ocr")
    reader = FakeReader("11101201810000001")
    extraction, disputed = reread_fields(
        LAWYER, Extraction(LAWYER, {"number": first}), {"number": location}, pages, [reader], decisive=DECISIVE,
        floor=0.8,
    )
    assert reader.asked == ["0123456789X"]
    assert extraction.fields["number"].confidence > 0.9 and not disputed


def test_tesseract_rereads_a_line_with_a_digit_whitelist() -> None:
    image = line_image("No.110320000126955")
    assert TesseractEngine().read_line(image, charset="0123456789X").text == "110320000126955"
    assert "N" in TesseractEngine().read_line(image).text


def test_a_text_layer_is_never_reread() -> None:
    reader = FakeReader("贾洁")
    _reread(FieldValue("鄙洁", "鄙洁", 1.0, "text"), [reader])
    assert reader.asked == []


def _lost(name: str, readers: list) -> tuple[Extraction, frozenset[str]]:
    pages, _ = _page("x")
    lost = LostValue(0, (200, 10, pages[0].image.width, 78))
    return reread_fields(LAWYER, Extraction(LAWYER, {}), {name: lost}, pages, readers, decisive=DECISIVE, floor=0.8)


def test_a_value_ocr_lost_is_read_where_it_must_be_and_kept_when_readings_agree() -> None:
    extraction, disputed = _lost("issue_date", [FakeReader("2019年1月2日", 0.6), FakeReader("2019.01.02", 0.7)])
    found = extraction.fields["issue_date"]
    assert (found.value, found.raw, found.confidence) == ("2019-01-02", "2019年1月2日", pytest.approx(0.88))
    assert not disputed
    extraction, disputed = _lost("name", [FakeReader("贾洁", 0.95)])  # names: one trusted reading, as for rereads
    assert extraction.fields["name"].value == "贾洁" and not disputed
    extraction, disputed = _lost("name", [FakeReader("1970")])
    assert extraction.fields == {} and not disputed  # nothing of a name's shape there


def test_a_lost_value_read_differently_is_disputed() -> None:
    extraction, disputed = _lost("issue_date", [FakeReader("2019年1月2日"), FakeReader("2018年1月2日")])
    assert disputed == {"issue_date"} and extraction.fields["issue_date"].confidence == DISAGREEMENT


def test_misshapen_rereadings_leave_a_well_shaped_number_as_it_was() -> None:
    pages, location = _page("11101201810000001")
    first = FieldValue("11101201810000001", "11101201810000001", 0.6, "ocr")
    extraction, disputed = reread_fields(
        LAWYER, Extraction(LAWYER, {"number": first}), {"number": location}, pages,
        [FakeReader("1101201810000001"), FakeReader("1110120181000000")], decisive=DECISIVE, floor=0.8,
    )
    assert extraction.fields["number"] == first and not disputed  # unsure still: decide needs a check to confirm it
    _, disputed = _reread(FieldValue("贾洁", "贾洁", 0.95, "ocr"), [FakeReader("1")])
    assert disputed == {"name"}  # a name Tesseract was sure of still needs a second reading


def test_a_misshapen_rereading_passes_the_field_on_to_the_next_reader() -> None:
    pages, location = _page("2016年07月01日")
    first = FieldValue("2016-07-01", "2016年07月01日", 0.6, "ocr")
    garbled, agreeing = FakeReader("2016年07月0年日"), FakeReader("2016年07月01日", 0.9)
    extraction, disputed = reread_fields(
        LAWYER, Extraction(LAWYER, {"issue_date": first}), {"issue_date": location}, pages,
        [garbled, agreeing], decisive=DECISIVE, floor=0.8,
    )
    assert len(agreeing.asked) == 1 and not disputed
    assert extraction.fields["issue_date"].confidence == pytest.approx(0.96)  # confirmed by the second reader


def test_re_readings_missing_the_day_neither_replace_nor_dispute_a_full_date() -> None:
    # a seal over the day: both re-readers read '2014年08月'
    pages, location = _page("2014年08月26日")
    first = FieldValue("2014-08-26", "2014年08月26日", 0.65, "ocr")
    extraction, _ = reread_fields(
        LAWYER, Extraction(LAWYER, {"issue_date": first}), {"issue_date": location}, pages,
        [FakeReader("2014年08月"), FakeReader("2014年08月", 0.9)], decisive=DECISIVE, floor=0.8,
    )
    assert extraction.fields["issue_date"] == first  # as unsure as it was: review, unless a check confirms it


def test_a_number_reading_whose_embedded_id_fails_its_check_character_counts_for_nothing() -> None:
    kind = CredentialKind.PHYSICIAN_QUALIFICATION
    number = "201342141420106198505150459"  # the embedded ID's check character is right ...
    number = number[:-1] + next(c for c in "0123456789X" if is_id_number(number[9:-1] + c))
    misread = number[:15] + "3" + number[16:]  # ... and wrong once PP-OCR reads 5 as 3
    assert read_value(kind, "number", number).plausible and not read_value(kind, "number", misread).plausible
    pages, location = _page(number)
    first = FieldValue(number, number, 0.57, "ocr")
    extraction, disputed = reread_fields(
        kind, Extraction(kind, {"number": first}), {"number": location}, pages, [FakeReader(misread, 0.97)],
        decisive=DECISIVE, floor=0.8,
    )
    assert extraction.fields["number"] == first and not disputed


def test_the_crop_keeps_the_value_not_the_label_above_it() -> None:
    image = Image.new("L", (400, 200), "white")
    image.paste(0, (20, 20, 120, 40))  # a small label
    image.paste(0, (20, 70, 300, 110))  # its value below
    boxes = [(20, 70, 100, 110), (100, 20, 200, 110), (200, 70, 300, 110)]  # one box stretched over the label
    words = tuple(OcrWord(ch, 0.9, i, box) for i, (ch, box) in enumerate(zip("贾洁x", boxes, strict=True)))
    line = OcrLine("贾洁x", 0.9, words)
    crop = _crop([PageText(0, line.text, "ocr", [line], image)], Location(0, line, 0, 3))
    assert crop is not None
    ink = np.flatnonzero((np.asarray(crop) < 128).any(axis=1))
    assert ink[-1] - ink[0] + 1 == 40  # the value's rows only


def _below_layout(*read: str, printed: tuple[str, ...] = ("持证人", "董家慧", "性别", "女")) -> list[PageText]:
    """A page printing ``printed`` one under the other, its first lines OCR'd as ``read``."""
    rows = [line_image(text) for text in printed]
    image = Image.new("RGB", (max(row.width for row in rows), sum(row.height for row in rows)), "white")
    lines, top = [], 0
    for row, text in zip(rows, (*read, *printed[len(read):]), strict=True):
        image.paste(row, (0, top))
        box = (40, top + 22, row.width - 40, top + 70)
        lines.append(OcrLine(text, 0.6, (OcrWord(text, 0.6, 0, box),)))
        top += row.height
    return [PageText(0, "\n".join(line.text for line in lines), "ocr", lines, image)]


def test_a_label_tesseract_misread_beyond_repair_is_read_again_and_its_value_found() -> None:
    pages = _below_layout("拉让人")
    extraction, located = extract_located(LAWYER, pages)
    assert "name" not in extraction.fields
    reread, _ = reread_fields(LAWYER, extraction, located, pages, [PpOcrRecogniser()], decisive=DECISIVE, floor=0.8)
    assert reread.fields["name"].value == "董家慧"
    assert reread.fields["gender"].value == "女"


def test_a_label_is_not_read_again_when_nothing_is_missing() -> None:
    pages = _below_layout("持证人")
    _, located = extract_located(LAWYER, pages)
    never = FakeReader("持证人")
    everything = {name: FieldValue("x", "x", 1.0, "text") for name in DOCUMENTS[LAWYER].fields}
    reread_fields(LAWYER, Extraction(LAWYER, everything), located, pages, [never], decisive=DECISIVE, floor=0.8)
    assert never.asked == []


def test_tesseract_rereads_a_gender_with_the_charset_it_is_given() -> None:
    # a whitelist of two CJK characters makes Tesseract's LSTM read nothing at all
    reading = TesseractEngine(prepare=False).read_line(line_image("女"), charset=CHARSETS.get("gender", ""))
    assert normalise_gender(reading.text) == "女"


def test_an_engine_agreeing_with_itself_against_the_other_engine_confirms_nothing() -> None:
    first = FieldValue("1992-09-01", "1992年09月1日", 0.6, "ocr")
    others = [(Reading("1992-09-11", True), 0.99), (Reading("1992-09-01", True), 0.9)]
    value, agreed = settle("birth_date", first, others, plausible=True, sure=False)
    assert not agreed and value.value == "1992-09-01" and value.confidence == DISAGREEMENT


def test_a_misread_label_with_its_value_right_behind_it_is_read_again() -> None:
    practice = CredentialKind.PHYSICIAN_PRACTICE  # two dates: an unlabelled one is not guessed
    image = line_image("发证日期“2017年04月16日")
    words = (OcrWord("发让站期", 0.3, 0, (40, 20, 216, 68)),
             OcrWord("“2017年04月16日", 0.9, 4, (216, 20, image.width - 40, 68)))
    line = OcrLine("发让站期“2017年04月16日", 0.6, words)
    pages = [PageText(0, line.text, "ocr", [line], image)]
    extraction, located = extract_located(practice, pages)
    assert "issue_date" not in extraction.fields
    reread, _ = reread_fields(practice, extraction, located, pages, [PpOcrRecogniser()], decisive=DECISIVE, floor=0.8)
    assert reread.fields["issue_date"].value == "2017-04-16"


def test_the_longest_label_misread_in_many_characters_is_read_again() -> None:
    printed = ("法律职业资格或律师资格证号", "A20141201014744", "性别", "女")
    pages = _below_layout("水 律焉业次烙 或律症况烙汪生", "A2014120101.4744", printed=printed)
    # Tesseract's words, each over its own characters of the label (44 pixels apiece)
    spans = ((0, 1, 0), (2, 7, 1), (8, 15, 6))  # (start, end, first character printed) per word
    label = pages[0].lines[0]
    words = tuple(OcrWord(label.text[a:b], 0.3, a, (40 + 44 * c, 22, 40 + 44 * (c + b - a), 70)) for a, b, c in spans)
    pages[0].lines[0] = OcrLine(label.text, 0.3, words)
    extraction, located = extract_located(LAWYER, pages)
    assert "qualification_number" not in extraction.fields
    reread, _ = reread_fields(LAWYER, extraction, located, pages, [PpOcrRecogniser()], decisive=DECISIVE, floor=0.8)
    assert reread.fields["qualification_number"].value == "A20141201014744"
