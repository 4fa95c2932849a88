"""Configuration: README's table documents every setting, and a setting the service cannot use stops it at once."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import make_app
from tests.serving import BIN, ROOT, Server
from verify.config import load_settings, variable_names


def _documented() -> set[str]:
    """The ``VERIFY_*`` names in the first column of README's configuration table."""
    section = (ROOT / "README.md").read_text().split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `VERIFY_")]
    return {name for row in rows for name in re.findall(r"`(VERIFY_[A-Z0-9_]+)`", row.split("|")[1])}


def test_every_setting_is_in_readmes_table_and_the_table_names_no_other() -> None:
    read = set(variable_names())
    assert read - _documented() == set(), "settings README's configuration table does not document"
    assert _documented() - read == set(), "README documents variables the configuration does not read"


@pytest.mark.parametrize(("overrides", "named"), [
    ({"queue": "rabbitmq"}, "VERIFY_QUEUE must be one of local, celery, not 'rabbitmq'"),
    ({"ocr_engine": "easyocr"}, "VERIFY_OCR_ENGINE must be one of tesseract, ppocr, none, not 'easyocr'"),
    ({"webhook_retry_seconds": "soon"}, "VERIFY_WEBHOOK_RETRY_SECONDS"),
    ({"webhook_allowed_networks": "10.0.0.0/33"}, "VERIFY_WEBHOOK_ALLOWED_NETWORKS"),
])
def test_an_unusable_setting_refuses_to_start_naming_it(tmp_path: Path, overrides: dict[str, str],
                                                         named: str) -> None:
    with pytest.raises(SystemExit) as refused:
        make_app(tmp_path / "data", **overrides)
    assert str(refused.value.code).startswith("verify refuses to start: ") and named in str(refused.value.code)


def test_a_number_that_is_not_one_is_named() -> None:
    with pytest.raises(RuntimeError, match="VERIFY_WORKERS must be a number, not 'two'"):
        load_settings({"VERIFY_WORKERS": "two"})


@pytest.mark.timeout(120)
def test_flask_and_gunicorn_refuse_an_unknown_engine_or_queue_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    server = Server(tmp_path / "data", env={"VERIFY_OCR_ENGINE": "easyocr"})
    flask = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "setup"], cwd=ROOT, capture_output=True, text=True,
                           env={**server.env, "VERIFY_OCR_ENGINE": "tesseract", "VERIFY_QUEUE": "rabbitmq"},
                           timeout=60)
    assert flask.returncode != 0
    assert "VERIFY_QUEUE must be one of" in flask.stderr and "Traceback" not in flask.stderr, flask.stderr
    gunicorn = subprocess.run([str(BIN / "gunicorn"), "-c", str(server.config), "wsgi:app"], cwd=ROOT,
                              env=server.env, capture_output=True, text=True, timeout=60)
    assert gunicorn.returncode != 0
    assert "VERIFY_OCR_ENGINE must be one of" in gunicorn.stderr and "Traceback" not in gunicorn.stderr, \
        gunicorn.stderr
