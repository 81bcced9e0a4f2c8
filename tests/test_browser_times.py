"""Pages give absolute times; a reader's browser adds how long ago that was, by its own clock.

The built HTML says "Looker data pulled at 2026-11-22 06:00 UTC." whatever the build time (so
a rebuild changes only pages whose data changed); the shipped script follows each such time
with "(3 hours ago)" as the reader's clock has it, and updates it while the page is open.
"""

from __future__ import annotations

import http.server
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers.serving import serve_directory

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser
PULLED = "2026-11-22 06:00 UTC"  # the committed Looker snapshot's pulled_at


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site, QuietHandler) as url:
        yield url


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        message = "Debian's Chromium is missing: `apt-get install -y chromium`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()


def _notice(page) -> str:
    return page.locator("article .hb-notices p").first.inner_text()


def test_the_built_page_holds_the_absolute_time_only(built_site: Path):
    html = (built_site / "looker/index.html").read_text(encoding="utf-8")
    assert f'<time class="hb-time" datetime="2026-11-22T06:00:00Z">{PULLED}</time>.' in html
    assert "before this build" not in html and " ago" not in html


def test_the_reader_sees_how_long_ago_by_their_own_clock(site_url: str, page):
    page.clock.install(time=datetime(2026, 11, 22, 9, 30, tzinfo=UTC))
    page.goto(site_url + "looker/", wait_until="networkidle")
    assert _notice(page) == f"Looker data pulled at {PULLED} (3 hours ago)."
    page.clock.run_for("24:00:00")  # the page stays open a day: the age follows
    page.wait_for_function(
        "() => document.querySelector('.hb-ago').textContent.includes('1 day ago')"
    )
    assert _notice(page) == f"Looker data pulled at {PULLED} (1 day ago)."


def test_every_generated_page_with_a_pull_time_gets_its_age(site_url: str, page):
    page.clock.install(time=datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    owner = "looker/unused/eric-brody-moore-66a491fe/"  # one owner's unused content
    for path in ("metrics/mau/", "data/freshness/", "reports/", "looker/unused/", owner):
        page.goto(site_url + path, wait_until="networkidle")
        times = page.locator("article time.hb-time")
        assert times.count() >= 1, path
        for n in range(times.count()):
            after = times.nth(n).evaluate("t => t.nextElementSibling.textContent")
            assert re.fullmatch(r" \(\d+ days ago\)", after), (path, after)
