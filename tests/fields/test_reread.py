"""Re-reading decisive fields from their region: agreement confirms, disagreement disputes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PIL import Image

from tests.reading.test_ocr import line_image
from verify.domain import CredentialKind, Extraction, FieldValue
from verify.fields.lines import Location
from verify.fields.reread import DISAGREEMENT, reread_fields
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
