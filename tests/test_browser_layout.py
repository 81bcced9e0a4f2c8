"""Generated pages as a reader uses them in Debian's Chromium: the table filter says
"No match" when it hides every row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import serve_directory
from test_browser_offline import QuietHandler, browser  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site, QuietHandler) as url:
        yield url


def test_a_filter_that_hides_every_row_says_no_match(
    site_url: str,
    browser,  # noqa: F811
):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(site_url + "metrics/", wait_until="networkidle")
        rows = page.locator("article tbody tr:visible")
        everything = rows.count()
        no_match = page.get_by_text("No match")
        assert everything > 3 and not no_match.is_visible()
        find = page.get_by_label("Find")
        find.press_sequentially("zzz nothing", delay=10)
        assert no_match.is_visible() and rows.count() == 1  # the message's own row
        find.fill("")
        find.press_sequentially("monthly", delay=10)
        assert not no_match.is_visible() and 0 < rows.count() < everything
        assert all("monthly" in rows.nth(n).inner_text().lower() for n in range(rows.count()))
        # Drop-downs too: no draft metric in the Customer domain.
        find.fill("")
        page.locator(".hb-filter select").nth(0).select_option("draft")
        page.locator(".hb-filter select").nth(1).select_option("Customer")
        assert no_match.is_visible()
        page.locator(".hb-filter select").nth(0).select_option("")
        assert not no_match.is_visible() and rows.count() > 1
    finally:
        page.close()
