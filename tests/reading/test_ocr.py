"""OCR engines: real Tesseract on a small rendered line, its failures typed; the fakes."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.certificates import FONTS, make_certificate, make_upload
from verify.errors import OcrTimeout, OcrUnavailable, ParseError
from verify.reading.ocr import (
    FALLBACK_CONFIDENCE,
    FailingEngine,
    NullEngine,
    OcrLine,
    OcrPage,
    OcrWord,
    TesseractEngine,
    page_confidence,
    page_from_data,
)
from verify.reading.ppocr import PpOcrEngine


def line_image(text: str, size: int = 44) -> Image.Image:
    path, index = FONTS["zenhei"]
    font = ImageFont.truetype(path, size, index=index)
    image = Image.new("RGB", (int(font.getlength(text)) + 80, size * 2), "white")
    ImageDraw.Draw(image).text((40, size // 2), text, fill="black", font=font)
    return image


def test_tesseract_reads_a_certificate_line_with_word_confidences() -> None:
    page = TesseractEngine().read(line_image("证书编码：110320000126955"), timeout=20)
    assert "110320000126955" in page.text
    assert "证书编码" in page.text  # no spaces between CJK characters
    (line,) = page.lines
    assert 0.5 < line.confidence <= 1.0
    assert all(0.0 <= word.confidence <= 1.0 for word in line.words)
    assert "".join(w.text for w in line.words) == line.text.replace(" ", "")


def test_tesseract_is_available_here_and_the_answer_is_cached() -> None:
    engine = TesseractEngine()
    assert engine.check_available() is True
    assert engine.check_available() is True


def test_missing_language_data_is_unavailable() -> None:
    engine = TesseractEngine(lang="xyz_missing")
    assert engine.check_available() is False
    with pytest.raises(OcrUnavailable):
        engine.read(line_image("姓名"), timeout=20)


def test_missing_language_data_directory_is_unavailable() -> None:
    engine = TesseractEngine(tessdata="/nonexistent/tessdata/")
    assert engine.check_available() is False
    with pytest.raises(OcrUnavailable):
        engine.read(line_image("姓名"), timeout=20)


def test_word_boxes_refer_to_the_page_image_the_engine_read() -> None:
    page = TesseractEngine().read(line_image("证书编码：110320000126955"), timeout=20)
    assert page.image is not None
    (line,) = page.lines
    number = line.text.index("110320000126955")
    left, top, right, bottom = line.box_of(number, number + 15)
    assert 0 <= left < right <= page.image.width and 0 <= top < bottom <= page.image.height
    assert right - left > 5 * (bottom - top)  # fifteen digits side by side


def test_a_slow_page_times_out() -> None:
    # A page dense with text: its layout is found in about a second, reading all of it takes far longer than
    # the deadline. (Tesseract's deadline covers recognition, not layout analysis: a page of noise can spend a
    # minute before the deadline is looked at. The job's own wall clock in verify.jobs.isolate bounds that.)
    path, index = FONTS["zenhei"]
    font = ImageFont.truetype(path, 28, index=index)
    page = Image.new("L", (1600, 2000), "white")
    line = "医师执业证书姓名性别出生日期身份证号执业类别执业范围发证机关" * 2
    for top in range(20, 1960, 40):
        ImageDraw.Draw(page).text((20, top), line, fill=0, font=font)
    with pytest.raises(OcrTimeout):
        TesseractEngine(prepare=False).read(page, timeout=0.2)


def test_words_are_grouped_into_lines_with_cjk_spaces_removed() -> None:
    data = {
        "text": ["", "姓", "名", "张", "三", "No.", "5"],
        "conf": ["-1", "96", "94", "60", "90", "80", "70"],
        "page_num": [1] * 7,
        "block_num": [1] * 7,
        "par_num": [1] * 7,
        "line_num": [0, 1, 1, 1, 1, 2, 2],
        "left": [0, 0, 45, 200, 245, 0, 80],
        "width": [300, 40, 40, 40, 40, 60, 20],
        "height": [40] * 7,
    }
    page = page_from_data(data)
    assert page.text == "姓名  张三\nNo. 5"
    first = page.lines[0]
    assert first.confidence == pytest.approx(0.85)
    assert first.confidence_of(4, 6) == pytest.approx(0.60)  # 张三: its lowest word


def test_a_line_without_words_has_its_own_confidence() -> None:
    assert OcrLine("文本层", 1.0).confidence_of(0, 3) == 1.0
    assert OcrLine("ab", 0.5, (OcrWord("ab", 0.9, 0),)).confidence_of(5, 6) == 0.5


def test_the_fakes() -> None:
    image = Image.new("RGB", (10, 10))
    assert NullEngine().read(image, timeout=1).text == ""
    with pytest.raises(OcrTimeout):
        FailingEngine().read(image, timeout=1)
    with pytest.raises(ParseError):
        FailingEngine(ParseError()).read(image, timeout=1)


class _Counted:
    """The real PP-OCR page engine, counting the pages it is given."""

    name = "ppocr"
    rereaders = ()

    def __init__(self) -> None:
        self.engine, self.pages = PpOcrEngine(), 0

    def read(self, image: Image.Image, *, timeout: float) -> OcrPage:
        self.pages += 1
        return self.engine.read(image, timeout=timeout)

    def check_available(self) -> bool:
        return self.engine.check_available()

    def load(self) -> None:
        self.engine.load()


def test_a_page_tesseract_reads_well_is_not_read_again() -> None:
    fallback = _Counted()
    page = TesseractEngine(fallback=fallback).read(line_image("证书编码：110320000126955"), timeout=20)
    assert fallback.pages == 0
    assert page_confidence(page) >= FALLBACK_CONFIDENCE


def test_a_page_tesseract_reads_poorly_is_read_again_by_the_fallback() -> None:
    """A lawyer's licence photographed and forwarded through a chat app (1280 px, JPEG q50), Kai face."""
    cert = make_certificate("lawyer", 0)
    upload = make_upload(cert, "chat", 0, layout="below", font="ukai")
    page_image = Image.open(io.BytesIO(upload.data)).convert("RGB")
    assert page_confidence(TesseractEngine().read(page_image, timeout=30)) < FALLBACK_CONFIDENCE
    fallback = _Counted()
    page = TesseractEngine(fallback=fallback).read(page_image, timeout=30)
    assert fallback.pages == 1
    assert cert.fields["number"] in page.text.replace(" ", "")
