"""Run one fuzz target under atheris: ``python -m fuzz.run TARGET [libFuzzer flags] [CORPUS_DIR ...]``.

``python -m fuzz.run list`` names the targets. ``make fuzz`` runs each for
``FUZZ_SECONDS``; the test suite runs each briefly (tests/security/test_fuzz.py). Seed a
corpus with ``python -m fuzz.seeds DIR``. A crash is written as ``crash-<sha1>`` in the
working directory: turn it into a regression fixture.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["verify"]):
    from fuzz.targets import TARGETS


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        print("targets: " + ", ".join(TARGETS), file=sys.stderr)
        raise SystemExit(0 if sys.argv[1:2] == ["list"] else 2)
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
