"""The claim scan: precision and recall on the labelled set, accounts/s in process, and HTTP next to /healthz.

1. Quality: tests/claims/accounts.jsonl (invented accounts) scored per category: recall, precision,
   share of negatives flagged, borderline decisions agreed (tests/claims/evaluate.py).
2. In process, one core (thread CPU time, best of interleaved rounds): accounts/s for name + bio of
   typical length (a 4-12 character name, a 30-90 character bio, one account in twenty with a
   title, some with emoji and punctuation), for the labelled set (70 % of it claims), and for
   claim-heavy accounts only; and the automaton's build time, once per process.
3. HTTP: the service as `make run` starts it (tests/serving.py), wrk driving `GET /healthz` and
   `POST /v1/claims/scan` (every request another account with two claims, so each reads its labels) in
   interleaved rounds,
   medians of requests/s, p50, p99.

    .venv/bin/python bench/claims.py [--quick] [--rounds 3] [--duration 10] [--connections 16 64]

Targets (issue 12): recall >= 97 % on plain titles, >= 90 % on evasions, <= 3 % of negatives flagged;
>= 20,000 accounts/s on one core for name + bio of typical length; scan >= 0.8 x /healthz requests/s
and p99 <= 20 ms at 16 connections.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.labels import WRK_THREADS, Run, _row, median_run, wrk  # noqa: E402
from tests.claims.evaluate import account, evaluate, load, report, targets_met  # noqa: E402
from tests.serving import Server, ServerError  # noqa: E402

TARGET_RATE, TARGET_RATIO, TARGET_P99_MS = 20_000, 0.8, 20.0
# Every request scans another account (bench-1, bench-2, ...), so each reads its own labels from the database.
SCAN_SCRIPT = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = {authorization}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, string.format({body}, counter))
end
"""
_NAME_CHARS = "小花猫的日常生活记录美食旅行摄影阿明晨曦星空微笑向阳而生故事人间烟火"
_BIO_PARTS = ["喜欢旅行和美食", "记录生活中的美好瞬间", "每天更新，欢迎关注！", "合作请私信📮", "一个爱笑的女孩😊",
              "分享穿搭和好物", "努力生活，热爱一切", "坐标杭州", "健身打卡第100天💪", "读书、电影、音乐",
              "宝妈一枚，记录孩子成长", "Life is a journey ✈️", "不定期直播", "关注我，带你看世界🌍"]
_TITLES = ["心内科医生", "执业律师", "高中数学老师", "主任医师", "醫師", "律 师", "lawyer", "教授"]


def typical_accounts(count: int, claim_share: float = 0.05, seed: int = 3) -> list:
    """Synthetic accounts of typical length; ``claim_share`` of them present a title."""
    from verify.claims import Account

    rng = random.Random(seed)
    accounts = []
    for n in range(count):
        name = "".join(rng.choice(_NAME_CHARS) for _ in range(rng.randint(4, 12)))
        bio = "，".join(rng.sample(_BIO_PARTS, rng.randint(3, 6)))
        if rng.random() < claim_share:
            bio = rng.choice(_TITLES) + "，" + bio
        accounts.append(Account(f"t{n}", name, bio=bio[:90]))
    return accounts


def quality() -> bool:
    tallies = evaluate(load())
    print("Quality on tests/claims/accounts.jsonl (invented accounts; borderline scored apart):")
    print("\n".join("  " + line for line in report(tallies)))
    met = True
    for target, ok in targets_met(tallies).items():
        print(f"  {target}: {'met' if ok else 'MISSED'}")
        met = met and ok
    return met


def in_process(rounds: int) -> bool:
    """Accounts/s on one core (thread CPU time, best of interleaved rounds), and the automaton's build time."""
    from verify.claims import matcher, scan
    from verify.claims.lexicon import load as load_lexicon

    started = time.perf_counter()
    matcher.Automaton(load_lexicon())
    build_ms = (time.perf_counter() - started) * 1000
    sets = {"typical (5% claims)": typical_accounts(5000),
            "labelled set": [account(row) for row in load()],
            "claims only": [account(row) for row in load() if row["expect"]]}
    for accounts in sets.values():
        for item in accounts[:200]:
            scan(item)  # warm: the automaton is built, caches are hot
    best = dict.fromkeys(sets, 0.0)
    for _ in range(rounds):
        for name, accounts in sets.items():
            began = time.thread_time()
            for item in accounts:
                scan(item)
            best[name] = max(best[name], len(accounts) / (time.thread_time() - began))
    print(f"\nIn process, one core, thread CPU time, best of {rounds} interleaved rounds "
          f"(automaton built once per process: {build_ms:.0f} ms here):")
    for name, rate in best.items():
        print(f"  {name:22} {rate:>9.0f} accounts/s  {1e6 / rate:>6.1f} us/account")
    met = best["typical (5% claims)"] >= TARGET_RATE
    print(f"  typical accounts/s >= {TARGET_RATE:,}: {'met' if met else 'MISSED'}")
    return met


def http_bench(server: Server, connections: list[int], seconds: float, rounds: int, workdir: Path,
               access_log: Path) -> bool:
    key = server.create_key("bench-video")
    body = {"account_id": "bench-%d", "name": "心内科王医生", "bio": "某三甲医院主治医师，从医十五年，分享高血压、"
                                                              "冠心病的日常管理和用药常识。"}
    answer = requests.post(server.url + "/v1/claims/scan", json={**body, "account_id": "bench-0"},
                           headers={"Authorization": f"Bearer {key}"}, timeout=10)
    answer.raise_for_status()
    assert len(answer.json()["claims"]) == 2, answer.json()
    script = workdir / "scan.lua"
    # JSON's own \u escapes keep the Lua string ASCII (Lua 5.1 strings have no \u escape of their own).
    script.write_text(SCAN_SCRIPT.format(body=json.dumps(json.dumps(body)),
                                         authorization=json.dumps(f"Bearer {key}")), encoding="utf-8")
    wrk(server.url + "/healthz", 4, 2)
    wrk(server.url + "/v1/claims/scan", 4, 2, script)
    print(f"\nHTTP: gunicorn -c gunicorn.conf.py (WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', '2')} workers, "
          f"gthread), wrk -t{WRK_THREADS}, {rounds} interleaved rounds of {seconds:g} s per endpoint, "
          f"{os.cpu_count()} CPUs shared with wrk; each request another account with two claims, its labels read")
    print(f"{'conns':>5}  {'endpoint':20} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'server p99 ms':>14}")
    met = True
    for count in connections:
        health_runs: list[Run] = []
        scan_runs: list[Run] = []
        ratios = []
        for number in range(1, rounds + 1):
            health = wrk(server.url + "/healthz", count, seconds, access_log=access_log)
            scanned = wrk(server.url + "/v1/claims/scan", count, seconds, script, access_log=access_log)
            health_runs.append(health)
            scan_runs.append(scanned)
            ratios.append(scanned.requests_per_second / health.requests_per_second)
            print(_row(count, f"GET /healthz #{number}", health))
            print(_row(count, f"POST scan    #{number}", scanned))
        health, scanned, ratio = median_run(health_runs), median_run(scan_runs), statistics.median(ratios)
        print(_row(count, "GET /healthz median", health))
        print(_row(count, "POST scan median", scanned))
        verdict = ratio >= TARGET_RATIO and scanned.errors == 0
        note = f"median ratio scan/healthz {ratio:.2f} (target >= {TARGET_RATIO})"
        if count == 16:
            verdict = verdict and scanned.p99_ms <= TARGET_P99_MS
            note += f", median scan p99 {scanned.p99_ms:.1f} ms (target <= {TARGET_P99_MS:g})"
        print(f"{'':>5}  {note}: {'met' if verdict else 'MISSED'}")
        met = met and verdict
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="quality and in-process figures only (no server)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved healthz/scan rounds per connection count")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    args = parser.parse_args()
    met = quality()
    met = in_process(rounds=7) and met
    if not args.quick:
        if shutil.which("wrk") is None:
            raise SystemExit("wrk is missing: bash .ci/apt-ensure wrk (or make test installs it)")
        workdir = Path(tempfile.mkdtemp(prefix="verify-bench-claims-"))
        # The rate limit is charged as in production but set high: the benchmark measures the scan, not the limit.
        env = {"VERIFY_LIMITS_CLAIM_SCANS_PER_SECOND": "1000000", "VERIFY_LIMITS_CLAIM_SCAN_BURST": "1000000"}
        try:
            with Server(workdir / "data", log=workdir / "gunicorn.log", env=env) as server:
                met = http_bench(server, args.connections, args.duration, args.rounds, workdir,
                                 workdir / "gunicorn.log") and met
        except ServerError as exc:
            raise SystemExit(str(exc)) from exc
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\nall targets met" if met else "\nsome targets MISSED")


if __name__ == "__main__":
    main()
