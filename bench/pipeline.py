"""Seconds per document through the whole pipeline, as `flask check` runs it.

Prints, for a generated text-layer PDF, a clean 300-dpi PNG and a phone photo (JPEG q60)
of each certificate kind: the median seconds of the in-process pipeline, and the
seconds of one `flask --app wsgi check FILE --json` (including interpreter start-up).

    .venv/bin/python bench/pipeline.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from tests.certificates import degrade, make_certificate, render_image, render_pdf, to_jpeg, to_png  # noqa: E402
from verify.config import Limits  # noqa: E402
from verify.domain import Holder  # noqa: E402
from verify.pipeline import make_ocr_engine, run_pipeline  # noqa: E402

KINDS = ("physician_practice", "physician_qualification", "lawyer_practice", "teacher_qualification")


def documents(seed: int) -> dict[str, dict[str, bytes]]:
    out: dict[str, dict[str, bytes]] = {"pdf": {}, "png": {}, "photo": {}}
    for kind in KINDS:
        cert = make_certificate(kind, seed=seed)
        image = render_image(cert)
        out["pdf"][kind] = render_pdf(cert)
        out["png"][kind] = to_png(image)
        out["photo"][kind] = to_jpeg(degrade(image, "photo", seed), 60)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ocr, limits = make_ocr_engine("tesseract"), Limits()
    docs = documents(seed=101)
    print(f"{'condition':8} {'kind':26} {'median s':>9} {'decision':>14}")
    for condition, by_kind in docs.items():
        for kind, data in by_kind.items():
            times, outcome = [], ""
            for _ in range(args.repeat):
                started = time.perf_counter()
                result = run_pipeline([data], None, Holder(), ocr=ocr, limits=limits, today=date.today(),
                                      confidence_floor=0.9)
                times.append(time.perf_counter() - started)
                outcome = result.decision.outcome.value
            print(f"{condition:8} {kind:26} {statistics.median(times):9.2f} {outcome:>14}")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "VERIFY_DATA_DIR": str(Path(tmp) / "data")}
        for condition in ("pdf", "photo"):
            path = Path(tmp) / ("doc.pdf" if condition == "pdf" else "doc.jpg")
            path.write_bytes(docs[condition]["physician_practice"])
            started = time.perf_counter()
            subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "check", str(path), "--json"],
                           cwd=ROOT, env=env, check=True, capture_output=True)
            print(f"flask check {condition:6} (whole command) {time.perf_counter() - started:6.2f} s")


if __name__ == "__main__":
    main()
