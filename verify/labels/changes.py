"""A counter of label changes that every process on this machine reads in memory: one mapped file.

Label checks read no database, so each serving process keeps the revoked and suspended labels
in memory (:class:`~verify.labels.cache.StatusBoard`). This counter tells them when to read
again: a process that changes a label (revoke, suspend, resume, supersede) or withdraws a
signing key adds one *after its commit and before it answers*; every check compares the
counter with the value its board last read, which is one 8-byte load from shared memory (no
system call), and reads the database only when it moved. So a change is seen by every check
that starts after the change call has answered, in every process that maps the same file.

The file is ``label-changes`` in the data dir: 8 bytes, a little-endian unsigned counter. Only
processes that map the same file on the same machine see each other's changes through it;
other machines learn of them from the database's ``label_changes`` counter
(verify.services.labels.freshness). The value means nothing on its own and is never reset; a lost file only
costs one extra refresh in each process.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     one, other = ChangeCounter(Path(d) / "c"), ChangeCounter(Path(d) / "c")
...     before = other.value()
...     one.bump() == other.value() == before + 1
True
"""

from __future__ import annotations

import ctypes
import fcntl
import mmap
import os
import threading
from pathlib import Path

FILE_NAME = "label-changes"
_SIZE = 8


class ChangeCounter:
    """The shared counter in ``path`` (created if missing); :meth:`value` to read, :meth:`bump` to announce."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_size < _SIZE:
                os.ftruncate(fd, _SIZE)
            fcntl.flock(fd, fcntl.LOCK_UN)
            self._map = mmap.mmap(fd, _SIZE)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        # An aligned 8-byte cell: loads and stores of it are single instructions, never torn.
        self._cell = ctypes.c_uint64.from_buffer(self._map)
        self._bumping = threading.Lock()  # flock(2) does not exclude threads sharing this descriptor

    def value(self) -> int:
        """The counter now: one load from shared memory."""
        return self._cell.value

    def bump(self) -> int:
        """Announce a committed change: add one (under a lock, so concurrent bumps are never lost)."""
        with self._bumping:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                self._cell.value = (self._cell.value + 1) % (1 << 64)
                return self._cell.value
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
