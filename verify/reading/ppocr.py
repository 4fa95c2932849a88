"""PP-OCRv4 through onnxruntime: a line recogniser for re-reading fields, and a page engine.

The models come inside the ``rapidocr_onnxruntime`` 1.4.4 wheel
(``models/ch_PP-OCRv4_rec_infer.onnx``, ``ch_PP-OCRv4_det_infer.onnx``): nothing is
downloaded at run time. Each model loads once per process, on first use, with one
onnxruntime thread (pages run in parallel as processes). onnxruntime writes a device id
under ``$XDG_CACHE_HOME``; unless that is set it goes to the temporary directory, which
in an isolated job is the job's scratch directory, removed with the job.

The recogniser alone reads one cropped line in ~50 ms (no detection); the page engine
(detection + recognition) takes 2-3x as long as Tesseract on a page.
"""

from __future__ import annotations

import importlib.util
import math
import os
import tempfile
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from verify.errors import OcrUnavailable
from verify.reading.ocr import LineReader, OcrLine, OcrPage, OcrWord, join_words

#: Height of the recogniser's input, and its narrowest width (PaddleOCR's ``rec_image_shape``).
LINE_HEIGHT, MIN_WIDTH = 48, 320
#: Pages are shrunk to this long side for the page engine (measured: better and faster than larger).
PAGE_SIDE = 1600
_lock = threading.Lock()


def models_dir() -> Path:
    """The wheel's model directory (found without importing the package, which loads OpenCV)."""
    spec = importlib.util.find_spec("rapidocr_onnxruntime")
    if spec is None or spec.origin is None:
        raise OcrUnavailable()
    return Path(spec.origin).parent / "models"


def _session(model: str, threads: int) -> Any:
    os.environ.setdefault("XDG_CACHE_HOME", tempfile.gettempdir())
    try:
        import onnxruntime
    except ImportError as exc:
        raise OcrUnavailable() from exc
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = threads
    options.log_severity_level = 4
    return onnxruntime.InferenceSession(str(models_dir() / model), options, providers=["CPUExecutionProvider"])


class PpOcrRecogniser:
    """PP-OCRv4's recogniser on one cropped text line (no detection), as an ``OcrLine``.

    With a ``charset`` only its characters may be decoded (a whitelist on the model's output).
    """

    name = "ppocr-line"

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    def check_available(self) -> bool:
        return importlib.util.find_spec("rapidocr_onnxruntime") is not None and (
            importlib.util.find_spec("onnxruntime") is not None
        )

    def load(self) -> None:
        _recogniser(self.threads)

    def read_line(self, image: Image.Image, *, charset: str = "", timeout: float = 5.0) -> OcrLine:
        """The text of a one-line crop and its mean character score (0..1)."""
        with _lock:
            session, characters = _recogniser(self.threads)
            scores = session.run(None, {session.get_inputs()[0].name: line_tensor(image)})[0][0]
        if charset:
            allowed = [0, *(characters.index(ch) for ch in charset if ch in characters)]
            picked = np.asarray(allowed)[scores[:, allowed].argmax(axis=1)]
        else:
            picked = scores.argmax(axis=1)
        text, confidences, previous = "", [], 0
        for step, index in enumerate(picked):
            if index != 0 and index != previous:
                text += characters[index]
                confidences.append(float(scores[step, index]))
            previous = index
        text = text.strip()
        confidence = float(np.mean(confidences)) if confidences else 0.0
        return OcrLine(text, confidence, (OcrWord(text, confidence, 0),) if text else ())


@cache
def _recogniser(threads: int) -> tuple[Any, list[str]]:
    """The recognition model and its characters (index 0 is CTC's blank), once per process."""
    session = _session("ch_PP-OCRv4_rec_infer.onnx", threads)
    characters = session.get_modelmeta().custom_metadata_map["character"].splitlines()
    return session, ["", *characters, " "]


def line_tensor(image: Image.Image) -> np.ndarray:
    """A crop as the recogniser's input: 48 px high, values in -1..1, padded to 320 px wide."""
    rgb = image.convert("RGB")
    width = max(1, math.ceil(LINE_HEIGHT * rgb.width / max(1, rgb.height)))
    values = np.asarray(rgb.resize((width, LINE_HEIGHT), Image.Resampling.BILINEAR), dtype=np.float32)
    values = (values / 255.0 - 0.5) / 0.5
    tensor = np.zeros((1, 3, LINE_HEIGHT, max(width, MIN_WIDTH)), dtype=np.float32)
    tensor[0, :, :, :width] = values.transpose(2, 0, 1)
    return tensor


#: The direction classifier's input: 48 px high, at most 192 px wide (PaddleOCR's ``cls_image_shape``).
DIRECTION_HEIGHT, DIRECTION_WIDTH = 48, 192


def upside_down_odds(crops: Sequence[np.ndarray]) -> float:
    """Summed log-odds that the text-line crops (grey arrays) are upside down rather than upright.

    PP-OCR's text direction classifier (``ch_ppocr_mobile_v2.0_cls``, in the wheel), about 2 ms a
    crop; 0.0 without crops. Raises ``OcrUnavailable`` without the model.

    >>> upside_down_odds([])
    0.0
    """
    if not crops:
        return 0.0
    batch = np.stack([_direction_tensor(crop) for crop in crops])
    with _lock:
        session = _direction_classifier()
        scores = session.run(None, {session.get_inputs()[0].name: batch})[0]
    upright, upside_down = np.log(scores[:, 0] + 1e-6), np.log(scores[:, 1] + 1e-6)
    return float((upside_down - upright).sum())


def load_direction_classifier() -> None:
    """Load the direction classifier now rather than on first use (the job forkserver does)."""
    _direction_classifier()


@cache
def _direction_classifier() -> Any:
    return _session("ch_ppocr_mobile_v2.0_cls_infer.onnx", 1)


def _direction_tensor(crop: np.ndarray) -> np.ndarray:
    """A grey crop as the classifier's input: 48 px high, no wider than 192, values in -1..1, padded."""
    width = min(DIRECTION_WIDTH, max(1, math.ceil(DIRECTION_HEIGHT * crop.shape[1] / max(1, crop.shape[0]))))
    values = np.asarray(Image.fromarray(crop).resize((width, DIRECTION_HEIGHT), Image.Resampling.BILINEAR),
                        dtype=np.float32)
    tensor = np.zeros((3, DIRECTION_HEIGHT, DIRECTION_WIDTH), dtype=np.float32)
    tensor[:, :, :width] = (values / 255.0 - 0.5) / 0.5
    return tensor


class PpOcrEngine:
    """PP-OCRv4 detection + recognition on a whole page (``VERIFY_OCR_ENGINE=ppocr``).

    The page is read as its red channel (a red seal fades like paper) shrunk to
    ``PAGE_SIDE`` pixels; text boxes on one row become one line, boxes apart by a
    column gap joined by two spaces, each box a word with the recogniser's score.
    """

    name = "ppocr"
    rereaders: Sequence[LineReader] = ()

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    def check_available(self) -> bool:
        return PpOcrRecogniser().check_available()

    def load(self) -> None:
        _page_ocr(self.threads)

    def read(self, image: Image.Image, *, timeout: float) -> OcrPage:
        grey = image.convert("RGB").getchannel("R")
        scale = min(1.0, PAGE_SIDE / max(grey.size))
        if scale < 1.0:
            grey = grey.resize((round(grey.width * scale), round(grey.height * scale)), Image.Resampling.LANCZOS)
        bgr = np.repeat(np.asarray(grey)[:, :, None], 3, axis=2)
        with _lock:
            found, _ = _page_ocr(self.threads)(bgr, use_cls=False)
        boxes = [_box(points, text, float(score)) for points, text, score in found or ()]
        lines = [_line(row) for row in _rows(boxes)]
        return OcrPage("\n".join(line.text for line in lines), lines, grey)


@cache
def _page_ocr(threads: int) -> Any:
    """RapidOCR's detection + recognition, once per process."""
    os.environ.setdefault("XDG_CACHE_HOME", tempfile.gettempdir())
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise OcrUnavailable() from exc
    return RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=threads)


def _box(points: list[list[float]], text: str, score: float) -> tuple[str, int, int, int, int, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return text, round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)), score


def _rows(boxes: list[tuple[str, int, int, int, int, float]]) -> list[list[tuple[str, int, int, int, int, float]]]:
    """Boxes grouped into rows: a box joins a row when it overlaps the row's middle."""
    rows: list[list[tuple[str, int, int, int, int, float]]] = []
    for box in sorted(boxes, key=lambda b: (b[2] + b[4]) / 2):
        middle = (box[2] + box[4]) / 2
        if rows and any(other[2] <= middle <= other[4] for other in rows[-1]):
            rows[-1].append(box)
        else:
            rows.append([box])
    return [sorted(row, key=lambda b: b[1]) for row in rows]


def _line(row: list[tuple[str, int, int, int, int, float]]) -> OcrLine:
    text, starts = join_words([(b[0], b[1], b[3] - b[1], b[4] - b[2]) for b in row], column_gap=1.5)
    words = tuple(OcrWord(b[0], b[5], s, b[1:5]) for b, s in zip(row, starts, strict=True))
    return OcrLine(text, min(b[5] for b in row), words)
