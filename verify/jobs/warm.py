"""Imported by the job forkserver only: loads the configured OCR engine's models there, once.

Every reading process is forked from the forkserver (verify.jobs.isolate), so it starts with
Tesseract's language model and PP-OCR's recogniser already in memory, shared copy-on-write,
instead of loading them again for each job (about 0.3 s), with pyHanko imported (the PDF
signature check imports it only for a signed file, which would cost such a job 0.5 s) and with
each kind's caption finder built (verify.fields.captions: 0.05 s a kind). A missing
engine or model is not an error here: the reading process reports it when it needs the engine.
"""

from __future__ import annotations

import contextlib

from verify.config import load_settings
from verify.fields.captions import find_captions
from verify.kinds import DOCUMENTS
from verify.pipeline import make_ocr_engine
from verify.reading.signatures import import_validator

with contextlib.suppress(Exception):
    make_ocr_engine(load_settings().ocr_engine).load()
import_validator()
for kind in DOCUMENTS:
    find_captions(kind, "")
