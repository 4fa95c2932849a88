"""The key-encryption key that protects signing keys at rest.

From ``VERIFY_SECRET_KEY``, else from a file (``VERIFY_SECRET_KEY_FILE``, e.g. a mounted
secret; by default ``secret.key`` under the data dir, created once with mode 0600).
"""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path

from verify.config import Settings
from verify.durable import write_file


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # another process made it first
        write_file(path, (secrets.token_urlsafe(32) + "\n").encode(), exclusive=True)


def key_encryption_key(settings: Settings) -> bytes:
    """The secret as bytes, creating the default file on first start."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = settings.secret_path
    if settings.secret_key_file is None and not path.exists():
        _create(path)
    secret = path.read_text().strip()
    if len(secret) < 16:
        raise RuntimeError(f"{path} must hold a secret of at least 16 characters")
    return secret.encode()
