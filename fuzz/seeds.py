"""Write seed corpora for the fuzz targets: ``python -m fuzz.seeds DIR`` makes DIR/<target>/.

The seeds are the smallest real inputs of each kind: a text-layer certificate PDF, tiny
images of each allowed type, printed certificate text, and valid numbers of every kind
(from the synthetic certificates of the test suite).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image

from fuzz.targets import TARGETS
from tests.certificates import make_certificate, render_pdf


def _images() -> dict[str, bytes]:
    seeds = {}
    for name in ("PNG", "JPEG", "TIFF", "WEBP", "HEIF"):  # HEIF: pillow-heif, registered by verify.reading.images
        out = io.BytesIO()
        Image.new("RGB", (8, 8), (200, 10, 10)).save(out, name)
        seeds[name.lower()] = out.getvalue()
    return seeds


def write(root: Path) -> None:
    certificates = [make_certificate(kind, seed) for seed in range(2)
                    for kind in ("physician_practice", "physician_qualification", "lawyer_practice", "teacher")]
    pdf = render_pdf(certificates[0])
    files: dict[str, dict[str, bytes]] = {
        "intake": {"pdf": b"\x01" + pdf[:64], **{k: b"\x02" + v for k, v in _images().items()}},
        "pdf": {"certificate": pdf, "minimal": b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>"},
        "fields": {f"cert{i}": b"\x00\x01\x00" + "\n".join(f"{label}：{value}" for label, value in cert.printed())
                   .encode() for i, cert in enumerate(certificates)},
        "registry": {f"{i}": bytes([i % 7, 30]) + cert.fields["number"].encode()
                     for i, cert in enumerate(certificates)},
    }
    for target in TARGETS:
        directory = root / target
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in files.get(target.split("-")[0], {}).items():
            (directory / name).write_bytes(data)


if __name__ == "__main__":
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus"))
