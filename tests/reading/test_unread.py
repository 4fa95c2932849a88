"""Ink Tesseract returned no words for is found and read by the engine's line reader."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tests.certificates import make_certificate, render_image
from verify.reading.ocr import OcrLine, OcrPage, OcrWord, TesseractEngine, read_unread_ink
from verify.reading.ppocr import PpOcrRecogniser
from verify.reading.unread import unread_pieces

H = 40  # text height the pages are prepared to


def _ink() -> np.ndarray:
    ink = np.zeros((600, 1600), bool)
    for x in range(100, 260, 50):
        ink[100:140, x:x + 36] = True  # a line Tesseract read: "characters" 100..296
    for x in range(100, 200, 50):
        ink[300:340, x:x + 36] = True  # a line it returned nothing for
    for x in range(600, 700, 50):
        ink[300:340, x:x + 36] = True  # ... with a second column
    ink[500:504, 50:1550] = True  # a table rule
    ink[200:203, 700:703] = True  # a speck
    return ink


def test_unread_ink_is_cut_into_word_sized_pieces() -> None:
    pieces = unread_pieces(_ink(), [(100, 100, 296, 140)], height=H)
    assert sorted(pieces) == [(100, 300, 186, 340), (600, 300, 686, 340)]


class _Reader:
    """A line reader that reads every piece as 陈志 (and says where it was asked to read)."""

    name = "fake"

    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []

    def read_line(self, image: Image.Image, *, charset: str = "", timeout: float = 5.0) -> OcrLine:
        self.sizes.append(image.size)
        return OcrLine("陈志", 0.95, (OcrWord("陈志", 0.95, 0),))

    def load(self) -> None:
        pass


def test_pieces_read_join_the_line_at_their_height_or_make_a_new_one() -> None:
    read = OcrPage("性别  男", [OcrLine("性别  男", 0.9, (OcrWord("性别", 0.9, 0, (100, 300, 186, 340)),
                                                    OcrWord("男", 0.9, 4, (600, 300, 636, 340))))])
    ink = np.zeros((600, 1600), bool)
    ink[300:340, 100:186] = ink[300:340, 600:636] = True
    ink[300:340, 1000:1086] = True  # a third column, unread
    ink[100:140, 100:186] = True  # a line above, unread
    grey = Image.fromarray(np.where(ink, 0, 255).astype(np.uint8))
    reader = _Reader()
    page = read_unread_ink(read, grey, ink, reader)
    assert page.text == "陈志\n性别  男  陈志"
    assert [word.box for word in page.lines[1].words][-1] == (1000, 300, 1086, 340)
    assert len(reader.sizes) == 2


@pytest.fixture(scope="module")
def teacher() -> tuple[str, Image.Image]:
    cert = make_certificate("teacher_qualification", seed=1)  # 陈志 in Noto Sans: chi_sim returns nothing
    return cert.fields["name"], render_image(cert, layout="table", font="noto_sans")


def test_tesseract_alone_loses_the_whole_name_line(teacher: tuple[str, Image.Image]) -> None:
    name, image = teacher
    page = TesseractEngine().read(image, timeout=30)
    assert name not in page.text and "姓名" not in page.text


def test_the_engine_reads_the_lost_line_with_its_line_reader(teacher: tuple[str, Image.Image]) -> None:
    name, image = teacher
    page = TesseractEngine(rereaders=(PpOcrRecogniser(),)).read(image, timeout=30)
    assert f"姓名  {name}" in page.text.splitlines()
    assert page.text.count("资格") == 3  # nothing read twice: 教师资格证书, 资格种类, 小学教师资格
