"""CPU seconds for a megabyte of the worst input of each pattern over document text, and of the field extractor.

The inputs are those of ``tests/fields/test_linear_time.py`` (long runs of what a pattern matches,
then what makes it fail; for the extractor, a page of lines of about 2,000 characters each). Each
figure is the median CPU time of ``--runs`` runs, judged against ``TARGET`` (the test allows twice
that). For comparison, the caption regex the caption finder replaced is timed on 64 kB and scaled up.

    .venv/bin/python bench/patterns.py [--runs 3] [--only TEXT]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fields.test_linear_time import (  # noqa: E402
    HOSTILE_LINES,
    KINDS,
    MEGABYTE,
    WORST,
    _hostile_page,
    _reference,
    _seconds,
)
from verify.domain import Profession  # noqa: E402
from verify.fields import detect_kind, extract_fields  # noqa: E402
from verify.fields.captions import find_captions  # noqa: E402

TARGET = 1.0  # CPU seconds for a megabyte


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="time only the inputs whose name holds this text")
    args = parser.parse_args()
    for kind in KINDS:
        find_captions(kind, "")  # each finder is built once per process (the job forkserver does)
    works = list(WORST)
    for name, line in HOSTILE_LINES.items():
        page = _hostile_page(line)
        works.append((f"extract_fields physician_practice: {name}",
                      lambda page=page: extract_fields(KINDS[0], [page])))
        works.append((f"detect_kind: {name}", lambda page=page: detect_kind([page], Profession.DOCTOR)))
    missed = 0
    print(f"{'CPU s/MB':>9}  input (target < {TARGET:g} s)")
    for what, work in works:
        if args.only not in what:
            continue
        seconds = statistics.median(_seconds(work) for _ in range(args.runs))
        missed += seconds >= TARGET
        print(f"{seconds:9.3f}  {what}  {'met' if seconds < TARGET else 'MISSED'}")
    sample = ("执业类别" * (MEGABYTE // 4))[:64 * 1024]
    old = _seconds(lambda: list(_reference(KINDS[0]).finditer(sample))) * MEGABYTE / len(sample)
    new = _seconds(lambda: find_captions(KINDS[0], sample)) * MEGABYTE / len(sample)
    print(f"caption search, dense captions, per MB: the old regex {old:.2f} s, the caption finder {new:.2f} s")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
