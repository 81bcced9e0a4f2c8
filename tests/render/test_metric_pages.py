"""The metric glossary and per-metric pages, as Markdown and as the reader sees them built."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO
from handbook.catalog import Catalog, Notice, load_catalog
from handbook.project import Project
from handbook.render.pages import Page
from handbook.render.pages.metric_pages import code_block, mermaid_label, pages


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


def test_glossary_lists_metrics_a_to_z_by_domain_and_status_with_synonyms(catalog: Catalog):
    index = by_path(catalog)["metrics/index.md"].content
    assert "Looker data pulled at 2026-11-22 06:00 UTC" in index
    headings = re.findall(r"^### (.+)$", index, flags=re.M)
    letters = headings[: headings.index("Customer")]
    assert letters == sorted(letters) and {"M", "N", "S"} <= set(letters)
    assert {"Product", "Customer", "Support", "Certified", "Draft", "Deprecated"} <= set(headings)
    assert "**[Monthly active users](mau.md)**" in index
    assert "*Also called: monthly actives, active users, MAUs.*" in index
    draft = index.split("### Draft", 1)[1].split("###", 1)[0]
    assert "[Lines of code indexed](lines_of_code_indexed.md)" in draft


def test_metric_page_has_definition_calculation_lineage_freshness_and_looker(catalog: Catalog):
    page = by_path(catalog)["metrics/mau.md"].content
    assert page.startswith("# Monthly active users\n")
    assert "Owner: **Eric Brody&#45;Moore**" in page
    assert '<span class="hb-badge hb-badge--certified"' in page
    assert "| Grain | month, per instance |" in page
    assert "```sql\nCOUNT(DISTINCT user_id)\n" in page
    assert "- Instances with telemetry switched off report no users" in page
    mermaid = page.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert 'source0[("Pings")]' in mermaid and "source0 --> field" in mermaid
    assert 'field["LookML: product.instance_usage.monthly_usage.mau"]' in mermaid
    assert 'item3["dashboard product::executive_summary: Executive summary LookML"]' in mermaid
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
    deprecated = found["metrics/index.md"].content.split("### Deprecated", 1)[1]
    assert "[Total searches](total_searches.md)" in deprecated


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


def test_mermaid_labels_are_sanitised():
    assert mermaid_label('x"] --> evil[("y') == '"x -- evil y"'
    assert mermaid_label("<script>#;") == '"script"'
    assert mermaid_label("") == '"?"'


@pytest.mark.slow
def test_built_metric_pages(built_site: Path):
    mau = (built_site / "metrics" / "mau" / "index.html").read_text(encoding="utf-8")
    assert '<pre class="mermaid"><code>flowchart LR' in mau
    assert 'href="https://sourcegraph.looker.com/looks/1065"' in mau
    assert re.search(r'href="[^"]*catalog/metrics/product\.yml"', mau)  # edit link
    index = (built_site / "metrics" / "index.html").read_text(encoding="utf-8")
    assert 'href="mau/"' in index and "monthly actives" in index
