"""Imported by the job forkserver only: loads the configured OCR engine's models there, once.

Every reading process is forked from the forkserver (verify.jobs.isolate), so it starts with
Tesseract's language model and PP-OCR's recogniser and direction classifier already in memory, shared copy-on-write,
instead of loading them again for each job (about 0.3 s), with pyHanko imported (the PDF
signature check imports it only for a signed file, which would cost such a job 0.5 s) and with
each kind's caption finder built (verify.fields.captions: 0.05 s a kind).

A missing engine or model (``OcrUnavailable``: no ``chi_sim`` data, no onnxruntime) is expected
here: the reading process reports it when it needs the engine, and uploads answer 503 meanwhile.
Anything else is a fault: it is logged with its traceback, and the forkserver still starts so that
each job reports its own failure rather than every job failing to start.
"""

from __future__ import annotations

import logging

from verify.config import load_settings
from verify.errors import OcrUnavailable
from verify.fields.captions import find_captions
from verify.kinds import DOCUMENTS
from verify.pipeline import make_ocr_engine
from verify.reading.ppocr import load_direction_classifier
from verify.reading.signatures import import_validator

log = logging.getLogger(__name__)


def warm() -> None:
    """Load the OCR models, the signature validator and the caption finders into this process."""
    settings = load_settings()
    try:
        make_ocr_engine(settings.ocr_engine, settings.tessdata_dir).load()
        load_direction_classifier()  # which way up an image page lies (verify.reading.orientation)
    except OcrUnavailable:
        pass  # reported by the job that needs the engine
    except Exception:
        log.exception("loading the %s OCR engine in the job forkserver failed", settings.ocr_engine)
    import_validator()
    for kind in DOCUMENTS:
        find_captions(kind, "")


warm()
