"""Every generated page read at a desktop's and a phone's width, in Debian's Chromium.

At 1280 px and at 390 px no generated page scrolls sideways; no table, diagram, code block
or Material table wrapper inside the content is wider than its box (none needs sideways
scrolling); no table cell or diagram label is clipped, cut short with an ellipsis, or
broken inside a word. Collapsed blocks (the freshness board's table lists) are opened
first, so their tables are measured too. And the table filter says "No match" when it
hides every row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.serving import QuietHandler, serve_directory

pytestmark = pytest.mark.browser
WIDTHS = {1280: 900, 390: 844}

# Material has wrapped every table and the table script has run (both at DOMContentLoaded).
READY = """() => document.querySelector("article") &&
  [...document.querySelectorAll("article table")].every(t => t.closest(".md-typeset__table")) &&
  !document.querySelector(".hb-filter[hidden]")"""

# What is wrong with the page in view, as sentences; [] when it reads well.
MEASURE = r"""() => {
  document.querySelectorAll("article details").forEach(d => { d.open = true; });
  const out = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth)
    out.push(`the page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
  const article = document.querySelector("article");
  const shown = el => el.getClientRects().length > 0;
  const text = el => (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 60);
  const boxes = "table, .md-typeset__scrollwrap, .md-typeset__table, .hb-lineage-wrap, pre";
  for (const el of article.querySelectorAll(boxes)) {
    if (shown(el) && el.scrollWidth > el.clientWidth)
      out.push(`${el.className || el.tagName} needs sideways scrolling: ${text(el)}`);
  }
  // Where the lines of `el` break inside a run of text: [end of a line, start of the next].
  // A break at an element (<wbr>, <br>, a tag's edge) or at a space is where text may wrap.
  const breaks = el => {
    const found = [];
    let top = null;
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect || !rect.width) continue;  // a space where the line wraps takes no room
        if (top !== null && rect.top > top + 2 && i > 0)
          found.push([node.data.slice(0, i), node.data.slice(i)]);
        if (top === null || rect.top > top + 2) top = rect.top;
      }
    }
    return found;
  };
  const letter = /[\p{L}\p{N}]/u;
  const midWord = pairs => pairs.filter(([a, b]) => letter.test(a.slice(-1)) && letter.test(b[0]));
  for (const cell of article.querySelectorAll("td, th")) {
    for (const [a, b] of shown(cell) ? midWord(breaks(cell)) : [])
      out.push(`a word broken mid-word: ${a.slice(-20)} | ${b.slice(0, 20)}`);
    for (const el of [cell, ...cell.querySelectorAll("*")]) {
      if (!shown(el)) continue;
      const style = getComputedStyle(el);
      if (style.display !== "inline" && el.scrollWidth > el.clientWidth)
        out.push(`cell text spills or is clipped: ${text(el)}`);
      if (style.textOverflow === "ellipsis") out.push(`cell text may be ellipsised: ${text(el)}`);
    }
  }
  for (const svg of article.querySelectorAll("svg")) {
    if (!shown(svg)) continue;
    const box = svg.getBoundingClientRect(), room = svg.parentElement.getBoundingClientRect();
    if (box.left < room.left - 0.5 || box.right > room.right + 0.5)
      out.push(`a diagram is wider than its box: ${box.width} > ${room.width}`);
    for (const label of svg.querySelectorAll("text")) {
      if (label.textContent.includes("…")) out.push(`label cut short: ${label.textContent}`);
      const drawn = [...label.childNodes].map(n => n.textContent);
      const pairs = drawn.slice(1).map((line, n) => [drawn[n], line]);
      if (midWord(pairs).length) out.push(`label broken mid-word: ${drawn.join(" | ")}`);
      const rect = label.parentElement.querySelector("rect");
      if (!rect) continue;
      const t = label.getBBox(), r = rect.getBBox();
      const inside = t.x >= r.x && t.x + t.width <= r.x + r.width &&
        t.y >= r.y && t.y + t.height <= r.y + r.height;
      if (!inside) out.push(`label spills out of its box: ${label.textContent}`);
    }
  }
  return out;
}"""


def generated_pages(site: Path) -> list[str]:
    """One address of each generated page kind, and every metric, folder and owner page."""
    metric_pages = sorted(p.parent.name for p in (site / "metrics").glob("*/index.html"))
    folders = sorted(p.parent.name for p in (site / "looker" / "folders").glob("*/index.html"))
    owners = sorted(p.parent.name for p in (site / "looker" / "unused").glob("*/index.html"))
    assert metric_pages and folders and owners
    return [
        "reports/",
        "metrics/",
        *(f"metrics/{name}/" for name in metric_pages),
        "data/freshness/",
        "looker/",
        *(f"looker/folders/{name}/" for name in folders),
        "looker/boards/",
        "looker/explores/",
        "looker/unused/",
        *(f"looker/unused/{name}/" for name in owners),
        "looker/broken/",
        "looker/changes/",
    ]


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site, QuietHandler) as url:
        yield url


@pytest.mark.parametrize("width", WIDTHS)
def test_no_generated_page_scrolls_sideways_or_cuts_text(
    built_site: Path,
    site_url: str,
    browser,
    width: int,
):
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]})
    page = context.new_page()
    problems = {}
    try:
        for path in generated_pages(built_site):
            page.goto(site_url + path)
            page.wait_for_function(READY)
            if found := page.evaluate(MEASURE):
                problems[path] = found
    finally:
        context.close()
    assert problems == {}


def test_every_lineage_label_is_drawn_in_full_at_both_widths(
    site_url: str,
    browser,
):
    """The longest Looker titles of a metric are in its diagram whole, at either width."""
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto(site_url + "metrics/mau/", wait_until="networkidle")
            shown = page.locator("svg.hb-lineage:visible")
            assert shown.count() == 1
            narrow = "hb-lineage--narrow" in (shown.get_attribute("class") or "")
            assert narrow == (width < 600)  # the phone gets the top-to-bottom layout
            labels = shown.locator("text").evaluate_all("ts => ts.map(t => t.textContent)")
            for title in ("Server instances dashboard", "Specific Instance Overview"):
                assert title in labels, labels
            assert "Executive summary (LookML)" in labels
        finally:
            page.close()


def test_a_filter_that_hides_every_row_says_no_match(
    site_url: str,
    browser,
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
