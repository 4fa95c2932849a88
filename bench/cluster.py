"""The cluster on this machine: documents per minute with 1 and 2 workers, label checks through 1 and 2 nodes.

Starts the cluster of tests/cluster/harness.py (a throwaway PostgreSQL, redis-server, two gunicorn
web nodes, two Celery workers, each with its own data dir; what compose.yaml runs). Documents: with
one worker stopped, ``--documents`` generated certificates as phone-quality images (OCR, the real
cost) are submitted at once, half to each node, and timed until every one has reached an end state;
then the same with both workers, in the same run. Label checks: wrk posts a real label's token to
``POST /v1/labels/check`` on one node, then on both nodes at once (two wrk processes, their rates
added); each check on PostgreSQL also reads the cluster's label change count (one query shared by
the checks waiting together, verify.services.labels.freshness). wrk, the nodes, the workers and the
database share this machine's cores, so the figures say how the pieces behave next to each other,
not what separate machines would do.

    .venv/bin/python bench/cluster.py [--documents 6] [--duration 8] [--connections 16]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import make_url  # noqa: E402

from bench.labels import Run  # noqa: E402
from tests.certificates import degrade, make_certificate, render_image, to_jpeg  # noqa: E402
from tests.cluster.harness import Cluster  # noqa: E402
from tests.postgres import running_server  # noqa: E402
from tests.uploads import holder_form, signed_pdf  # noqa: E402
from tests.walkthrough import wait_final  # noqa: E402

KINDS = {"physician_practice": "doctor", "lawyer_practice": "lawyer", "teacher_qualification": "teacher"}


def _photo_submission(seed: int) -> tuple[bytes, dict[str, str]]:
    kind = list(KINDS)[seed % len(KINDS)]
    cert = make_certificate(kind, seed=seed)
    photo = to_jpeg(degrade(render_image(cert), "photo", seed), 85)
    return photo, {"profession": KINDS[kind], "account_id": f"bench-{seed}", **holder_form(cert)}


def documents_per_minute(cluster: Cluster, auth: dict[str, str], seeds: range) -> float:
    """Submit every seed's photo at once (alternating nodes) and time until all have ended."""
    prepared = [_photo_submission(seed) for seed in seeds]
    urls = [node.url for node in cluster.nodes]
    started = time.monotonic()
    ids = []
    for n, (photo, form) in enumerate(prepared):
        answer = requests.post(urls[n % len(urls)] + "/v1/verifications", data=form, headers=auth, timeout=30,
                               files={"document": ("photo.jpg", photo, "image/jpeg")})
        answer.raise_for_status()
        ids.append(answer.json()["id"])
    wait_final(urls[0], auth, ids, seconds=900)
    return len(ids) / ((time.monotonic() - started) / 60)


def approved_token(cluster: Cluster, auth: dict[str, str]) -> str:
    cert = make_certificate("lawyer_practice", seed=5)
    answer = requests.post(cluster.nodes[0].url + "/v1/verifications", headers=auth, timeout=30,
                           data={"account_id": "bench-label", "profession": "lawyer", **holder_form(cert)},
                           files={"document": ("licence.pdf", signed_pdf(cert), "application/pdf")})
    answer.raise_for_status()
    done = wait_final(cluster.nodes[0].url, auth, [answer.json()["id"]])
    return next(iter(done.values()))["label"]["token"]


def checks_per_second(urls: list[str], script: Path, connections: int, seconds: float) -> list[Run]:
    """wrk against each of ``urls`` at the same time; one Run per node."""
    with tempfile.TemporaryDirectory() as folder:
        outputs = [Path(folder) / f"{n}.json" for n in range(len(urls))]
        code = ("import json, sys; from pathlib import Path; from bench.labels import wrk; "
                "run = wrk(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4])); "
                "Path(sys.argv[5]).write_text(json.dumps(run.__dict__))")
        runs = [subprocess.Popen([sys.executable, "-c", code, url + "/v1/labels/check", str(connections),
                                  str(seconds), str(script), str(out)], cwd=ROOT)
                for url, out in zip(urls, outputs, strict=True)]
        for run in runs:
            run.wait(seconds + 60)
        return [Run(**json.loads(out.read_text())) for out in outputs]


def transactions(cluster: Cluster) -> int:
    """Transactions committed or rolled back in the cluster's database so far (PostgreSQL's statistics)."""
    time.sleep(1.5)  # the statistics are flushed about every second
    name = make_url(cluster.database_url).database
    with cluster.postgres.admin() as connection:
        row = connection.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
                                 (name,)).fetchone()
    return int(row[0]) if row else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=6, help="documents per round (default 6)")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of each wrk run (default 8)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections per node (default 16)")
    args = parser.parse_args()
    print(f"cluster on this machine: {os.cpu_count()} CPUs shared by PostgreSQL, Redis, 2 nodes (1 gunicorn "
          "worker x 4 threads each), 2 Celery workers (1 job at a time each) and wrk")
    with running_server() as postgres, tempfile.TemporaryDirectory() as root:
        started = time.monotonic()
        with Cluster.start(postgres, Path(root), env={"VERIFY_LIMITS_CHECKS_PER_SECOND": "0"}) as cluster:
            print(f"cluster started in {time.monotonic() - started:.1f} s")
            auth = {"Authorization": f"Bearer {cluster.nodes[0].create_key('bench-video')}"}
            token = approved_token(cluster, auth)
            cluster.workers[1].stop()
            one = documents_per_minute(cluster, auth, range(100, 100 + args.documents))
            cluster.workers[1].start()
            two = documents_per_minute(cluster, auth, range(200, 200 + args.documents))
            print(f"documents per minute (phone photos, OCR): 1 worker {one:.1f}, 2 workers {two:.1f} "
                  f"({two / one:.2f}x)")
            script = Path(root) / "check.lua"
            body = json.dumps({"token": token})
            script.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
                              'wrk.headers["Content-Type"] = "application/json"\n'
                              f'wrk.headers["Authorization"] = {json.dumps(auth["Authorization"])}\n')
            urls = [node.url for node in cluster.nodes]
            checks_per_second(urls, script, 4, 2)  # warm both nodes
            single = checks_per_second(urls[:1], script, args.connections, args.duration)[0]
            before = transactions(cluster)
            both = checks_per_second(urls, script, args.connections, args.duration)
            spent = transactions(cluster) - before
            total = sum(run.requests_per_second for run in both)
            print(f"label checks per second, {args.connections} connections per node: 1 node "
                  f"{single.requests_per_second:.0f} (p99 {single.p99_ms:.1f} ms), 2 nodes {total:.0f} "
                  f"(p99 {max(run.p99_ms for run in both):.1f} ms; {total / single.requests_per_second:.2f}x); "
                  f"errors {single.errors + sum(run.errors for run in both)}")
            print(f"database transactions during the 2-node run: {spent} for about {total * args.duration:.0f} "
                  f"checks ({spent / (total * args.duration):.2f} per check; the workers' and dispatchers' "
                  "polling included)")


if __name__ == "__main__":
    main()
