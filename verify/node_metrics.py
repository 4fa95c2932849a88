"""Counters every process of a node adds to and any of them reports: one small mapped file per process.

A node runs several processes (gunicorn workers, a Celery worker's job threads share one), and a
scrape reaches only one of them; so each process adds to its own file under ``<data dir>/metrics``
(float64 cells, one per series) and ``/metrics`` sums every file there. Files of processes that
ended stay (a counter never goes down); a file's name starts with a digest of the series it holds,
so files an older version wrote are not misread. Counters and histograms so summed per node also
add up across nodes (``sum by (le) (rate(verify_job_duration_seconds_bucket[5m]))``).

>>> import tempfile
>>> metrics = NodeMetrics(Path(tempfile.mkdtemp()))
>>> metrics.label_checked("valid"); metrics.job_finished(3.0)
>>> totals = metrics.totals()
>>> totals['verify_label_checks_total{result="valid"}'], totals['verify_job_duration_seconds_bucket{le="5"}']
(1.0, 1.0)
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import mmap
import os
import secrets
import struct
import threading
from pathlib import Path

from verify.labels.tokens import Reason

LABEL_CHECK_RESULTS = ("valid", *(reason.value for reason in Reason))
JOB_BUCKETS = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0)  # seconds; a page of OCR takes a few
SERIES = (
    *(f'verify_label_checks_total{{result="{result}"}}' for result in LABEL_CHECK_RESULTS),
    *(f'verify_job_duration_seconds_bucket{{le="{bound:g}"}}' for bound in JOB_BUCKETS),
    'verify_job_duration_seconds_bucket{le="+Inf"}',
    "verify_job_duration_seconds_sum",
    "verify_job_duration_seconds_count",
)
_LAYOUT = hashlib.sha256("\n".join(SERIES).encode()).hexdigest()[:12]
_CELL = struct.Struct("<d")


class NodeMetrics:
    """This node's counters in ``directory`` (made if missing); see the module docstring."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._index = {name: n for n, name in enumerate(SERIES)}
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._cells: ctypes.Array[ctypes.c_double] | None = None

    def label_checked(self, result: str) -> None:
        """One label check answered with ``result`` (``valid`` or the reason)."""
        self._add(f'verify_label_checks_total{{result="{result}"}}')

    def job_finished(self, seconds: float) -> None:
        """One job read and decided in ``seconds`` (claim to completion)."""
        for bound in JOB_BUCKETS:
            if seconds <= bound:
                self._add(f'verify_job_duration_seconds_bucket{{le="{bound:g}"}}')
        self._add('verify_job_duration_seconds_bucket{le="+Inf"}')
        self._add("verify_job_duration_seconds_sum", seconds)
        self._add("verify_job_duration_seconds_count")

    def totals(self) -> dict[str, float]:
        """Every series summed over the node's processes (files that cannot be read are skipped)."""
        totals = dict.fromkeys(SERIES, 0.0)
        for path in self.directory.glob(f"{_LAYOUT}-*.metrics"):
            with contextlib.suppress(OSError):
                data = path.read_bytes()
                for name, (value,) in zip(SERIES, _CELL.iter_unpack(data[:_CELL.size * len(SERIES)]),
                                          strict=False):
                    totals[name] += value
        return totals

    def _add(self, name: str, amount: float = 1.0) -> None:
        index = self._index[name]
        with self._lock:
            cells = self._mine()
            if cells is not None:
                cells[index] += amount

    def _mine(self) -> ctypes.Array[ctypes.c_double] | None:
        """This process's cells (a new file after a fork); None if the file cannot be made (counted nowhere)."""
        if self._pid == os.getpid():
            return self._cells
        self._pid, self._cells = os.getpid(), None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"{_LAYOUT}-{os.getpid()}-{secrets.token_hex(4)}.metrics"
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.ftruncate(fd, _CELL.size * len(SERIES))
                mapped = mmap.mmap(fd, _CELL.size * len(SERIES))
            finally:
                os.close(fd)
        except OSError:
            return None
        self._cells = (ctypes.c_double * len(SERIES)).from_buffer(mapped)
        return self._cells
