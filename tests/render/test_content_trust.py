"""Can I trust this report? Broken content, deactivated owners and the trust line, where
readers look: an item's entry on its folder page, the broken-content page, the Looker index,
metric pages, the reports page and `[[look:…]]` references.

Built from the committed snapshot: Looker's content validator found dashboard 179 (a tile)
and look 1319 broken, and look 1500 in the excluded Finance folder; Nick Gage's account is
deactivated (looks 1401 and 1410).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from handbook.catalog import Catalog, load_catalog
from handbook.markdown.references import Reference, resolve
from handbook.project import Project
from handbook.render.pages import all_pages
from handbook.render.references import reference_html
from handbook.snapshot.model import ContentValidation
from helpers.handbook import REPO
from helpers.pages import Html, section, to_html

# Minutes after the freshness check (06:10): every check still stands.
FRESH = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
TILE_ERROR = (
    'Unknown field "technical_health.health_score_v1". (field technical_health.health_score_v1, '
    "explore customer/technical_health, tile “Health score trend”)"
)
LOOK_ERROR = (
    'Unknown field "monthly_usage.is_weekday". (field monthly_usage.is_weekday, '
    "explore product/instance_usage)"
)


@pytest.fixture
def catalog() -> Catalog:
    return load_catalog(Project(REPO), now=FRESH)


def pages(catalog: Catalog) -> dict[str, str]:
    return {p.path: p.content for p in all_pages(catalog) if p.path.endswith(".md")}


def entry(page: str, anchor: str) -> str:
    """One item's entry on a folder page (Markdown), from its heading to the next."""
    start = page.index(f"{{ #{anchor} }}")
    end = page.find("\n### ", start)
    return page[start : end if end != -1 else None]


def shown(md: str) -> str:
    """What a reader sees of some Markdown: its text, whitespace collapsed."""
    return " ".join("".join(Html(to_html(md)).text).split())


def test_a_broken_item_says_so_at_its_entry_with_every_error(catalog: Catalog):
    folder = pages(catalog)["looker/folders/121-customer-health.md"]
    dashboard = entry(folder, "dashboard-179")
    assert '<strong class="hb-bad">Broken in Looker</strong>' in dashboard  # in the trust line
    html = to_html(dashboard)
    assert '<p class="admonition-title">Broken in Looker</p>' in html
    assert TILE_ERROR in shown(dashboard)
    look = entry(pages(catalog)["looker/folders/120-company-metrics.md"], "look-1319")
    assert LOOK_ERROR in shown(look)
    healthy = entry(folder, "dashboard-128")
    assert "Broken in Looker" not in healthy and "no content errors" in healthy


def test_the_broken_page_lists_published_broken_content_by_folder(catalog: Catalog):
    md = pages(catalog)["looker/broken.md"]
    parsed = Html(to_html(md))
    assert [h for tag, h in parsed.headings if tag == "h2"] == [
        "Shared / Company Metrics",
        "Shared / Customer Health",
    ]
    assert ("folders/121-customer-health.md", "Shared / Customer Health") in parsed.links
    assert ("folders/120-company-metrics.md#look-1319", "DAU/MAU") in parsed.links
    assert ("folders/121-customer-health.md#dashboard-179", "Technical health dashboard") in (
        parsed.links
    )
    assert ("https://sourcegraph.looker.com/dashboards/179", "open in Looker") in parsed.links
    text = shown(md)
    assert TILE_ERROR in text and LOOK_ERROR in text
    # The excluded one is a count: no title, id or error of it.
    assert "1 more is in a folder the handbook does not publish, not listed here." in text
    for hidden in ("Quarterly ARR bridge", "1500", "arr_usd"):
        assert hidden not in text


def test_the_looker_index_counts_broken_content_and_owners_who_left(catalog: Catalog):
    text = shown(pages(catalog)["looker/index.md"])
    assert (
        "Broken content: 2 published items Looker's content validator found errors in "
        "(and 1 not published) · Content whose owner left: 2 · What changed in Looker"
    ) in text


def test_metric_pages_and_the_reports_page_flag_broken_content(catalog: Catalog):
    built = pages(catalog)
    metric = Html(to_html(built["metrics/dau_mau.md"]))
    assert ("../looker/folders/120-company-metrics.md#look-1319", "Broken in Looker") in (
        metric.links
    )
    row = next(r for r in metric.tables[-1] if r[0].startswith("DAU/MAU"))
    assert LOOK_ERROR in " ".join(row[0].split())
    reports = built["reports/index.md"]
    parsed = Html(to_html(reports))
    broken = {h for h, t in parsed.links if t == "Broken in Looker"}
    assert broken == {
        "../looker/folders/120-company-metrics.md#look-1319",
        "../looker/folders/121-customer-health.md#dashboard-179",
    }
    assert TILE_ERROR in shown(reports) and LOOK_ERROR in shown(reports)


def test_a_reference_to_a_broken_look_links_its_entry_and_shows_its_error(catalog: Catalog):
    ref = Reference("[[look:1319]]", "look", "1319", None)
    html = str(reference_html(resolve(catalog, ref, "tools/looker.md")))
    assert html.startswith('<a href="https://sourcegraph.looker.com/looks/1319">DAU/MAU</a>')
    assert (
        '<a class="hb-bad" href="../looker/folders/120-company-metrics.md#look-1319">'
        "Broken in Looker</a>: Unknown field &#34;monthly&#95;usage.is&#95;weekday&#34;."
    ) in html
    healthy = str(
        reference_html(resolve(catalog, Reference("[[look:729]]", "look", "729", None), "index.md"))
    )
    assert "Broken in Looker" not in healthy


@pytest.mark.parametrize(
    ("state", "reason", "said"),
    [
        (
            "skipped",
            "mkdocs serve does not wait for Looker's content validator",
            "Content validation is from the pull at 2026-11-22 06:00 UTC (mkdocs serve does "
            "not wait for Looker's content validator).",
        ),
        (
            "unavailable",
            "Looker refused GET /content_validation (HTTP 403): the API user needs the develop "
            "permission, which Looker's content validator requires",
            "Content validation is unavailable: Looker refused GET /content_validation (HTTP 403)",
        ),
        ("off", "content_validation: false in catalog/looker.yml", "Content validation is off"),
    ],
)
def test_the_pages_showing_broken_content_say_how_current_it_is(
    catalog: Catalog, state: str, reason: str, said: str
):
    validation = catalog.looker.content_validation
    keep = state == "skipped"
    catalog.looker.content_validation = ContentValidation(
        state=state,  # type: ignore[arg-type]
        reason=reason,
        validated_at=validation.validated_at if keep else None,
        items=validation.items if keep else [],
    )
    catalog.__dict__.pop("broken", None)
    built = pages(catalog)
    for page in ("looker/broken.md", "looker/index.md"):
        assert said in shown(built[page]), page
    folder = built["looker/folders/121-customer-health.md"]
    if keep:  # the broken item is still shown, with how old the list is
        assert said in shown(folder) and said in shown(built["reports/index.md"])
        assert "no content errors" in folder
    else:  # nothing to go by: no item is called broken or sound
        assert "There is no content validation to show." in shown(built["looker/broken.md"])
        assert "content errors" not in folder and "Broken in Looker" not in folder


def test_an_owner_who_left_is_marked_at_the_entry_and_listed_for_adoption(catalog: Catalog):
    built = pages(catalog)
    look = entry(built["looker/folders/121-customer-health.md"], "look-1410")
    assert '<strong class="hb-bad">Owner deactivated</strong>' in look
    assert "owner active" in entry(built["looker/folders/121-customer-health.md"], "look-1065")
    unused = section(built["looker/unused.md"], "## Content whose owner left { #owner-left }")
    table = Html(to_html(unused)).tables[0]
    assert [r[0] for r in table[1:]] == [
        "Accounts with falling seat consumption",
        "Campaign-sourced signups",
    ]
    assert {r[3] for r in table[1:]} == {"Nick Gage"}


def test_a_private_item_whose_owner_left_is_not_listed(catalog: Catalog):
    hidden = catalog.view.excluded_items[("look", "1500")]
    hidden.owner_disabled = True
    unused = {p: md for p, md in pages(catalog).items() if p.startswith("looker/unused")}
    assert len(unused) > 1  # the summary and each owner's page
    assert not any("Quarterly ARR bridge" in md for md in unused.values())


def test_the_trust_line_says_fresh_stale_or_unchecked_and_leaves_out_the_unknown(
    catalog: Catalog,
):
    built = pages(catalog)
    customers = built["looker/folders/121-customer-health.md"]
    # NPS (HubSpot, Salesforce): HubSpot is past its warn_after, named.
    assert (
        '<strong class="hb-bad">sources stale</strong>: HubSpot · no content errors · owner '
        "active · 172 views in 90 days"
    ) in entry(customers, "dashboard-128")
    # MAU (Pings, Sourcegraph.com events): both passed, minutes ago.
    assert "<br>sources fresh · no content errors" in entry(customers, "look-1065")
    # No metric is defined on Marketing's explores: no word on sources at all.
    marketing = entry(built["looker/folders/109-marketing.md"], "look-1401")
    assert "sources" not in marketing.split("<br>", 1)[1]
    # A source whose check failed: unchecked, named.
    statuses = dict(catalog.source_statuses)
    statuses["pings"] = dataclasses.replace(statuses["pings"], status="runtime error")
    catalog.__dict__["source_statuses"] = statuses
    again = pages(catalog)["looker/folders/121-customer-health.md"]
    assert "<br>sources unchecked: Pings · no content errors" in entry(again, "look-1065")


def test_every_notable_report_carries_its_trust_line(catalog: Catalog):
    md = pages(catalog)["reports/index.md"]
    table = Html(to_html(md)).tables[0]
    for row in table[1:]:
        assert " · owner active · " in row[0] and " views in 90 days" in row[0], row[0]
