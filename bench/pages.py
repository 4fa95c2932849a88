"""Seconds to read one 3-page image-only PDF: its pages one after another, then at once.

Three generated certificates (200 dpi renders, JPEG pages without a text layer) are read by
``read_document`` with the configured OCR engine inside the isolated job process, as the
job runner runs it (forked from the warm forkserver, one OpenMP thread, nice 10), with
``page_workers`` 1 and then the usable cores (or ``--workers``). The two are measured
alternately in the same run; each figure is the median of ``--runs`` readings, timed
inside the job process (its start is not counted).

    .venv/bin/python bench/pages.py [--runs 5] [--workers N]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import pypdfium2 as pdfium  # noqa: E402

from tests.certificates import make_certificate, render_pdf  # noqa: E402
from verify.config import Limits, load_settings, usable_cores  # noqa: E402
from verify.jobs.isolate import run_isolated  # noqa: E402
from verify.pipeline import make_ocr_engine  # noqa: E402
from verify.reading import read_document  # noqa: E402

KINDS = ("physician_practice", "lawyer_practice", "teacher_qualification")


def three_page_pdf() -> bytes:
    """Three certificates, each an image-only page (no text layer), in one PDF."""
    document = pdfium.PdfDocument.new()
    for seed, kind in enumerate(KINDS):
        document.import_pages(pdfium.PdfDocument(render_pdf(make_certificate(kind, seed=seed), text_layer=False)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def timed_read(data: bytes, engine: str, limits: Limits) -> tuple[float, float, int]:
    """In the job process: wall-clock and CPU seconds (its own and its page processes') to read
    ``data``, and how many OCR pages it had."""
    ocr = make_ocr_engine(engine)
    started, cpu = time.perf_counter(), _cpu_seconds()
    pages = read_document([data], ocr=ocr, limits=limits)
    return time.perf_counter() - started, _cpu_seconds() - cpu, sum(page.source == "ocr" for page in pages)


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=usable_cores())
    args = parser.parse_args()
    settings = load_settings()
    data = three_page_pdf()
    bounds = {"one after another": 1, f"at once (page_workers={args.workers})": args.workers}
    seconds: dict[str, list[float]] = {name: [] for name in bounds}
    cpu: dict[str, list[float]] = {name: [] for name in bounds}
    ocr_pages = 0
    run_isolated(timed_read, data, settings.ocr_engine, replace(settings.limits, page_workers=1),
                 timeout=settings.limits.job_seconds)  # warm-up: starts the forkserver
    for run in range(args.runs):
        for name in sorted(bounds, reverse=run % 2 == 1):  # alternate which goes first
            limits = replace(settings.limits, page_workers=bounds[name])
            took, used, ocr_pages = run_isolated(timed_read, data, settings.ocr_engine, limits,
                                                 timeout=settings.limits.job_seconds)
            seconds[name].append(took)
            cpu[name].append(used)
    print(f"3-page image-only PDF ({ocr_pages} OCR pages), engine {settings.ocr_engine}, "
          f"{usable_cores()} usable cores, median of {args.runs} (wall-clock s, CPU s):")
    for name, times in seconds.items():
        runs = " ".join(f"{t:.2f}" for t in times)
        median, median_cpu = statistics.median(times), statistics.median(cpu[name])
        print(f"  {name:28} {median:6.2f} s  {median_cpu:6.2f} CPU s   (runs: {runs})")
    sequential, parallel = (statistics.median(times) for times in seconds.values())
    print(f"  speed-up {sequential / parallel:.2f}x")


if __name__ == "__main__":
    main()
