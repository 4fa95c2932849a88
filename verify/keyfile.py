"""The service secret: the key-encryption key that protects signing keys, data keys and sessions.

From ``VERIFY_SECRET_KEY``, else from a file (``VERIFY_SECRET_KEY_FILE``, e.g. a mounted
secret; by default ``secret.key`` under the data dir, created once with mode 0600).

Wherever it comes from, a secret must be *strong*: at least ``MIN_CHARACTERS`` characters and at
least ``MIN_BITS`` bits by a simple estimate, its length times the Shannon entropy of its characters
(``estimated_bits``). The estimate refuses short, repetitive and few-symbol secrets; it cannot tell a
random string from a long sentence, so make the secret with a random generator, e.g.
``python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`` (about 200 bits, what the generated
``secret.key`` holds) or ``openssl rand -base64 32``.

>>> check_strength("ab" * 24, "VERIFY_SECRET_KEY")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
verify.keyfile.WeakSecret: VERIFY_SECRET_KEY is too weak (48 characters, about 48 bits): a secret needs at least...
"""

from __future__ import annotations

import contextlib
import math
import secrets
from collections import Counter
from pathlib import Path

from verify.config import Settings
from verify.durable import write_file

MIN_CHARACTERS = 32
MIN_BITS = 128
GENERATE = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


class WeakSecret(RuntimeError):
    """A service secret below the documented strength; the message names its source, never the secret."""


def estimated_bits(secret: str) -> float:
    """Length × the Shannon entropy of the secret's own characters, in bits.

    >>> estimated_bits("0123456789abcdef" * 2), estimated_bits("a" * 64)
    (128.0, 0.0)
    """
    counts, length = Counter(secret), len(secret)
    return length * sum(n / length * math.log2(length / n) for n in counts.values())


def check_strength(secret: str, source: str) -> str:
    """``secret`` if it is strong enough, else ``WeakSecret`` naming ``source`` (a variable or a file)."""
    bits = estimated_bits(secret)
    if len(secret) < MIN_CHARACTERS or bits < MIN_BITS:
        raise WeakSecret(f"{source} is too weak ({len(secret)} characters, about {bits:.0f} bits): a secret needs "
                         f"at least {MIN_CHARACTERS} characters and {MIN_BITS} bits (length × Shannon entropy of "
                         f"its characters); make one with: {GENERATE}")
    return secret


def new_secret() -> str:
    """A fresh secret: 32 random bytes, URL-safe base64 (43 characters, about 200 bits by the estimate)."""
    return secrets.token_urlsafe(32)


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # another process made it first
        write_file(path, (new_secret() + "\n").encode(), exclusive=True)


def key_encryption_key(settings: Settings) -> bytes:
    """The secret as bytes, creating the default file on first start; ``WeakSecret`` if it is too weak."""
    if settings.secret_key:
        return check_strength(settings.secret_key, "VERIFY_SECRET_KEY").encode()
    path = settings.secret_path
    if settings.secret_key_file is None and not path.exists():
        _create(path)
    return check_strength(path.read_text().strip(), str(path)).encode()
