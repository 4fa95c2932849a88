"""Run untrusted-document work in a child process with limits.

Parsers and OCR never run in the web or job-runner process: a child forked from a
forkserver (with the pipeline modules preloaded, so a fork costs milliseconds) gets an
address-space and CPU limit, its own process group (Tesseract children die with it)
and a wall-clock deadline, and its own scratch directory for temporary files (Tesseract's
copies of page images), removed when the child ends however it ends; ``sweep_scratch``
removes those of a parent that was itself killed. Put ``TMPDIR`` on a tmpfs so page
images never reach a disk. Whatever happens in the child comes back as a value or as
one of our own errors.

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
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from verify.errors import ParseTimeout, ResourceLimit, VerifyError

T = TypeVar("T")

_SCRATCH_PREFIX = "verify-job-"
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["verify.pipeline", "verify.reading", "verify.fields", "verify.checks"])


def _child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...], memory_bytes: int | None,
           cpu_seconds: int, scratch: str) -> None:
    os.setpgrp()
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
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def run_isolated(fn: Callable[..., T], *args: Any, timeout: float, memory_bytes: int | None = None) -> T:
    """``fn(*args)`` in a limited child process; raises ParseTimeout or ResourceLimit.

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
        if not receive.poll(timeout):
            raise ParseTimeout()
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
