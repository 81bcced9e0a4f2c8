"""A reader opens the built handbook in Debian's Chromium and searches: for HubSpot, for a
Looker item by its exact title, and for the item's owner."""

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


def open_search(page, site_url: str) -> None:
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


def search(page, query: str):
    box = page.locator("input.md-search__input")
    box.fill("")
    box.press_sequentially(query, delay=30)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    return results


def test_searching_hubspot_finds_the_data_pages(site_url: str, page):
    open_search(page, site_url)
    results = search(page, "HubSpot")
    assert results.count() >= 1
    assert "HubSpot" in page.locator(".md-search-result").inner_text()
    # Following the first result lands on a handbook page that mentions HubSpot.
    results.first.locator("a").first.click()
    page.wait_for_load_state()
    assert "HubSpot" in page.locator("article").inner_text()


def test_an_exact_item_title_opens_the_item_and_its_owner_finds_it(site_url: str, page):
    """With the index's fields as the plugin leaves them (title and text, no tags)."""
    open_search(page, site_url)
    search(page, "Pipeline by stage")
    first = page.locator(".md-search-result__item a[href*='#']").first
    href = first.get_attribute("href") or ""
    assert "/looker/folders/" in href and href.endswith("#look-1402")
    assert "Open opportunities by stage" in first.inner_text()  # its description
    first.click()
    page.wait_for_url("**#look-1402")
    heading = page.locator("h3#look-1402")
    assert heading.inner_text().startswith("Pipeline by stage") and heading.is_visible()
    # The owner's name finds the item too.
    open_search(page, site_url)
    search(page, "Greg Bastis")
    found = page.locator(".md-search-result__item a[href$='#look-1402']")
    found.first.wait_for(timeout=15_000)
