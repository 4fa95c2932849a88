"""Each atheris fuzz target for a few seconds (catalogue 34); ``make fuzz`` runs them for minutes.

A target fails on any exception outside its contract (see ``fuzz/targets.py``), on a
hang past 10 s and on more than 2 GiB of memory; libFuzzer then writes the input next to
the test's temporary corpus and the assertion shows its output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fuzz import seeds
from fuzz.targets import TARGETS

ROOT = Path(__file__).resolve().parents[2]
# target: (at most this many runs, at most this many seconds)
BUDGET = {"intake": (20_000, 2), "pdf": (2_000, 6), "fields": (2_000, 3)}
REGISTRY = (20_000, 1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    seeds.write(root)
    return root


@pytest.mark.parametrize("target", [t for t in TARGETS if t != "registry"])
@pytest.mark.timeout(60)
def test_34_fuzz_target_finds_nothing_in_a_short_run(target: str, corpus: Path, tmp_path: Path) -> None:
    runs, seconds = BUDGET.get(target, REGISTRY)
    command = [sys.executable, "-m", "fuzz.run", target, f"-runs={runs}", f"-max_total_time={seconds}",
               "-timeout=10", "-rss_limit_mb=2048", f"-artifact_prefix={tmp_path}/", "-seed=1",
               str(corpus / target)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=55)
    findings = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-")))
    assert done.returncode == 0 and not findings, f"{findings}\n{done.stderr[-4000:]}"
    assert "Done" in done.stderr  # it really ran
