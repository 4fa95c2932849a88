"""The job forkserver loads the OCR models once: every reading process starts with them."""

from __future__ import annotations

from verify.jobs.isolate import run_isolated


def _models_loaded() -> tuple[bool, bool]:
    """In the reading process, before it reads anything: Tesseract's model and PP-OCR's recogniser."""
    from verify.reading import ocr, ppocr

    return bool(ocr._apis), ppocr._recogniser.cache_info().currsize > 0


def test_a_reading_process_starts_with_the_ocr_models_loaded() -> None:
    assert run_isolated(_models_loaded, timeout=60) == (True, True)


def _validator_loaded() -> bool:
    import sys

    return "pyhanko.sign.validation" in sys.modules


def test_a_reading_process_starts_with_the_signature_validator_imported() -> None:
    assert run_isolated(_validator_loaded, timeout=60) is True
