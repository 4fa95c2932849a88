"""The console in headless Chromium (Debian's ``chromium`` driven by Playwright).

A real server on a free loopback port: sign in with a reviewer key, open a name-mismatch
case, claim it, approve it with the keyboard, see the label. The case page's screenshot
is kept as ``artifacts/review-case.png``. Playwright's own browser downloads are never
used: ``make test`` installs Debian's chromium (``executable_path`` below).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import bearer, new_key
from tests.review_cases import MISMATCHED_NAME, item_of, needs_review
from verify.services.context import Services

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is in requirements-dev.txt")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is missing: bash .ci/apt-ensure chromium"),
]


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The app on a real HTTP server in a thread, at a free port on 127.0.0.1."""
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="console-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(10)
        httpd.server_close()


@pytest.fixture
def page(server: str) -> Iterator[sync_api.Page]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
            tab = context.new_page()
            tab.set_default_timeout(20_000)
            yield tab
            context.close()
        finally:
            browser.close()


def test_a_reviewer_approves_a_name_mismatch_case_with_the_keyboard(
    app: Flask, services: Services, server: str, page: sync_api.Page, platform_key: str, reviewer_key: str
) -> None:
    client = app.test_client()
    verification_id = needs_review(client, services, platform_key)
    item_id = item_of(services, verification_id)
    new_key(services, "acme-video", "reviewer")  # another reviewer exists; the case is still ours once claimed
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{server}/review/")
    assert page.url.startswith(f"{server}/review/login")
    page.fill("#api_key", reviewer_key)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/review/")
    assert page.locator("table.queue tbody tr").count() == 1

    page.click("a.case-link")
    page.wait_for_url(f"{server}/review/items/{item_id}")
    page.keyboard.press("c")  # claim
    page.wait_for_selector("#approve-form")
    sync_api.expect(page.locator("img.page[data-page='1']")).to_be_visible()
    assert page.locator("img.page[data-page='1']").evaluate("img => img.naturalWidth") > 500
    assert MISMATCHED_NAME in page.locator("table.compare").inner_text()
    assert page.locator(".check-warn code", has_text="name.matches_holder").count() == 1

    page.keyboard.press("+")  # zoom in, then back to fit
    sync_api.expect(page.locator("[data-zoom-level]")).not_to_have_text("适合宽度")
    page.keyboard.press("0")
    sync_api.expect(page.locator("[data-zoom-level]")).to_have_text("适合宽度")

    page.keyboard.press("a")  # no reason yet: A moves to the reason box instead of approving
    assert page.evaluate("document.activeElement.id") == "approve-reason"
    page.select_option("#approve-reason", "name_difference_explained")
    page.fill("#approve-note", "曾用名，已核对")
    page.keyboard.press("Escape")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "review-case-claimed.png"), full_page=True)
    page.keyboard.press("a")
    page.wait_for_selector("#label-display")
    label_text = page.locator("#label-display").inner_text()
    assert label_text.startswith("医疗卫生 · ")
    sync_api.expect(page.locator(".flash")).to_contain_text("已签发标签")
    page.screenshot(path=str(ARTIFACTS / "review-case.png"), full_page=True)

    seen = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json
    assert seen["status"] == "approved" and seen["label"]["display"] == label_text
    assert problems == []
