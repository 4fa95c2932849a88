"""The job forkserver loads the OCR models once: every reading process starts with them."""

from __future__ import annotations

import pytest

from verify.jobs.isolate import run_isolated
from verify.jobs.warm import warm


def _models_loaded() -> tuple[bool, bool, bool]:
    """In the reading process, before it reads anything: Tesseract's model, PP-OCR's recogniser and
    its direction classifier."""
    from verify.reading import ocr, ppocr

    return (bool(ocr._apis), ppocr._recogniser.cache_info().currsize > 0,
            ppocr._direction_classifier.cache_info().currsize > 0)


def test_a_reading_process_starts_with_the_ocr_models_loaded() -> None:
    assert run_isolated(_models_loaded, timeout=60) == (True, True, True)


def _validator_loaded() -> bool:
    import sys

    return "pyhanko.sign.validation" in sys.modules


def test_a_reading_process_starts_with_the_signature_validator_imported() -> None:
    assert run_isolated(_validator_loaded, timeout=60) is True


def test_warming_without_the_language_data_is_not_an_error_and_logs_nothing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("VERIFY_TESSDATA_DIR", "/nonexistent/tessdata/")
    warm()  # OcrUnavailable: expected, the job that needs the engine reports it
    assert not [record for record in caplog.records if record.name == "verify.jobs.warm"]


def test_a_fault_while_warming_is_logged_with_its_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object) -> object:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("verify.jobs.warm.make_ocr_engine", broken)
    warm()
    logged = [record for record in caplog.records if record.name == "verify.jobs.warm"]
    assert logged and logged[0].exc_info is not None and logged[0].exc_info[0] is ZeroDivisionError
