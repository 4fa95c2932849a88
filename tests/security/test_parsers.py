"""Parsers under attack, contained by the isolated job process (catalogue 24-33, 44).

Each document goes through the real path: upload, a leased job, the forkserver child with
its address-space, CPU and wall-clock limits, and back as a verification reason.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import pickle
import resource
import subprocess
import tempfile
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psutil
import pypdfium2 as pdfium
import pytest
from flask import Flask
from flask.testing import FlaskClient
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from tests.certificates import make_certificate, render_image, render_pdf, to_jpeg
from tests.conftest import bearer, make_app, new_key, process_all
from tests.security import hostile
from tests.security.client import submit
from tests.uploads import holder_form, signed_pdf
from verify.config import Limits
from verify.errors import ParseError, ParseTimeout, ResourceLimit
from verify.jobs.isolate import run_isolated, sweep_scratch
from verify.reading import read_document
from verify.reading.ocr import NullEngine

FINAL = ("approved", "rejected", "needs_review")
MiB = 1 << 20


@pytest.fixture
def tight(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """An app whose jobs get 1 GiB of address space and 5 s (the defaults are 3 GiB and 300 s), and no OCR."""
    app = make_app(tmp_path / "tight", ocr_engine="none", limits={"job_memory_bytes": 1 << 30, "job_seconds": 5.0})
    services = app.extensions["verify"]
    yield app, new_key(services, "acme-video", "platform")
    services.store.dispose()


def _run(app: Flask, key: str, documents: dict[str, bytes],
         forms: dict[str, dict[str, str]] | None = None) -> tuple[dict[str, Any], float]:
    client = app.test_client()
    ids = {name: submit(client, key, data, account_id=name, **(forms or {}).get(name, {})).json["id"]
           for name, data in documents.items()}
    started = time.monotonic()
    process_all(app.extensions["verify"])
    seconds = time.monotonic() - started
    return {name: client.get(f"/v1/verifications/{i}", headers=bearer(key)).json for name, i in ids.items()}, seconds


def test_24_a_flate_bomb_is_contained_and_the_next_job_runs(tight: tuple[Flask, str]) -> None:
    app, key = tight
    web_rss = psutil.Process().memory_info().rss
    good = make_certificate("physician_practice", 5)
    results, seconds = _run(app, key, {"bomb": hostile.flate_bomb_pdf(4 << 30),  # 10 kB that inflates to 4 GiB
                                       "after": signed_pdf(good)}, {"after": holder_form(good)})
    assert results["bomb"]["status"] == "rejected"
    assert results["bomb"]["reasons"][0] in ("resource_limit", "parse_error")
    assert results["after"]["status"] == "approved", results["after"]["reasons"]
    assert seconds < 30
    assert psutil.Process().memory_info().rss - web_rss < 200 * MiB  # the web process never inflated it


def _read(data: bytes) -> int:
    read_document([data], ocr=NullEngine(), limits=Limits())
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def test_24_a_flate_bomb_is_reported_as_resource_limit() -> None:
    with pytest.raises(ResourceLimit):
        run_isolated(_read, hostile.flate_bomb_pdf(4 << 30), timeout=30, memory_bytes=1 << 30)


def test_24_a_stream_is_refused_once_it_inflates_past_the_cap_not_after() -> None:
    bomb = hostile.flate_bomb_pdf(64 * MiB)
    with pytest.raises(ResourceLimit, match="past 8 MiB"):
        read_document([bomb], ocr=NullEngine(), limits=Limits(max_stream_bytes=8 * MiB))
    growth = run_isolated(hostile.peak_memory_reading, bomb, 8 * MiB, timeout=30, memory_bytes=1 << 30)
    assert growth < 100 * MiB  # inflating the 64 MiB (twice nested) adds about 200 MiB


def test_24_a_stream_under_the_cap_is_read() -> None:
    with contextlib.suppress(ParseError):  # zeros are no sensible page; what matters is: no ResourceLimit
        read_document([hostile.flate_bomb_pdf(2 * MiB)], ocr=NullEngine(), limits=Limits(max_stream_bytes=8 * MiB))


def _encrypted_pdf() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, encrypt=StandardEncryption("user-password", "owner-password"))
    canvas.drawString(72, 720, "confidential")
    canvas.save()
    return out.getvalue()


def test_25_26_31_malformed_pdfs_end_with_a_reason_in_time(tight: tuple[Flask, str]) -> None:
    app, key = tight
    results, seconds = _run(app, key, {
        "circular-xobjects": hostile.circular_xobject_pdf(),  # 25: pdfminer.six #1113
        "page-tree-cycle": hostile.page_tree_cycle_pdf(),  # 26: #909 class
        "encrypted": _encrypted_pdf(),  # 31
        "xref-garbage": hostile.pdf([b"<< /Type /Catalog /Pages 2 0 R >>"]).replace(b"xref", b"xref\n9 9 \x00"),
    })
    assert seconds < 30
    assert {name: body["status"] in FINAL for name, body in results.items()} == dict.fromkeys(results, True)
    assert (results["encrypted"]["status"], results["encrypted"]["reasons"]) == ("rejected", ["encrypted_pdf"])
    assert results["xref-garbage"]["reasons"] == ["parse_error"]


def test_28_a_slow_truncated_stream_is_cut_off_by_the_wall_clock(tight: tuple[Flask, str]) -> None:
    app, key = tight
    results, seconds = _run(app, key, {"truncated": hostile.truncated_flate_pdf(1_400_000)})  # #1163
    assert (results["truncated"]["status"], results["truncated"]["reasons"]) in (
        ("needs_review", ["parse_timeout"]), ("rejected", ["parse_error"]))
    assert seconds < 5 + 10


def _spawn_and_hang(marker: str) -> None:
    subprocess.Popen(["sleep", marker])  # a grandchild, like tesseract under the parse job
    time.sleep(60)


def _processes_with(argument: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if argument in (process.info["cmdline"] or []):
            found.append(process)
    return found


def test_26_a_timed_out_job_leaves_no_orphan_behind() -> None:
    marker = f"{time.time() % 1000 + 100:.6f}"  # a unique `sleep` argument
    with pytest.raises(ParseTimeout):
        run_isolated(_spawn_and_hang, marker, timeout=1.5)
    deadline = time.monotonic() + 5
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with(marker) == []  # the whole process group was killed


def _allocate(size: int) -> int:
    return len(bytearray(size))


def test_27_memory_growth_trips_the_address_space_limit() -> None:
    with pytest.raises(ResourceLimit):
        run_isolated(_allocate, 2 << 30, timeout=30, memory_bytes=1 << 30)
    assert run_isolated(_allocate, 10 * MiB, timeout=30, memory_bytes=1 << 30) == 10 * MiB  # next one is fine


def test_29_mutated_pdfs_never_escape_as_anything_but_our_errors() -> None:
    good = render_pdf(make_certificate("physician_practice", 6))
    mutations = [good[:n] for n in (20, 200, 2000, len(good) // 2, len(good) - 30)]
    mutations += [good.replace(b"xref", b"xrfe"), good.replace(b"startxref", b"startxref\n-1\n"),
                  good.replace(b"/Root", b"/Rot"), good.replace(b"endobj", b"")]
    for position in range(64, len(good), len(good) // 24):
        mutated = bytearray(good)
        mutated[position:position + 8] = b"\xff\x00(<[{/%"
        mutations.append(bytes(mutated))
    for data in mutations:
        try:
            read_document([data], ocr=NullEngine(), limits=Limits())
        except (ParseError, ParseTimeout):
            pass
        except Exception as exc:  # our own typed errors only
            assert type(exc).__module__ == "verify.errors", repr(exc)


def test_30_a_page_flood_is_refused_in_under_two_seconds() -> None:
    flood = hostile.page_flood_pdf(5000)
    started = time.perf_counter()
    with pytest.raises(Exception) as refused:
        read_document([flood], ocr=NullEngine(), limits=Limits())
    assert type(refused.value).__name__ == "TooManyPages" and time.perf_counter() - started < 2.0


class _Marker:
    """Unpickling this would create the marker file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.path, "w"))


def test_32_a_cmap_name_cannot_load_a_pickle_from_an_attacker_path(tmp_path: Path) -> None:
    assert int(version("pdfminer.six")) >= 20251107  # CVE-2025-64512 fixed
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil"
    with gzip.open(f"{evil}.pickle.gz", "wb") as handle:
        handle.write(pickle.dumps(_Marker(str(marker))))
    climb = "/".join([".."] * 12) + str(evil)
    for name in (climb.replace("/", "#2F"), str(evil).replace("/", "#2F")):
        with contextlib.suppress(ParseError):
            read_document([hostile.cmap_path_pdf(name)], ocr=NullEngine(), limits=Limits())
    assert not marker.exists()


def _twenty_page_pdf() -> bytes:
    source = pdfium.PdfDocument(render_pdf(make_certificate("physician_practice", 7)))
    document = pdfium.PdfDocument.new()
    for _ in range(20):
        document.import_pages(source)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_33_pages_are_released_as_they_are_read() -> None:
    peak = run_isolated(_read, _twenty_page_pdf(), timeout=60)
    assert peak < 300 * MiB, f"peak RSS {peak // MiB} MiB"


def test_44_an_ocr_timeout_ends_in_review_with_its_reason(tmp_path: Path) -> None:
    app = make_app(tmp_path / "ocr", limits={"ocr_seconds_per_page": 0.2})
    key = new_key(app.extensions["verify"], "acme-video", "platform")
    client: FlaskClient = app.test_client()
    page = to_jpeg(render_image(make_certificate("physician_practice", 8)), 80)  # seconds of OCR, not 0.2
    verification_id = submit(client, key, page, filename="scan.jpg", mimetype="image/jpeg").json["id"]
    process_all(app.extensions["verify"])
    body = client.get(f"/v1/verifications/{verification_id}", headers=bearer(key)).json
    assert (body["status"], body["reasons"]) == ("needs_review", ["ocr_timeout"])
    app.extensions["verify"].store.dispose()


def test_the_job_process_really_is_limited() -> None:
    limits = run_isolated(_limits, timeout=30, memory_bytes=1 << 30)
    assert limits["as"] == 1 << 30 and 0 < limits["cpu"] <= 31 and limits["pgid"] == limits["pid"]


def _limits() -> dict[str, int]:
    return {"as": resource.getrlimit(resource.RLIMIT_AS)[0], "cpu": resource.getrlimit(resource.RLIMIT_CPU)[0],
            "pgid": os.getpgrp(), "pid": os.getpid()}


def _scratch_file_then_hang(content: bytes) -> None:
    with tempfile.NamedTemporaryFile(delete=False) as handle:  # as pytesseract does with a page image
        handle.write(content)
    time.sleep(60)


def _where_temp_files_go() -> str:
    return tempfile.gettempdir()


def _scratch_dirs() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"verify-job-{os.getpid()}-*"))


def test_77_a_killed_job_leaves_no_temporary_file_behind() -> None:
    scratch = run_isolated(_where_temp_files_go, timeout=30)
    assert Path(scratch).name.startswith(f"verify-job-{os.getpid()}-") and not Path(scratch).exists()
    with pytest.raises(ParseTimeout):
        run_isolated(_scratch_file_then_hang, b"page image with an ID number", timeout=1.0)
    assert _scratch_dirs() == []


def test_77_scratch_left_by_a_killed_parent_is_swept_at_start(tmp_path: Path) -> None:
    dead = Path(tempfile.gettempdir()) / "verify-job-999999999-left"
    live = Path(tempfile.mkdtemp(prefix=f"verify-job-{os.getpid()}-"))
    dead.mkdir(exist_ok=True)
    (dead / "tess_page.png").write_bytes(b"page")
    try:
        assert sweep_scratch() >= 1
        assert not dead.exists() and live.exists()  # a living parent's scratch is its own business
    finally:
        live.rmdir()
