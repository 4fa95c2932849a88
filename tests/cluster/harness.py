"""A cluster as ``compose.yaml`` runs it, in real processes on this machine: what tests and ``bench/cluster.py`` use.

One PostgreSQL (tests/postgres.py), one ``redis-server``, web nodes (``flask setup`` then gunicorn,
tests/serving.py) and Celery workers (``flask --app wsgi worker``), every process with a data dir of its
own and nothing shared but the database, Redis and the secret (``VERIFY_SECRET_KEY``). Each process runs
in its own session, so one SIGKILL takes a node or a worker down with the job processes it started.

    with Cluster.start(postgres, tmp_path, nodes=2, workers=2) as cluster:
        key = cluster.nodes[0].create_key("acme-video")
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import redis

from tests.postgres import PostgresServer
from tests.serving import BIN, ROOT, Server, free_port, kill_with_children
from tests.signing import trusted_signers_file

SECRET = "cluster-secret-shared-by-every-node-0123456789-abcdefghij"
#: The commands each kind of process runs, as compose.yaml runs them (tests/cluster/test_compose.py compares).
SETUP_COMMAND = ("flask", "--app", "wsgi", "setup")
WEB_COMMAND = ("gunicorn", "-c", "gunicorn.conf.py", "wsgi:app")
WORKER_COMMAND = ("flask", "--app", "wsgi", "worker")


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")
        time.sleep(0.1)


class RedisServer:
    """A `redis-server` of our own on a free port, no persistence; missing fails (make test installs it)."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is missing: `make test` installs it (Debian package redis-server)"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(directory), "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        try:
            wait_for(answers, 10, "redis-server to answer")
        finally:
            client.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class Worker:
    """``flask --app wsgi worker`` (a Celery worker in this mode) over its own data dir; ``log`` keeps its output."""

    def __init__(self, data_dir: Path, env: Mapping[str, str]) -> None:
        self.env = {**os.environ, **env, "VERIFY_DATA_DIR": str(data_dir)}
        self.log = data_dir.parent / f"{data_dir.name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, **env: str) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([str(BIN / WORKER_COMMAND[0]), *WORKER_COMMAND[1:]], cwd=ROOT,
                                            env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def kill(self) -> None:
        """SIGKILL the worker and everything it started (its job processes have process groups of their own)."""
        if self.process is None:
            return
        process, self.process = self.process, None
        kill_with_children(process)

    def stop(self) -> None:
        """SIGTERM (running jobs get the grace, then are given back), SIGKILL if it lingers."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
            self.process = None
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


@dataclass
class Cluster:
    """Web nodes and workers over one PostgreSQL database and one Redis; see the module docstring."""

    postgres: PostgresServer
    database_url: str
    redis: RedisServer
    nodes: list[Server]
    workers: list[Worker]
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, postgres: PostgresServer, root: Path, *, nodes: int = 2, workers: int = 2,
              env: Mapping[str, str] | None = None) -> Cluster:
        """Start ``nodes`` web nodes (one after another: the first runs the migrations) and ``workers`` workers."""
        database_url = postgres.database(migrated=False)  # `flask setup` of the first node migrates it
        redis_server = RedisServer(root / "redis")
        shared = {  # the cluster's settings; each process adds the inherited environment and its own port and dir
            "VERIFY_DATABASE_URL": database_url, "VERIFY_QUEUE": "celery",
            "VERIFY_REDIS_URL": redis_server.url, "VERIFY_SECRET_KEY": SECRET, "OMP_THREAD_LIMIT": "1",
            "VERIFY_TRUSTED_SIGNERS": str(trusted_signers_file()), "VERIFY_JOB_LEASE_SECONDS": "3",
            "VERIFY_QUEUE_SWEEP_SECONDS": "0.5", "VERIFY_WORKER_GRACE_SECONDS": "0.2", "VERIFY_WORKERS": "1",
            "VERIFY_LIMITS_PAGE_WORKERS": "1", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4", **(env or {}),
        }
        cluster = cls(postgres, database_url, redis_server, [], [], shared)
        try:
            for n in range(nodes):
                node = Server(root / f"node-{n}", env=shared, log=root / f"node-{n}.log")
                node.start(timeout=90)
                cluster.nodes.append(node)
            for n in range(workers):
                worker = Worker(root / f"worker-{n}", shared)
                (root / f"worker-{n}").mkdir(parents=True, exist_ok=True)
                worker.start()
                cluster.workers.append(worker)
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def stop(self) -> None:
        for worker in self.workers:
            worker.kill()
        for node in self.nodes:
            node.kill()
        self.redis.stop()

    def logs(self) -> str:
        """The end of every worker's and node's log, for a failure's message."""
        parts = [f"--- {worker.log.name}\n{worker.tail()}" for worker in self.workers]
        parts += [f"--- {node.log.name}\n{node.log.read_text(errors='replace')[-3000:]}" for node in self.nodes
                  if node.log and node.log.exists()]
        return "\n".join(parts)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()
