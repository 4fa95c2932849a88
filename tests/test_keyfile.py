"""The service secret must be strong wherever it comes from, and a weak one stops the service with its reason.

The rule (README, "Configuration"): at least 32 characters and at least 128 bits by the estimate
length × Shannon entropy of its characters. The generated ``secret.key`` always passes.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest

from tests.conftest import make_app
from tests.serving import BIN, ROOT, Server
from verify.config import load_settings
from verify.keyfile import key_encryption_key


def _refusal(data_dir: Path, **settings: object) -> str:
    with pytest.raises(SystemExit) as refused:
        make_app(data_dir, **settings)
    return str(refused.value.code)


# Too short (16 random-looking characters: what the old rule allowed), then long but repetitive (48 and 0 bits).
@pytest.mark.parametrize("secret", ["too short", "eR4-xYq2_Lk9vB7w", "ab" * 24, "a" * 64])
def test_a_weak_secret_key_from_the_environment_is_refused_naming_the_rule_not_the_secret(
    tmp_path: Path, secret: str
) -> None:
    message = _refusal(tmp_path / "data", secret_key=secret)
    assert "VERIFY_SECRET_KEY" in message and "32 characters" in message and "128 bits" in message
    assert secret not in message


def test_a_weak_secret_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "mounted.key"
    secret_file.write_text("abcdefgh" * 4 + "\n")  # 32 characters, 8 distinct: 96 bits
    message = _refusal(tmp_path / "data", secret_key_file=secret_file)
    assert str(secret_file) in message and "abcdefgh" not in message


def test_a_weak_secret_key_in_the_data_dir_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "secret.key").write_text("sixteen-chars-ok\n")  # what the old rule (16 characters) allowed
    assert "secret.key" in _refusal(data_dir)


def test_the_generated_secret_and_strong_ones_pass(tmp_path: Path) -> None:
    settings = load_settings(overrides={"data_dir": tmp_path / "data"})
    generated = key_encryption_key(settings)
    assert (tmp_path / "data" / "secret.key").read_bytes().strip() == generated
    for secret in (secrets.token_urlsafe(32), secrets.token_hex(32)):  # openssl rand -base64 32 / -hex 32 alike
        assert key_encryption_key(load_settings(overrides={"secret_key": secret})) == secret.encode()


def test_rotate_secret_refuses_a_weak_new_secret_file(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", ocr_engine="none")
    try:
        weak = tmp_path / "new.key"
        weak.write_text("abcd" * 10 + "\n")  # 40 characters, 4 distinct: 80 bits
        result = app.test_cli_runner().invoke(args=["keys", "rotate-secret", "--new-secret-file", str(weak)])
        assert result.exit_code != 0 and "128 bits" in result.output and "Traceback" not in result.output
    finally:
        app.extensions["verify"].store.dispose()


def _environment(data_dir: Path, secret: str) -> dict[str, str]:
    return {**os.environ, "VERIFY_DATA_DIR": str(data_dir), "VERIFY_SECRET_KEY": secret, "OMP_THREAD_LIMIT": "1"}


@pytest.mark.timeout(120)
def test_flask_and_gunicorn_refuse_to_start_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    env = _environment(tmp_path / "data", "changeme-changeme")
    flask = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "setup"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=60)
    assert flask.returncode != 0
    assert "VERIFY_SECRET_KEY" in flask.stderr and "Traceback" not in flask.stderr, flask.stderr
    server = Server(tmp_path / "data", env={"VERIFY_SECRET_KEY": "changeme-changeme"})
    gunicorn = subprocess.run([str(BIN / "gunicorn"), "-c", str(server.config), "wsgi:app"], cwd=ROOT,
                              env=server.env, capture_output=True, text=True, timeout=60)
    assert gunicorn.returncode != 0
    assert "VERIFY_SECRET_KEY" in gunicorn.stderr and "Traceback" not in gunicorn.stderr, gunicorn.stderr
