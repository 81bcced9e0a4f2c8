"""The metric glossary and per-metric pages, as Markdown and as the reader sees them built."""

from __future__ import annotations

import dataclasses
import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from handbook.catalog import Catalog, Notice, load_catalog
from handbook.project import Project
from handbook.render.page import Page
from handbook.render.pages.metric_pages import FIELD_ITEMS, LINEAGE_ITEMS, code_block, pages
from handbook.render.site_urls import site_href
from helpers.handbook import REPO

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(Project(REPO))


def by_path(catalog: Catalog) -> dict[str, Page]:
    return {p.path: p for p in pages(catalog)}


def test_one_page_per_metric_editing_its_yaml(catalog: Catalog):
    found = by_path(catalog)
    assert set(found) == {"metrics/index.md"} | {f"metrics/{m.name}.md" for m in catalog.metrics}
    assert found["metrics/mau.md"].edit_path == "catalog/metrics/product.yml"
    assert found["metrics/nps.md"].edit_path == "catalog/metrics/customer.yml"


def test_glossary_is_one_a_to_z_table_with_synonyms_and_filters(catalog: Catalog):
    index = by_path(catalog)["metrics/index.md"].content
    assert 'Looker data pulled at <time class="hb-time" datetime="2026-11-22T06:00:00Z">' in index
    rows = re.findall(r"^\| \[(.+?)\]\((\w+)\.md\) \|", index, flags=re.M)
    # Every metric exactly once, A to Z by label.
    assert sorted(name for _, name in rows) == sorted(m.name for m in catalog.metrics)
    labels = [label for label, _ in rows]
    assert labels == sorted(labels, key=str.casefold)
    assert "| Metric | Status | Domain | Owner | Definition |" in index
    assert "*Also called: monthly actives, active users, MAUs.*" in index
    assert 'data-filter-columns="Status Domain"' in index
    assert "## " not in index  # no second or third listing under other headings


def test_metric_page_has_definition_calculation_lineage_freshness_and_looker(catalog: Catalog):
    page = by_path(catalog)["metrics/mau.md"].content
    assert page.startswith("# Monthly active users\n")
    assert "Owner: **Eric Brody&#45;Moore**" in page
    assert '<span class="hb-badge hb-badge--certified"' in page
    assert "| Grain | month, per instance |" in page
    assert "```sql\nCOUNT(DISTINCT user_id)\n" in page
    assert "- Instances with telemetry switched off report no users" in page
    assert "| Property | Value |" in page and "| | |" not in page
    svg = page.split("## Lineage", 1)[1].split("## Freshness", 1)[0]
    # Drawn twice, wide and narrow; the stylesheet shows the one that fits.
    assert svg.count("<svg ") == 2 and "```" not in svg and "flowchart" not in svg
    assert 'href="../../data/freshness/#pings"' in svg  # a source opens its freshness entry
    for drawn in re.findall(r"<svg .*?</svg>", svg):
        field = next(
            node
            for node in ET.fromstring(drawn).iter(f"{SVG}a")
            if "/looker/explores/" in node.get("href", "")
        )
        lines = list(field.find(f"{SVG}text").itertext())
        assert "".join(lines) == "product.instance_usage.monthly_usage.mau"  # whole, wrapped
    assert "<title>LookML field product.instance_usage.monthly_usage.mau</title>" in svg
    assert "<title>dashboard product::executive_summary: Executive summary" in svg
    assert '| Pings | <span class="hb-badge hb-badge--' in page
    assert "[MAUs by customer](<https://sourcegraph.looker.com/looks/1065>) ★" in page
    assert "BigQuery freshness data pulled at" in page and "Looker data pulled at" in page


def test_looker_content_using_the_field_is_listed_even_if_not_curated(catalog: Catalog):
    page = by_path(catalog)["metrics/users_by_instance_type.md"].content
    # Both curated; nothing else queries monthly_usage.user_count.
    assert "Monthly users by instance type" in page
    seat = by_path(catalog)["metrics/seat_consumption.md"].content
    # Dashboard 296 queries the field; look 1333 is curated.
    assert "[Customer account overview](<https://sourcegraph.looker.com/dashboards/296>)" in seat


def test_a_field_many_items_query_lists_the_recommended_then_the_most_viewed():
    """At a big company hundreds of items query a popular field: the page lists what the
    owner recommends, then the `FIELD_ITEMS` most viewed (recently, then ever), and says
    how many there are and where all of them are."""
    catalog = load_catalog(Project(REPO))
    field = "product.instance_usage.monthly_usage.mau"
    model, explore, view, name = field.split(".")
    template = next(i for i in catalog.items.values() if i.model == model)
    for n in range(FIELD_ITEMS + 15):
        item = dataclasses.replace(
            template,
            id=str(90_000 + n),
            title=f"Copy {n} of the usage look",
            recent_views=n % 7,
            view_count=n,
            model=model,
            explore=explore,
            fields=[f"{view}.{name}"],
        )
        catalog.items[(item.kind, item.id)] = item
    users = catalog.items_by_field[field]
    md = by_path(catalog)["metrics/mau.md"].content
    table = md.split("## In Looker", 1)[1]
    listed = re.findall(r"^\| \[(.+?)\]\(<https://[^>]+/(\w+)/([^>/]+)>\)( ★)?", table, re.M)
    recommended = [t for t, *_, star in listed if star]
    assert recommended[:1] == ["MAUs by customer"]  # still listed, first
    rest = [catalog.items[(kind[:-1], id_)] for _, kind, id_, star in listed if not star]
    assert len(rest) == FIELD_ITEMS
    shown = {(kind[:-1], id_) for _, kind, id_, _ in listed}
    left_out = [i for i in users if (i.kind, i.id) not in shown]
    assert len(left_out) == len(users) - len(recommended) - FIELD_ITEMS > 0
    # Nothing left out was viewed more recently than anything shown.
    assert max(i.recent_views or 0 for i in left_out) <= min(i.recent_views or 0 for i in rest)
    total = len(users) - len(recommended)
    assert f"the {FIELD_ITEMS} most viewed\n(in the last 90 days, then ever) of the {total} " in md
    assert '<a href="../../catalog.json">catalog.json</a> lists' in md
    lineage = md.split("## Lineage", 1)[1].split("## Freshness", 1)[0]
    assert f"{len(users)} Looker items" in lineage
    assert f"and {len(users) - LINEAGE_ITEMS} more</text>" in lineage


def test_deprecated_metric_is_clearly_marked_and_points_at_its_replacement(handbook_copy: Project):
    path = handbook_copy.metrics_dir / "product.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "    status: certified\n    type: simple\n    calculation: |\n      SUM(search_count)",
        "    status: deprecated\n    replaced_by: mau\n    type: simple\n    calculation: |\n"
        "      SUM(search_count)",
        1,
    )
    path.write_text(text, encoding="utf-8")
    found = by_path(load_catalog(handbook_copy))
    page = found["metrics/total_searches.md"].content
    assert '!!! danger "Deprecated metric"' in page
    assert (
        "Do not use this metric for new work. Use [Monthly active users](mau.md) instead." in page
    )
    row = next(
        line
        for line in found["metrics/index.md"].content.splitlines()
        if line.startswith("| [Total searches](total_searches.md) |")
    )
    assert "hb-badge--deprecated" in row


def test_failed_pull_notices_show_as_admonitions(catalog: Catalog):
    catalog.notices.append(Notice("looker", "The Looker pull at X failed (HTTP 503)."))
    try:
        page = by_path(catalog)["metrics/mau.md"].content
    finally:
        catalog.notices.pop()
    assert (
        '!!! warning "Pull failed"\n\n    The Looker pull at X failed &#40;HTTP 503&#41;.' in page
    )


def test_calculation_cannot_escape_its_code_block():
    hostile = "a ``` b\n````\n# not a heading\n"
    block = code_block(hostile)
    assert block.startswith("`````sql\n") and block.endswith("\n`````")
    assert hostile.rstrip("\n") in block


def test_site_href_follows_directory_urls():
    assert (
        site_href("metrics/mau.md", "data/freshness.md", "pings") == "../../data/freshness/#pings"
    )
    assert site_href("metrics/index.md", "metrics/mau.md") == "mau/"
    assert site_href("index.md", "looker/explores.md", "x") == "looker/explores/#x"
    assert site_href("metrics/index.md", "metrics/index.md") == "./"
    assert site_href("metrics/mau.md", "index.md") == "../../"


def test_site_href_follows_file_urls():
    def href(a: str, b: str, fragment: str = "") -> str:
        return site_href(a, b, fragment, directory_urls=False)

    assert href("metrics/mau.md", "data/freshness.md", "pings") == "../data/freshness.html#pings"
    assert href("metrics/index.md", "metrics/mau.md") == "mau.html"
    assert href("index.md", "looker/explores.md", "x") == "looker/explores.html#x"
    assert href("metrics/mau.md", "index.md") == "../index.html"


@pytest.mark.slow
def test_built_metric_pages(built_site: Path):
    mau = (built_site / "metrics" / "mau" / "index.html").read_text(encoding="utf-8")
    assert '<svg class="hb-lineage"' in mau and 'class="mermaid"' not in mau
    # Every link the diagram draws to our own pages resolves in the built site.
    for target in re.findall(r'<a class="hb-lineage__node" href="(\.\./[^"#]*)', mau):
        assert (built_site / "metrics" / "mau" / target / "index.html").resolve().is_file()
    assert 'href="https://sourcegraph.looker.com/looks/1065"' in mau
    assert (built_site / "catalog.json").is_file()  # what a long "In Looker" list links to
    assert re.search(r'href="[^"]*catalog/metrics/product\.yml"', mau)  # edit link
    index = (built_site / "metrics" / "index.html").read_text(encoding="utf-8")
    assert 'href="mau/"' in index and "monthly actives" in index


@pytest.mark.slow
def test_a_metric_name_with_an_underscore_reads_as_typed(built_site: Path):
    """The name sits in a code element; a character reference there would show as typed."""
    page = (built_site / "metrics" / "dau_mau" / "index.html").read_text(encoding="utf-8")
    names = re.findall(r"Name: <code>(.*?)</code>", page)
    assert names and html.unescape(names[0]) == "dau_mau"
