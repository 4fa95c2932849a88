"""Run untrusted-document work in a child process with limits.

Parsers and OCR never run in the web or job-runner process: a child forked from a
forkserver (with the pipeline modules and the OCR models preloaded, so a fork costs milliseconds) gets an
address-space and CPU limit, its own process group (Tesseract children die with it),
a wall-clock deadline, a lower CPU priority than the serving threads (nice 10: a
backlog of documents slows other documents, not label checks), one OpenMP thread
(``OMP_THREAD_LIMIT=1``: the job runner's thread count and the page processes a job forks,
verify.reading.parallel, not Tesseract, decide how many cores reading takes) and its own
scratch directory for temporary files (Tesseract's copies of page images), removed when
the child ends however it ends; ``sweep_scratch`` removes those of a parent that was
itself killed. Put ``TMPDIR`` on a tmpfs so page
images never reach a disk. Whatever happens in the child comes back as a value or as
one of our own errors; ``cancel`` (a shutdown) ends the child and raises ``Cancelled``.

>>> run_isolated(pow, 2, 10, timeout=30)
1024
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from verify.errors import ParseTimeout, ResourceLimit, VerifyError

T = TypeVar("T")

_SCRATCH_PREFIX = "verify-job-"
_NICENESS = 10
_CANCEL_POLL_SECONDS = 0.25


class Cancelled(Exception):
    """The work was abandoned because the process is shutting down: release the job, do not fail it."""


_context = multiprocessing.get_context("forkserver")
# verify.jobs.warm loads the OCR models into the forkserver: reading processes fork with them loaded.
_context.set_forkserver_preload(["verify.pipeline", "verify.reading", "verify.fields", "verify.checks",
                                 "verify.jobs.warm"])


def _child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...], memory_bytes: int | None,
           cpu_seconds: int, scratch: str) -> None:
    os.setpgrp()
    os.setpriority(os.PRIO_PROCESS, 0, _NICENESS)
    with contextlib.suppress(OSError):  # the forkserver: the next reading process is low from its first instruction
        os.setpriority(os.PRIO_PROCESS, os.getppid(), _NICENESS)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    os.environ["TMPDIR"] = tempfile.tempdir = scratch  # Tesseract's page images and output land here
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    try:
        conn.send(("ok", fn(*args)))
    except VerifyError as exc:
        conn.send(("error", type(exc), exc.detail))
    except MemoryError:
        conn.send(("error", ResourceLimit, None))
    finally:
        conn.close()


def sweep_scratch() -> int:
    """Remove the scratch dirs of job processes whose parent died (SIGKILL, OOM); returns how many."""
    removed = 0
    for path in Path(tempfile.gettempdir()).glob(_SCRATCH_PREFIX + "*"):
        owner = path.name[len(_SCRATCH_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and not _alive(int(owner)):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_group(pid: int) -> None:
    """Kill the child's process group, and the child itself: until it has unpickled its work (which may
    import modules for a while) it has not made its group yet, and a group kill alone would miss it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def _await(receive: Connection, timeout: float, cancel: threading.Event | None) -> None:
    """Wait for the child's answer; ParseTimeout at the deadline, Cancelled as soon as ``cancel`` is set."""
    if cancel is None:
        if not receive.poll(timeout):
            raise ParseTimeout()
        return
    deadline = time.monotonic() + timeout
    while not receive.poll(max(0.0, min(_CANCEL_POLL_SECONDS, deadline - time.monotonic()))):
        if cancel.is_set():
            raise Cancelled()
        if time.monotonic() >= deadline:
            raise ParseTimeout()


def run_isolated(fn: Callable[..., T], *args: Any, timeout: float, memory_bytes: int | None = None,
                 cancel: threading.Event | None = None) -> T:
    """``fn(*args)`` in a limited child process; raises ParseTimeout, ResourceLimit or Cancelled.

    ``fn`` and its arguments must be picklable (module-level functions, plain data).
    """
    receive, send = _context.Pipe(duplex=False)
    scratch = tempfile.mkdtemp(prefix=f"{_SCRATCH_PREFIX}{os.getpid()}-")  # 0700, removed whatever happens
    process = _context.Process(
        target=_child, args=(send, fn, args, memory_bytes, int(timeout) + 1, scratch), daemon=True
    )
    process.start()
    send.close()
    try:
        _await(receive, timeout, cancel)
        try:
            message = receive.recv()
        except (EOFError, OSError) as exc:  # died without answering: killed by a limit
            raise ResourceLimit() from exc
    finally:
        if process.pid is not None:
            _kill_group(process.pid)
        process.join(5)
        receive.close()
        shutil.rmtree(scratch, ignore_errors=True)
    if message[0] == "ok":
        return message[1]
    _, error_class, detail = message
    raise error_class(detail)
