"""A reader opens the built handbook in Debian's Chromium and searches for HubSpot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.browser import chromium
from helpers.serving import QuietHandler, serve_directory

pytestmark = pytest.mark.browser


@pytest.fixture
def site_url(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site, QuietHandler) as url:
        yield url


@pytest.fixture
def page():
    with chromium(
        "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"
    ) as browser:
        yield browser.new_page()


def test_searching_hubspot_finds_the_data_pages(site_url: str, page):
    page.goto(site_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # Material builds the index in a web worker and says "Initializing search" until it is
    # ready; a query typed before then is not run again, so wait as a reader would.
    meta = page.locator(".md-search-result__meta")
    meta.wait_for(timeout=15_000)
    page.wait_for_function(
        "() => !document.querySelector('.md-search-result__meta')"
        ".textContent.includes('Initializing')",
        timeout=30_000,
    )
    page.locator("input.md-search__input").press_sequentially("HubSpot", delay=30)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    assert results.count() >= 1
    assert "HubSpot" in page.locator(".md-search-result").inner_text()
    # Following the first result lands on a handbook page that mentions HubSpot.
    results.first.locator("a").first.click()
    page.wait_for_load_state()
    assert "HubSpot" in page.locator("article").inner_text()
