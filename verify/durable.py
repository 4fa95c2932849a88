"""Files that survive a crash: written whole or not at all, and on disk before the caller goes on.

Secrets, signing keys, the key manifest and the audit anchor are written through here: mode 0600,
``fsync`` of the file, and for a replacement a temporary file in the same directory, ``os.replace``
and an ``fsync`` of the directory (so the new name is on disk too).

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> replace_file(folder / "a.json", b"{}")
>>> (folder / "a.json").read_bytes(), oct((folder / "a.json").stat().st_mode & 0o777)
(b'{}', '0o600')
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def write_file(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` (0600) and fsync it; ``exclusive`` raises FileExistsError if it exists."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically: readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        write_file(temporary, data, exclusive=True)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Put ``directory``'s entries (a created or renamed file) on disk."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
