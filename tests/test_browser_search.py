"""A reader opens the built handbook in Debian's Chromium and searches for HubSpot."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser


@pytest.fixture
def site_url(built_site: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_site))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def page(tmp_path: Path):
    if not Path(CHROMIUM).exists():
        message = "Debian's Chromium is missing: `apt-get install -y chromium`"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it in .ci/run; missing there is a real failure
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_searching_hubspot_finds_the_data_pages(site_url: str, page):
    page.goto(site_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").fill("HubSpot")
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    assert results.count() >= 1
    assert "HubSpot" in page.locator(".md-search-result").inner_text()
    # Following the first result lands on a handbook page that mentions HubSpot.
    results.first.locator("a").first.click()
    page.wait_for_load_state()
    assert "HubSpot" in page.locator("article").inner_text()
