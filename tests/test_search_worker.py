"""The handbook's search worker answers every query exactly as Material's own worker does.

Each page names our worker (`assets/javascripts/workers/handbook-search.js`) with Material's
as its parameter. It hands Material every entry but the Looker items and scores the items
itself, so the reader's browser builds no lunr index of them. Here both workers run in
Chromium on the built handbook's own index, and for queries a reader types (item titles,
owners, words of descriptions, hand-page words, lunr's `+`, `-`, `field:`, `~` and `*`),
the answers (groups, entries, scores, highlighted titles and texts, terms found,
suggestions) must be the same, value for value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from handbook.catalog import load_catalog
from handbook.project import Project
from handbook.render.addresses import item_anchor
from handbook.render.search_worker import WORKER_NAME, use_worker
from helpers.handbook import REPO
from helpers.serving import QuietHandler, serve_directory

pytestmark = pytest.mark.browser

WORKERS = "assets/javascripts/workers"

# Runs both workers in the page: setup with the site's index, then each query in turn.
ANSWERS = """async ([ours, materials, queries, settings]) => {
  const index = await (await fetch("search/search_index.json")).json();
  Object.assign(index.config, settings);
  const run = url => new Promise((resolve, reject) => {
    const worker = new Worker(url), answers = [];
    worker.onerror = event => reject(new Error(event.message));
    worker.onmessage = ({ data }) => {
      if (data.type === 1) {  // ready: ask every query
        for (const q of queries) worker.postMessage({ type: 2, data: q });
        return;
      }
      answers.push(data);
      if (answers.length === queries.length) { worker.terminate(); resolve(answers); }
    };
    worker.postMessage({ type: 0, data: { config: index.config, docs: index.docs,
                                          options: { suggest: true } } });
  });
  return [await run(ours), await run(materials)];
}"""


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site, QuietHandler) as url:
        yield url


def material_worker(site: Path) -> str:
    (found,) = [p.name for p in (site / WORKERS).glob("search.*.min.js")]
    return found


def reader_queries() -> list[str]:
    """What readers type: items' exact titles, owners and description words, hand-page and
    metric words, and lunr's operators."""
    catalog = load_catalog(Project(REPO))
    items = sorted(catalog.items.values(), key=lambda i: (i.kind, i.id))[:12]
    queries = [item.title for item in items]
    queries += sorted({item.owner for item in items if item.owner})[:4]
    queries += [" ".join(item.description.split()[:3]) for item in items if item.description][:4]
    queries += [
        "monthly active users", "freshness", "how to ask for help", "HubSpot", "dau",
        "looker", "revenue", "customer", "dashboard", "the", "a", "p", "zzzz",
        "+customer +health", "customer -health", "title:customer", "text:owner",
        "custmer~1", "*count", "cu*er", "usage^10 customer", '"customer health"',
        "-looker", "<script>", "data & analytics", "20", "BigQuery", "dbtSources",
    ]  # fmt: skip
    return queries


def test_pages_name_our_worker_and_both_workers_are_published(built_site: Path):
    material = material_worker(built_site)
    assert (built_site / WORKERS / WORKER_NAME).is_file()
    for page in ("index.html", "404.html", "metrics/mau/index.html"):
        html = (built_site / page).read_text("utf-8")
        config = json.loads(re.search(r'id="__config" type="application/json">(.*?)</script>',
                                      html, re.S).group(1))  # fmt: skip
        assert config["search"].endswith(f"workers/{WORKER_NAME}?material={material}"), page
    index = json.loads((built_site / "search/search_index.json").read_text("utf-8"))
    assert index["config"]["handbook"]["items"]  # the pattern of the items' entries


def test_a_page_without_materials_config_is_left_as_it_is():
    page = "<html><head><script>var search = 'search.0123abcd.min.js'</script></head></html>"
    assert use_worker(page) == page
    named = use_worker(
        '<script id="__config" type="application/json">'
        '{"base": "..", "search": "../assets/javascripts/workers/search.0123abcd.min.js"}'
        "</script>"
    )
    assert f'"search": "../assets/javascripts/workers/{WORKER_NAME}?material=search.0123abcd' in (
        named
    )


@pytest.mark.parametrize(
    "settings",
    [
        {},  # the handbook's: Material's default separator, stop words only
        {  # Material's documented separator that splits camelCase, and lunr's whole pipeline
            "separator": r'[\s\-,:!=\[\]()"/]+|(?!\b)(?=[A-Z][a-z])|\.(?!\d)|&[lg]t;',
            "pipeline": ["trimmer", "stopWordFilter", "stemmer"],
        },
    ],
    ids=["handbook", "camelcase-stemmer"],
)
def test_every_answer_is_materials_own(built_site: Path, site_url: str, browser, settings: dict):
    queries = reader_queries()
    page = browser.new_page()
    page.goto(site_url)
    ours, materials = page.evaluate(
        ANSWERS, [f"{WORKERS}/{WORKER_NAME}?material={material_worker(built_site)}",
                  f"{WORKERS}/{material_worker(built_site)}", queries, settings],
    )  # fmt: skip
    assert len(ours) == len(materials) == len(queries)
    found_items = 0
    for query, mine, theirs in zip(queries, ours, materials, strict=True):
        assert mine == theirs, query
        found_items += any("#look-" in d["location"] or "#dashboard-" in d["location"]
                           for group in mine["data"]["items"] for d in group)  # fmt: skip
    assert found_items >= 12  # the items were searched, not only the other entries


def test_a_reader_typing_an_items_title_gets_that_item_first(site_url: str, browser):
    catalog = load_catalog(Project(REPO))
    item = max(catalog.items.values(), key=lambda i: (len(i.title), i.id))
    page = browser.new_page()
    page.goto(site_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(item.title[:-1])
    box.press(item.title[-1])  # Material searches on key up
    first = page.locator(".md-search-result__item").first
    first.wait_for()
    sections = first.locator("a[href*='#']")
    link = (sections if sections.count() else first.locator("a")).first.get_attribute("href")
    assert link.split("?")[0].endswith("/") and link.endswith(f"#{item_anchor(item)}"), link
