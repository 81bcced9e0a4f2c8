"""Views that say what they count, the unused page judged by recent use, flagged reports."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from handbook.catalog import Catalog, load_catalog
from handbook.project import Project
from handbook.render.pages import looker_pages, report_pages
from helpers.catalogs import PULLED, item, make_catalog, snapshot
from helpers.handbook import REPO
from helpers.pages import Html, to_html, unused_owner_pages


def page(catalog: Catalog, module, path: str) -> str:
    return next(p.content for p in module.pages(catalog) if p.path == path)


def test_an_unused_owner_page_shows_90_day_and_lifetime_views_under_headers_that_say_so():
    snap = snapshot(
        items=[
            # Busy once, nobody since: unused, though 650 lifetime views.
            item(
                "1",
                "Old hit",
                view_count=650,
                recent_views=0,
                last_viewed_at=PULLED - timedelta(days=120),
            ),
            # No last-viewed time from the search, but System Activity saw views: in use.
            item("2", "Seen", view_count=3, recent_views=4, last_viewed_at=None),
            item("3", "Fresh", view_count=9, recent_views=9),
        ]
    )
    pages = {p.path: p.content for p in looker_pages.pages(make_catalog(snap))}
    # The items have no owner: their table is on the no-owner page the summary links to.
    _, md = unused_owner_pages(pages)["No owner"]
    (table,) = Html(to_html(md)).tables
    assert table[0] == [
        "Title",
        "Kind",
        "Folder",
        "Last viewed",
        "Views, last 90 days",
        "Views, lifetime",
    ]
    assert [row[0] for row in table[1:]] == ["Old hit"]
    assert table[1][4:] == ["0", "650"]


def test_most_viewed_ranks_by_recent_views_and_labels_both_counts():
    snap = snapshot(
        items=[
            item("1", "Lifetime star", view_count=9000, recent_views=1),
            item("2", "Busy now", view_count=100, recent_views=80),
        ]
    )
    md = page(make_catalog(snap), looker_pages, "looker/index.md")
    most = md.split("## Most viewed", 1)[1].split("## ", 1)[0]
    (table,) = Html(to_html(most)).tables
    assert table[0][3:] == ["Views, last 90 days", "Views, lifetime"]
    assert [r[0] for r in table[1:]] == ["Busy now", "Lifetime star"]


@pytest.fixture
def catalog() -> Catalog:
    return load_catalog(Project(REPO))


def _report_rows(catalog: Catalog) -> dict[str, list[str]]:
    sections = report_pages.report_rows(catalog)
    return {row.item.id: row.flags for _, _, rows in sections for row in rows}


def test_notable_reports_flag_unused_items(catalog: Catalog):
    listed = next(iter(_report_rows(catalog)))
    key = next(k for k in catalog.items if k[1] == listed)
    old = catalog.looker.pulled_at - timedelta(days=400)
    catalog.items[key].last_viewed_at, catalog.items[key].recent_views = old, 0
    flags = _report_rows(catalog)[listed]
    assert flags == [f"unused: no view in {catalog.policy.unused_after_days} days"]
    md = page(catalog, report_pages, "reports/index.md")
    assert "⚠ unused" in md


def test_notable_reports_flag_items_whose_data_source_fails_freshness(catalog: Catalog):
    reported = set(_report_rows(catalog))
    metric, item_ = next(
        (m, i)
        for m in catalog.metrics
        if m.sources and m.lookml_field
        for i in catalog.items_by_field.get(m.lookml_field, [])
        if i.id in reported
    )
    name = metric.sources[0]
    statuses = dict(catalog.source_statuses)
    statuses[name] = dataclasses.replace(statuses[name], status="error")
    catalog.__dict__["source_statuses"] = statuses
    label = catalog.sources_by_name[name].label
    assert f"data source failing freshness: {label}" in " ".join(_report_rows(catalog)[item_.id])
    # And none when every source passes.
    catalog.__dict__["source_statuses"] = {
        n: dataclasses.replace(s, status="pass") for n, s in statuses.items()
    }
    assert not any("freshness" in f for fl in _report_rows(catalog).values() for f in fl)


def test_trashed_reports_are_flagged_not_dropped(catalog: Catalog):
    listed = next(iter(_report_rows(catalog)))
    key = next(k for k in catalog.items if k[1] == listed)
    trashed = catalog.items.pop(key)
    trashed.deleted = True
    catalog.view.deleted_items[key] = trashed
    assert "in Looker's trash" in _report_rows(catalog)[listed]
