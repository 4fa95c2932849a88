"""PP-OCR (ONNX): the line recogniser re-reads names Tesseract misreads, offline, in the isolated child."""

from __future__ import annotations

import io

from PIL import Image

from tests.reading.test_ocr import line_image
from verify.config import Limits
from verify.jobs.isolate import run_isolated
from verify.reading.ppocr import PpOcrEngine, PpOcrRecogniser, models_dir


def test_the_models_come_inside_the_wheel() -> None:
    names = {path.name for path in models_dir().glob("*.onnx")}
    assert {"ch_PP-OCRv4_rec_infer.onnx", "ch_PP-OCRv4_det_infer.onnx"} <= names
    assert PpOcrRecogniser().check_available()


def test_the_recogniser_reads_a_cropped_name() -> None:
    line = PpOcrRecogniser().read_line(line_image("贾洁"))
    assert line.text == "贾洁"
    assert line.confidence > 0.9


def test_a_charset_limits_what_the_recogniser_may_read() -> None:
    image = line_image("No.110320000126955")
    assert PpOcrRecogniser().read_line(image, charset="0123456789X").text == "110320000126955"


def _read_in_child(png: bytes) -> str:
    return PpOcrRecogniser().read_line(Image.open(io.BytesIO(png))).text


def test_the_recogniser_runs_in_the_isolated_child_under_the_memory_limit() -> None:
    out = io.BytesIO()
    line_image("欧阳晓燕").save(out, "PNG")
    limits = Limits()
    text = run_isolated(_read_in_child, out.getvalue(), timeout=60, memory_bytes=limits.job_memory_bytes)
    assert text == "欧阳晓燕"


def test_the_page_engine_reads_lines_with_column_gaps() -> None:
    image = Image.new("RGB", (1400, 200), "white")
    image.paste(line_image("姓名"), (0, 40))
    image.paste(line_image("张伟"), (700, 40))
    page = PpOcrEngine().read(image, timeout=20)
    assert page.text == "姓名  张伟"
    assert page.lines[0].words[1].box is not None
