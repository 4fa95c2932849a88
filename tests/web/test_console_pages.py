"""The console renders document pages off the request threads, once per document (issue 13.2).

A hostile page (a decompression bomb: 10 kB of PDF whose page inflates to 4 GiB) is rendered in
an isolated child process, by the serving process's own render threads; a view waits only a
little for it, and only two views wait at once: the others answer 503 with Retry-After at once,
so label checks keep their threads. A page that cannot be rendered is remembered as such.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests
from PIL import Image
from sqlalchemy import select

from tests.certificates import make_certificate, render_pdf
from tests.conftest import make_app
from tests.review_cases import MISMATCHED_NAME, item_of
from tests.security import hostile
from tests.serving import Server
from tests.web.console import csrf_of
from verify.config import Limits
from verify.errors import PagesNotReady
from verify.store.models import Document
from verify.web.pages import RENDER_WAIT_SECONDS, PageCache

CASES = 4  # at once, with 4 request threads: without a cap, every thread would wait on a bomb
GiB = 1 << 30


def _png(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (40, 30), shade).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_case_with_as_many_parts_as_allowed_is_rendered_once() -> None:
    """The cache holds two whole cases: the old 16-document cache re-rendered a 20-part case on every view."""
    limits = Limits(max_parts=20)
    cache = PageCache(limits)
    parts = [(hashlib.sha256(_png(shade)).hexdigest(), "image/png", _png(shade)) for shade in range(limits.max_parts)]
    deadline = time.monotonic() + 120
    while True:  # a view waits a few seconds at most: a few may be needed while 20 documents are rendered
        try:
            first = cache.document_pages(parts)
            break
        except PagesNotReady:
            assert time.monotonic() < deadline
            time.sleep(1)
    assert len(first) == limits.max_parts and all(page and page.startswith(b"\x89PNG") for page in first)
    started = time.monotonic()
    assert cache.document_pages(parts) == first
    assert time.monotonic() - started < 0.5  # from the cache: no child process started


def _views(server: Server, session: requests.Session, paths: list[str]) -> list[tuple[int, float, str]]:
    """GET ``paths`` at once (one connection each); (status, seconds, Retry-After) of each."""
    cookies = session.cookies.get_dict()

    def view(path: str) -> tuple[int, float, str]:
        started = time.monotonic()
        answer = requests.get(server.url + path, cookies=cookies, timeout=120, allow_redirects=False)
        return answer.status_code, time.monotonic() - started, answer.headers.get("Retry-After", "")

    with ThreadPoolExecutor(len(paths)) as pool:
        return list(pool.map(view, paths))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with Server(tmp_path / "data", env={"WEB_CONCURRENCY": "1", "GUNICORN_THREADS": str(CASES)}) as server:
        yield server


def _cases_with_bombs(server: Server, data_dir: Path) -> list[str]:
    """``CASES`` cases in the review queue whose documents are then swapped for different bombs; their item ids."""
    platform = {"Authorization": f"Bearer {server.create_key('acme-video')}"}
    document = render_pdf(make_certificate("physician_qualification", seed=8))
    ids = []
    for n in range(CASES):
        answer = requests.post(server.url + "/v1/verifications", headers=platform, timeout=30,
                               data={"account_id": f"acct-{n}", "profession": "doctor", "holder_name": MISMATCHED_NAME},
                               files={"document": ("cert.pdf", document, "application/pdf")})
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        states = [requests.get(f"{server.url}/v1/verifications/{i}", headers=platform, timeout=10).json()["status"]
                  for i in ids]
        if all(state == "needs_review" for state in states):
            break
        time.sleep(1)
    assert states == ["needs_review"] * CASES
    app = make_app(data_dir)  # the same data dir and secret: documents are sealed as the service seals them
    services = app.extensions["verify"]
    try:
        with services.store.write() as session:
            for n, verification_id in enumerate(ids):
                bomb = hostile.flate_bomb_pdf(4 * GiB + n * (1 << 20))
                for part in session.scalars(select(Document).where(Document.verification_id == verification_id)):
                    part.content, part.sha256, part.size = bomb, hashlib.sha256(bomb).hexdigest(), len(bomb)
        return [item_of(services, verification_id) for verification_id in ids]
    finally:
        services.store.dispose()


def _watch(worker: psutil.Process, stop: threading.Event, seen: dict[str, int]) -> None:
    """The largest RSS of the serving process and of any process below it, until ``stop``."""
    while not stop.is_set():
        seen["worker"] = max(seen.get("worker", 0), worker.memory_info().rss)
        with contextlib.suppress(psutil.Error):  # a child may end while it is looked at
            for child in worker.children(recursive=True):
                seen["children"] = max(seen.get("children", 0), child.memory_info().rss)
        time.sleep(0.05)


@pytest.mark.slow
def test_hostile_pages_render_in_child_processes_off_the_request_threads(server: Server, tmp_path: Path) -> None:
    items = _cases_with_bombs(server, tmp_path / "data")
    checker = {"Authorization": f"Bearer {server.create_key('acme-video')}"}
    console = requests.Session()
    token = csrf_of(console.get(server.url + "/review/login", timeout=10).text)
    signed_in = console.post(server.url + "/review/login", timeout=10, allow_redirects=False, data={
        "api_key": server.create_key("acme-video", "reviewer"), "csrf_token": token, "next": "/review/"})
    assert signed_in.status_code == 303
    assert server.process is not None
    [worker] = psutil.Process(server.process.pid).children()
    baseline = worker.memory_info().rss
    stop, seen, checks = threading.Event(), {}, []
    watcher = threading.Thread(target=_watch, args=(worker, stop, seen), daemon=True)
    watcher.start()
    with ThreadPoolExecutor(1) as viewing:
        views = viewing.submit(_views, server, console, [f"/review/items/{item}" for item in items])
        while not views.done():  # a platform checks labels while the reviewers open the cases
            started = time.monotonic()
            answer = requests.post(server.url + "/v1/labels/check", json={"token": "x"}, headers=checker, timeout=60)
            checks.append(time.monotonic() - started)
            assert answer.status_code == 200
            time.sleep(0.05)
        answers = views.result()
    assert max(checks) < 1.0, f"a label check waited {max(checks):.1f} s"
    assert all(seconds < RENDER_WAIT_SECONDS + 3 for _, seconds, _ in answers), answers
    assert {status for status, _, _ in answers} <= {200, 503}
    assert sum(status == 503 for status, _, _ in answers) >= CASES - 2, answers  # two views may wait at once
    assert all(retry for status, _, retry in answers if status == 503)
    deadline = time.monotonic() + 120  # the bombs end in their children (memory limit); then each case answers
    while time.monotonic() < deadline and any(status != 200 for status, _, _ in answers):
        time.sleep(2)
        answers = [_views(server, console, [f"/review/items/{item}"])[0] for item in items]
    stop.set()
    watcher.join()
    assert [status for status, _, _ in answers] == [200] * CASES
    assert seen["children"] > GiB  # the bombs inflated in child processes ...
    assert seen["worker"] - baseline < 300 << 20  # ... never in the serving process
    again = _views(server, console, [f"/review/items/{item}" for item in items])
    assert all(status == 200 and seconds < 1.0 for status, seconds, _ in again), again  # remembered, not rendered
    page: Any = console.get(f"{server.url}/review/items/{items[0]}", timeout=10)
    assert "无法显示" in page.text
