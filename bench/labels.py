"""Label-check throughput against the `make run` server, next to /healthz; in-process checks next to Ed25519.

Starts the service as `make run` does (`flask setup`, then gunicorn with gunicorn.conf.py) on a
free port with a temporary VERIFY_DATA_DIR, makes a platform key, submits a generated lawyer's
licence (a PDF signed by the tests' trusted issuer, with the holder's real-name data) and waits
for its approved label. Then Debian's wrk drives `GET /healthz` and
`POST /v1/labels/check` (a Lua script posts the token) in interleaved rounds (healthz, check,
healthz, check, ...) at each connection count, and prints every round's requests/s, p50, p99
(and the server's own p99 from gunicorn's access log), then each figure's median over the
rounds, on which the targets are judged. wrk shares the machine's cores with the server, so a
single run swings with whatever else the machine does; interleaving makes a slow spell hit
both endpoints, the median drops the odd round out. Last, in-process: checks/s on a cache
miss (every token new to the process) next to raw Ed25519 verifies/s of the same tokens, and
on a hit.

    .venv/bin/python bench/labels.py [--rounds 3] [--duration 10] [--connections 16 64] [--tokens 2000]

Targets (issue 5), on the medians: label-check >= 0.8 x /healthz requests/s, p99 <= 20 ms at
16 connections; in-process miss >= 0.7 x raw verify.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from tests.certificates import make_certificate  # noqa: E402
from tests.serving import Server, ServerError  # noqa: E402
from tests.uploads import holder_form, signed_pdf  # noqa: E402

WRK_THREADS = 2
TARGET_RATIO, TARGET_P99_MS, TARGET_MISS_RATIO = 0.8, 20.0, 0.7
CHECK_SCRIPT = """wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = {authorization}
"""


@dataclass(frozen=True)
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_p99_ms: float | None = None  # from gunicorn's access log: time inside the worker, whole ms


def approved_label(server: Server) -> tuple[str, str, str]:
    """A platform key and a real label: a generated licence PDF, submitted and processed to approval."""
    key = server.create_key("bench-video")
    url = server.url
    auth = {"Authorization": f"Bearer {key}"}
    cert = make_certificate("lawyer_practice", seed=5)
    account = "bench-account"
    answer = requests.post(url + "/v1/verifications", headers=auth, timeout=30,
                           data={"account_id": account, "profession": "lawyer", **holder_form(cert)},
                           files={"document": ("licence.pdf", signed_pdf(cert), "application/pdf")})
    answer.raise_for_status()
    location = url + answer.headers["Location"]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        body = requests.get(location, headers=auth, timeout=10).json()
        if body["status"] == "approved":
            return key, body["label"]["token"], account
        if body["status"] in ("rejected", "needs_review"):
            raise SystemExit(f"the benchmark document was not approved: {body['status']} {body['reasons']}")
        time.sleep(0.3)
    raise SystemExit("the benchmark document was not processed within 180 s")


def wrk(url: str, connections: int, seconds: float, script: Path | None = None, access_log: Path | None = None) -> Run:
    """One wrk run; requests/s, p50 and p99 from its --latency report (and the server's own p99 from its log)."""
    command = ["wrk", f"-t{min(WRK_THREADS, connections)}", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    logged_from = access_log.stat().st_size if access_log else 0
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    server_p99 = _server_p99(access_log, logged_from) if access_log else None
    return Run(rate, _percentile(output, "50"), _percentile(output, "99"), errors, server_p99)


def _server_p99(access_log: Path, start: int) -> float | None:
    """p99 of the ``<n>ms`` that gunicorn.conf.py's access log format ends every line with."""
    with open(access_log, "rb") as log:
        log.seek(start)
        times = sorted(int(m) for m in re.findall(rb'" \d{3} \S+ (\d+)ms$', log.read(), re.M))
    return float(times[min(len(times) - 1, int(len(times) * 0.99))]) if times else None


def _percentile(output: str, percent: str) -> float:
    value, unit = re.search(rf"^\s*{percent}(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def median_run(runs: list[Run]) -> Run:
    """Each figure's median over the rounds (errors: their sum)."""
    servers = [r.server_p99_ms for r in runs if r.server_p99_ms is not None]
    return Run(statistics.median(r.requests_per_second for r in runs), statistics.median(r.p50_ms for r in runs),
               statistics.median(r.p99_ms for r in runs), sum(r.errors for r in runs),
               statistics.median(servers) if servers else None)


def _row(count: int | str, name: str, run: Run) -> str:
    server = "-" if run.server_p99_ms is None else f"{run.server_p99_ms:g}"
    return (f"{count:>5}  {name:20} {run.requests_per_second:>9.0f} {run.p50_ms:>8.2f} {run.p99_ms:>8.2f} "
            f"{run.errors:>7} {server:>14}")


def http_bench(url: str, key: str, token: str, account: str, connections: list[int], seconds: float, rounds: int,
               workdir: Path, access_log: Path) -> bool:
    """``rounds`` interleaved pairs (healthz, then check) per connection count; verdicts on the medians."""
    script = workdir / "check.lua"
    body = json.dumps({"token": token, "account_id": account})
    script.write_text(CHECK_SCRIPT.format(body=json.dumps(body), authorization=json.dumps(f"Bearer {key}")))
    answer = requests.post(url + "/v1/labels/check", json={"token": token, "account_id": account},
                           headers={"Authorization": f"Bearer {key}"}, timeout=10).json()
    assert answer["valid"] is True, answer
    wrk(url + "/healthz", 4, 2)  # warm up both endpoints in every worker
    wrk(url + "/v1/labels/check", 4, 2, script)
    print(f"\nHTTP: gunicorn -c gunicorn.conf.py (WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', '2')} workers, "
          f"gthread), wrk -t{WRK_THREADS}, {rounds} interleaved rounds of {seconds:g} s per endpoint, "
          f"{os.cpu_count()} CPUs shared with wrk")
    print(f"{'conns':>5}  {'endpoint':20} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'server p99 ms':>14}")
    met = True
    for count in connections:
        health_runs, check_runs, ratios = [], [], []
        for number in range(1, rounds + 1):
            health = wrk(url + "/healthz", count, seconds, access_log=access_log)
            check = wrk(url + "/v1/labels/check", count, seconds, script, access_log=access_log)
            health_runs.append(health)
            check_runs.append(check)
            ratios.append(check.requests_per_second / health.requests_per_second)
            print(_row(count, f"GET /healthz #{number}", health))
            print(_row(count, f"POST check   #{number}", check))
        health, check, ratio = median_run(health_runs), median_run(check_runs), statistics.median(ratios)
        print(_row(count, "GET /healthz median", health))
        print(_row(count, "POST check median", check))
        verdict = ratio >= TARGET_RATIO and check.errors == 0
        note = f"median ratio check/healthz {ratio:.2f} (target >= {TARGET_RATIO})"
        if count == 16:
            verdict = verdict and check.p99_ms <= TARGET_P99_MS
            note += f", median check p99 {check.p99_ms:.1f} ms (target <= {TARGET_P99_MS:g})"
        print(f"{'':>5}  {note}: {'met' if verdict else 'MISSED'}")
        met = met and verdict
    return met


def in_process_bench(count: int, rounds: int = 20, chunk: int = 200) -> bool:
    """Checks/s on a miss and on a hit, next to raw Ed25519 verify of the same tokens.

    Thread CPU time (other processes on the machine do not count), over ``rounds`` interleaved
    rounds of ``chunk`` tokens per method; the best round of each method is reported.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from tests.conftest import make_app
    from verify.labels.jwk import b64url_decode
    from verify.services.keys import Principal, ensure_platform
    from verify.services.labels.checking import check
    from verify.services.labels.issuing import issue_for_verification
    from verify.store.models import Verification

    workdir = Path(tempfile.mkdtemp(prefix="verify-bench-inproc-"))
    try:
        app = make_app(workdir, ocr_engine="none", label_cache_size=count * 2)
        services = app.extensions["verify"]
        now = datetime.now(UTC)
        platform_id = ensure_platform(services.store, "bench-video", now)
        tokens: list[tuple[str, str]] = []
        with services.store.write() as session:
            for n in range(count):
                verification = Verification(
                    id=uuid.uuid4().hex, platform_id=platform_id, account_id=f"acct-{n}", profession="lawyer",
                    status="approved", kind="lawyer_practice", fields={"category": {"value": "专职律师"}},
                    checks=[], reasons=[], attempts=1, created_at=now, updated_at=now)
                session.add(verification)
                session.flush()
                label = issue_for_verification(services, session, verification, now)
                assert label is not None
                tokens.append((label.token, verification.account_id))
        principal = Principal("bench", platform_id, "bench-video", "platform")
        key: Ed25519PublicKey = services.keyring.current.private_key.public_key()
        signed = []
        for token, _ in tokens:
            header, payload, signature = token.encode().split(b".")
            signed.append((b64url_decode(signature), header + b"." + payload))
        caches = services.label_caches
        assert check(services, principal, tokens[0][0], tokens[0][1]).valid  # loads the status board

        def raw(start: int) -> None:
            for signature, message in signed[start:start + chunk]:
                key.verify(signature, message)

        def miss(start: int) -> None:
            for token, account in tokens[start:start + chunk]:
                check(services, principal, token, account)

        def hit(start: int) -> None:
            for token, account in tokens[start:start + chunk]:
                check(services, principal, token, account)

        best = {"raw": float("inf"), "miss": float("inf"), "hit": float("inf")}
        for round_number in range(rounds):  # interleaved, so a slow spell slows all three alike
            start = (round_number * chunk) % max(1, count - chunk + 1)
            caches.tokens.clear()
            for name, run in (("raw", raw), ("miss", miss), ("hit", hit)):
                started = time.thread_time()
                run(start)
                best[name] = min(best[name], (time.thread_time() - started) / chunk)
        rate = {name: 1 / seconds for name, seconds in best.items()}
        ratio = rate["miss"] / rate["raw"]
        print(f"\nIn-process, {count} distinct labels, thread CPU time, best of {rounds} interleaved rounds "
              f"of {chunk}:")
        print(f"  raw Ed25519 verify            {rate['raw']:>9.0f} /s  {1e6 / rate['raw']:>7.1f} us")
        print(f"  label check, cache miss       {rate['miss']:>9.0f} /s  {1e6 / rate['miss']:>7.1f} us")
        print(f"  label check, cache hit        {rate['hit']:>9.0f} /s  {1e6 / rate['hit']:>7.1f} us")
        met = ratio >= TARGET_MISS_RATIO
        print(f"  ratio miss/raw {ratio:.2f} (target >= {TARGET_MISS_RATIO}): {'met' if met else 'MISSED'}")
        services.store.dispose()
        return met
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved healthz/check rounds per connection count")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--tokens", type=int, default=2000, help="distinct labels for the in-process runs")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: bash .ci/apt-ensure wrk (or make test installs it)")
    workdir = Path(tempfile.mkdtemp(prefix="verify-bench-"))
    try:
        with Server(workdir / "data", log=workdir / "gunicorn.log") as server:
            key, token, account = approved_label(server)
            http_met = http_bench(server.url, key, token, account, args.connections, args.duration, args.rounds,
                                  workdir, workdir / "gunicorn.log")
    except ServerError as exc:
        raise SystemExit(str(exc)) from exc
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    in_process_met = in_process_bench(args.tokens)
    print("\nall targets met" if http_met and in_process_met else "\nsome targets MISSED")


if __name__ == "__main__":
    main()
