"""The built handbook in Debian's Chromium with every address but 127.0.0.1 blocked.

A reader on a plane or behind a strict intranet proxy loads pages: nothing may be fetched
from anywhere else (fonts, GitHub's API, a CDN), lineage diagrams must be drawn, and the
search must find a dashboard by its exact title and open its folder page at the item.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers.serving import QuietHandler, serve_directory

pytestmark = pytest.mark.browser
PAGES = [
    "",
    "metrics/",
    "metrics/mau/",
    "metrics/seat_consumption/",
    "data/freshness/",
    "looker/",
    "reports/",
    "tools/",  # a hand-written page with a Mermaid diagram
]


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site, QuietHandler) as url:
        yield url


@pytest.fixture
def offline(browser):
    """A page whose every request off 127.0.0.1 is aborted and recorded in `blocked`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []

    def route(r):
        if urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    try:
        yield page, blocked
    finally:
        context.close()


def test_pages_make_no_external_request_and_draw_diagrams(site_url: str, offline):
    page, blocked = offline
    for path in PAGES:
        page.goto(site_url + path, wait_until="networkidle")
        assert blocked == [], f"{path or 'home'} tried {blocked}"
    # The generated lineage is an SVG drawn at build time: nodes, a real size, links. It is
    # drawn wide and narrow; the stylesheet shows the one that fits.
    page.goto(site_url + "metrics/mau/", wait_until="networkidle")
    svg = page.locator("svg.hb-lineage:visible")
    assert svg.count() == 1
    box = svg.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 50
    assert svg.locator(".hb-lineage__node").count() >= 4
    assert "Monthly active users" in (svg.text_content() or "")
    assert "flowchart" not in page.locator("article").inner_text()
    # A hand-written Mermaid block is drawn by the vendored Mermaid, from this site.
    page.goto(site_url + "tools/", wait_until="networkidle")
    # Material draws it into a closed shadow root: the box grows once it is drawn.
    page.wait_for_function(
        "() => { const d = document.querySelector('div.mermaid');"
        " return d && d.getBoundingClientRect().height > 50; }",
        timeout=20_000,
    )
    assert page.evaluate("typeof mermaid") == "object"
    assert blocked == []


def _search(page, site_url: str, query: str):
    page.goto(site_url, wait_until="networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && !m.textContent.includes('Initializing'); }",
        timeout=30_000,
    )
    page.locator("input.md-search__input").press_sequentially(query, delay=20)
    first = page.locator(".md-search-result__item").first
    first.wait_for(timeout=15_000)
    return first


@pytest.mark.parametrize(
    ("query", "where", "expected"),
    [
        ("Growth dashboard", "/looker/folders/", "#dashboard-292"),
        ("MAUs by customer", "/looker/folders/", "#look-1065"),
        ("Customer success", "/looker/boards/", "#board-12"),
    ],
)
def test_an_items_exact_title_finds_it_first_and_opens_it(
    site_url, offline, query, where, expected
):
    page, blocked = offline
    first = _search(page, site_url, query)
    # Material groups results by page: the page's title, then its best matching sections.
    section = first.locator("a[href*='#']").first
    href = section.get_attribute("href")
    assert href and href.endswith(expected) and where in href, href
    section.click()
    page.wait_for_load_state()
    heading = page.locator(expected.replace("#", "#", 1))
    assert heading.inner_text().strip().startswith(query)
    assert heading.is_visible()
    assert blocked == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("monthly active users", "metrics/mau/"),
        ("stickiness", "metrics/dau_mau/"),  # a synonym
        ("HubSpot", "data/freshness/"),
    ],
)
def test_metrics_by_name_or_synonym_and_sources_by_name(site_url, offline, query, expected):
    page, blocked = offline
    first = _search(page, site_url, query)
    results = page.locator(".md-search-result__item a")
    hrefs = [results.nth(n).get_attribute("href") for n in range(min(results.count(), 5))]
    assert any(expected in (h or "") for h in hrefs), hrefs
    assert first.is_visible()
    assert blocked == []


@pytest.mark.parametrize("width", [1280, 390])
def test_catalog_pages_read_at_desktop_and_phone_width(site_url: str, browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for path in ("metrics/", "reports/", "looker/folders/120-company-metrics/"):
            page.goto(site_url + path, wait_until="networkidle")
            # Nothing pushes the page sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            # Descriptions get a real line, not a word per line: every shown text cell of a
            # table and every item line is at least 150 px wide (a narrow word is ~60).
            narrow = page.evaluate(
                "() => [...document.querySelectorAll('article td, article .hb-meta')]"
                ".filter(e => e.getClientRects().length && e.textContent.trim().length > 40)"
                ".map(e => e.getBoundingClientRect().width).filter(w => w < 150).length"
            )
            assert narrow == 0, (path, width)
        # The metric filter keeps only the chosen status.
        page.goto(site_url + "metrics/", wait_until="networkidle")
        before = page.locator("article tbody tr:visible").count()
        page.locator(".hb-filter select").first.select_option("draft")
        after = page.locator("article tbody tr:visible")
        assert 0 < after.count() < before
        assert all("draft" in after.nth(n).inner_text() for n in range(after.count()))
    finally:
        context.close()
