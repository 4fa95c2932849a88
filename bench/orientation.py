"""How often a page image is found the right way up, and what finding it costs (issue 16).

Each synthetic certificate (tests/certificates.py; four kinds, layouts and fonts rotating with
the seed) is rendered in each condition, its page image (upright, as the reading benchmark's
plain-tesseract comparison sees it, or, for a desk photo or a screenshot, the whole picture) then
turned 0°, 90°, 180° and 270°; ``verify.reading.outline.flatten`` and
``verify.reading.orientation.quarter_turns`` judge each, as ``verify.reading.ocr_page`` does
before reading. Prints per condition the share judged right, the wrong ones (turn → judged),
and the median seconds of the outline and of the orientation step per page.

    .venv/bin/python bench/orientation.py [--seeds 12] [--first-seed 0] [--conditions clean photo ...]

Report tuned seeds (0-11) and unseen ones (``--first-seed 100``) apart. Runs in one process
with ``OMP_THREAD_LIMIT=1`` (PP-OCR's direction classifier is the only model).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["OMP_THREAD_LIMIT"] = "1"

from PIL import Image  # noqa: E402

from bench.reading import KINDS, style  # noqa: E402
from tests.certificates import installed_fonts, make_certificate, make_upload  # noqa: E402
from verify.reading.orientation import quarter_turns  # noqa: E402
from verify.reading.outline import flatten  # noqa: E402

CONDITIONS = ("clean", "scan", "lowres", "photo", "chat", "desk", "screenshot")
#: Counter-clockwise turns applied, and the quarter turns ``quarter_turns`` should answer for each.
TURNS = {0: 0, 90: 1, 180: 2, 270: 3}
TARGET = 1.0


def page_image(condition: str, kind_index: int, seed: int, fonts: Sequence[str]) -> Image.Image:
    """The upright page image of one certificate in ``condition`` (decoded, RGB)."""
    kind = KINDS[kind_index]
    layout, font = style(kind, seed, fonts)
    upload = make_upload(make_certificate(kind, seed), condition, seed, layout=layout, font=font)
    data = upload.data if condition in ("desk", "screenshot") else upload.ocr_images[0]
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=12)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--conditions", nargs="+", choices=CONDITIONS, default=list(CONDITIONS))
    args = parser.parse_args(argv)
    fonts = installed_fonts()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    print(f"bench/orientation.py: seeds {seeds.start}-{seeds.stop - 1} × {len(args.conditions)} conditions × "
          f"{len(TURNS)} turns (kind rotating with the seed)")
    print(f"{'condition':<12}{'pages':>6}{'right':>8}{'outline s':>11}{'turns s':>9}  wrong (turn -> judged)")
    right_all = total_all = 0
    for condition in args.conditions:
        right, wrong, outline_s, turns_s = 0, [], [], []
        for seed in seeds:
            upright = page_image(condition, seed % len(KINDS), seed, fonts)
            for turn, expected in TURNS.items():
                turned = upright.rotate(turn, expand=True) if turn else upright
                started = time.perf_counter()
                flat = flatten(turned)
                outline_s.append(time.perf_counter() - started)
                started = time.perf_counter()
                judged = quarter_turns(flat)
                turns_s.append(time.perf_counter() - started)
                if judged == expected:
                    right += 1
                else:
                    wrong.append(f"s{seed}:{turn}->{judged * 90}")
        pages = len(outline_s)
        right_all, total_all = right_all + right, total_all + pages
        print(f"{condition:<12}{pages:>6}{right / pages:>8.1%}{statistics.median(outline_s):>11.3f}"
              f"{statistics.median(turns_s):>9.3f}  {' '.join(wrong[:8])}")
    share = right_all / total_all
    verdict = "met" if share >= TARGET else "MISSED"
    print(f"all: {right_all}/{total_all} right ({share:.1%}; target {TARGET:.0%}): {verdict}")
    return 0 if share >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
