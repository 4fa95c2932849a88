"""The service as ``make run`` starts it, for the end-to-end tests and the benchmarks.

``flask --app wsgi setup``, then ``gunicorn -c gunicorn.conf.py wsgi:app`` in its own session
(so one signal reaches the master, its workers and their job processes) on a free port of
127.0.0.1 with its own ``VERIFY_DATA_DIR``, trusting the tests' PDF signer (tests/signing.py).
Every step has a timeout; ``stop`` sends SIGTERM, then SIGKILL if the server has not ended
within its grace.

    with Server(tmp / "data") as server:
        key = server.create_key("acme-video")
        requests.get(server.url + "/healthz")
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import psutil

from tests.signing import trusted_signers_file

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


class ServerError(RuntimeError):
    """The server did not start, or did not become healthy in time."""


def kill_with_children(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL ``process``'s group and every process it started (job processes have groups of their own)."""
    with contextlib.suppress(psutil.NoSuchProcess):
        family = psutil.Process(process.pid).children(recursive=True)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        for child in family:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
    process.wait(10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn server over ``data_dir``; ``env`` adds to (or overrides) the inherited environment.

    ``log`` receives gunicorn's stdout and stderr (the access log included); without it both are
    discarded. ``config`` replaces ``gunicorn.conf.py`` (a test's own hooks on top of it).
    """

    def __init__(self, data_dir: Path, *, env: Mapping[str, str] | None = None, log: Path | None = None,
                 config: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "VERIFY_DATA_DIR": str(data_dir), "HOST": "127.0.0.1", "PORT": str(self.port),
                    "OMP_THREAD_LIMIT": "1", "VERIFY_TRUSTED_SIGNERS": str(trusted_signers_file()), **(env or {})}
        self.log = log
        self.config = config or ROOT / "gunicorn.conf.py"
        self.process: subprocess.Popen[bytes] | None = None

    def flask(self, *args: str) -> str:
        """``flask --app wsgi ARGS`` against this server's data; its stdout."""
        done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120, check=True)
        return done.stdout

    def create_key(self, platform: str, role: str = "platform") -> str:
        """A new API key (``keys create`` prints it alone on its last line)."""
        return self.flask("keys", "create", "--platform", platform, "--role", role).strip().splitlines()[-1]

    def start(self, timeout: float = 60) -> None:
        """``flask setup``, then gunicorn; returns once ``/healthz`` answers 200."""
        self.flask("setup")
        if self.log is None:
            output: int | None = subprocess.DEVNULL
            self.process = self._spawn(output)
        else:
            with self.log.open("ab") as log:
                self.process = self._spawn(log.fileno())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code, self.process = self.process.returncode, None
                raise ServerError(f"gunicorn exited with {code}" + (f"; see {self.log}" if self.log else ""))
            if self.healthy():
                return
            time.sleep(0.2)
        self.kill()
        raise ServerError(f"the server did not become healthy within {timeout:g} s")

    def _spawn(self, output: int | None) -> subprocess.Popen[bytes]:
        return subprocess.Popen([str(BIN / "gunicorn"), "-c", str(self.config), "wsgi:app"], cwd=ROOT, env=self.env,
                                stdout=output, stderr=output, start_new_session=True)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=10) as answer:
                return answer.status == 200
        except OSError:
            return False

    def stop(self, grace: float = 30) -> int | None:
        """SIGTERM to the master (a graceful shutdown), SIGKILL to the session after ``grace`` s; the exit code."""
        if self.process is None:
            return None
        process, self.process = self.process, None
        try:
            process.send_signal(signal.SIGTERM)
            return process.wait(grace)
        except subprocess.TimeoutExpired:
            self._signal_session(process, signal.SIGKILL)
            return process.wait(10)
        finally:
            self._signal_session(process, signal.SIGKILL)  # whatever the master left behind

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """``sig`` to every process of the server's session at once (SIGKILL: a crash), and wait for the master."""
        if self.process is None:
            return
        process, self.process = self.process, None
        self._signal_session(process, sig)
        try:
            process.wait(30)
        finally:
            self._signal_session(process, signal.SIGKILL)

    @staticmethod
    def _signal_session(process: subprocess.Popen[bytes], sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()
