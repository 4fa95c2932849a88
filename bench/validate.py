"""Validations per second: in-process for each kind, and through the endpoint next to /healthz.

In-process: ``verify.registry`` ``validate`` and ``verify.checks.check_number`` (what the
endpoint runs) per credential kind, each for a fixed time on one core.

Endpoint: the server as ``make run`` starts it (``flask --app wsgi setup``, then
``gunicorn -c gunicorn.conf.py wsgi:app`` on a free port with a temporary ``VERIFY_DATA_DIR``),
a platform key from ``flask --app wsgi keys create``, then Debian's ``wrk`` at 16 connections
for ~10 s per target: ``GET /healthz`` first, then ``POST /v1/credentials/validate`` with the
seven kinds' bodies round-robin (a Lua script sets the JSON body and the Authorization header).
Prints req/s, p50/p99 latency and the ratio validate/healthz (target >= 0.9).

    .venv/bin/python bench/validate.py [--duration 10] [--connections 16] [--rounds 1] [--strict]

``wrk`` comes from ``bash .ci/apt-ensure wrk``. Every step has a timeout; the server is
killed at the end (also on errors and Ctrl-C).
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
import urllib.request
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import Server, ServerError  # noqa: E402
from verify.checks import check_number  # noqa: E402
from verify.domain import CredentialKind, Holder  # noqa: E402
from verify.kinds import KINDS  # noqa: E402

TARGET_RATIO = 0.9
ID_NUMBER = "330106198501150020"  # synthetic (docs/registry-rules.md#resident-id-number): female, born 1985-01-15
PERSON = {"name": "王芳", "id_number": ID_NUMBER, "gender": "女", "birth_date": "1985-01-15"}
#: One request body per kind: a valid synthetic number (the examples of docs/registry-rules.md) and a holder.
BODIES: dict[str, dict[str, Any]] = {
    "physician_qualification": {"number": "201233110" + ID_NUMBER, "holder": PERSON},
    "physician_practice": {"number": "110330106001234", "holder": PERSON},
    "lawyer_practice": {"number": "13301201011012345", "holder": PERSON},
    "legal_qualification": {"number": "A20194401060123", "holder": PERSON},
    "teacher_qualification": {"number": "20103300142001234", "holder": PERSON},
    "resident_id": {"number": ID_NUMBER, "holder": PERSON},
    "uscc": {"number": "31440000MD0123454E", "holder": {}},
}
LUA = """
local bodies = {%(bodies)s}
local requests = {}
local i = 0
function init(args)
  for n, body in ipairs(bodies) do
    requests[n] = wrk.format("POST", nil, {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer %(key)s",
    }, body)
  end
end
function request()
  i = i %% #requests + 1
  return requests[i]
end
"""


# --- in-process --------------------------------------------------------------------
def rate(call: Callable[[], object], seconds: float) -> float:
    """Calls per second of ``call`` over about ``seconds`` (batches of 200)."""
    call()
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(200):
            call()
        count += 200
    return count / elapsed


def holder_of(data: dict[str, str]) -> Holder:
    born = data.get("birth_date")
    return Holder(name=data.get("name"), id_number=data.get("id_number"), gender=data.get("gender"),
                  birth_date=date.fromisoformat(born) if born else None)


def in_process(seconds: float) -> None:
    today = date.today()
    print(f"In-process, one core ({seconds:g} s per cell), validations per second:")
    print(f"  {'kind':26} {'registry validate':>18} {'check_number':>14}")
    for name, body in BODIES.items():
        kind, number, holder = CredentialKind(name), body["number"], holder_of(body["holder"])
        module = KINDS[kind].number_rules
        assert module.is_valid(number) and check_number(kind, number, holder, today).valid, name
        registry = rate(lambda m=module, n=number: m.validate(n), seconds)
        checks = rate(lambda k=kind, n=number, h=holder: check_number(k, n, h, today), seconds)
        print(f"  {name:26} {registry:18,.0f} {checks:14,.0f}")


def post(url: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


# --- wrk -------------------------------------------------------------------------------
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)([a-z]+)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(url: str, duration: float, connections: int, script: Path | None) -> dict[str, Any]:
    """One wrk run: req/s, p50/p99 in ms, non-2xx answers and socket errors."""
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{duration:g}s",
               "--timeout", "5s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=duration + 60, check=True)
    out = done.stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.MULTILINE))
    found = re.search(r"^Requests/sec:\s+([0-9.]+)", out, re.MULTILINE)
    if found is None or set(percentiles) != {"50", "99"}:
        raise SystemExit("could not read wrk's output:\n" + out + done.stderr)
    total = re.search(r"([0-9]+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+([0-9]+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(found.group(1)), "p50": milliseconds(percentiles["50"]), "p99": milliseconds(percentiles["99"]),
        "requests": float(total.group(1)) if total else 0.0, "non2xx": float(bad.group(1)) if bad else 0.0,
        "socket_errors": errors.group(1) if errors else "",
    }


def endpoint(duration: float, connections: int, rounds: int) -> float:
    """The median over ``rounds`` of validate req/s / healthz req/s (each round: healthz, then validate)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run `bash .ci/apt-ensure wrk`")
    with tempfile.TemporaryDirectory(prefix="verify-bench-") as tmp:
        server = Server(Path(tmp) / "data", log=Path(tmp) / "gunicorn.log")
        try:
            try:
                server.start()
            except ServerError as exc:
                raise SystemExit(str(exc)) from exc
            key = server.create_key("bench")
            validate_url = server.url + "/v1/credentials/validate"
            bodies = [json.dumps({"kind": kind, **body}, ensure_ascii=False) for kind, body in BODIES.items()]
            for body in bodies:  # the bodies are valid numbers: the load measures the full check path
                answer = post(validate_url, key, json.loads(body))
                assert answer["valid"] and not answer["errors"], answer
            script = Path(tmp) / "validate.lua"
            script.write_text(LUA % {"bodies": ", ".join(lua_string(b) for b in bodies), "key": key},
                              encoding="utf-8")
            workers = os.environ.get("WEB_CONCURRENCY", "2")
            threads = os.environ.get("GUNICORN_THREADS", "8")
            print(f"\nEndpoint: gunicorn ({workers} workers x {threads} threads, {os.cpu_count()} CPUs), "
                  f"wrk {connections} connections, {duration:g} s per target:")
            print(f"  {'target':46} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
            targets = [("GET /healthz", server.url + "/healthz", None),
                       ("POST /v1/credentials/validate (7 kinds)", validate_url, script)]
            ratios = []
            for _ in range(rounds):
                results = []
                for label, url, lua in targets:
                    result = wrk(url, duration, connections, lua)
                    results.append(result)
                    errors = f"  socket errors: {result['socket_errors']}" if result["socket_errors"] else ""
                    print(f"  {label:46} {result['rps']:9,.0f} {result['p50']:8.2f} {result['p99']:8.2f} "
                          f"{result['non2xx']:8.0f}{errors}")
                    if result["non2xx"]:
                        tail = Path(tmp, "gunicorn.log").read_text(errors="replace").splitlines()[-10:]
                        print("  WARNING: some answers were not 2xx; the server log ends with:", *tail, sep="\n    ")
                ratios.append(results[1]["rps"] / results[0]["rps"])
        finally:
            server.stop()
    return statistics.median(ratios)


def lua_string(text: str) -> str:
    """A Lua long-bracket string literal (the bodies hold no ``]==]``)."""
    assert "]==]" not in text
    return "[==[" + text + "]==]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of wrk per target (default 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=1,
                        help="healthz-then-validate rounds; the ratio printed is their median (default 1)")
    parser.add_argument("--in-process-seconds", type=float, default=0.5)
    parser.add_argument("--strict", action="store_true", help="exit 1 when the ratio is below the target")
    args = parser.parse_args()
    in_process(args.in_process_seconds)
    ratio = endpoint(args.duration, args.connections, args.rounds)
    verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
    median = " (median of the rounds)" if args.rounds > 1 else ""
    print(f"\nratio validate/healthz req/s{median}: {ratio:.2f} (target >= {TARGET_RATIO}: {verdict})")
    if args.strict and ratio < TARGET_RATIO:
        sys.exit(1)


if __name__ == "__main__":
    main()
