"""The notable-reports page, from `catalog/reports.yml` and the Looker snapshot.

Links are never typed by hand: each entry names a look or dashboard id, and the title,
owner and view count come from the snapshot of this build. A listed report that is no longer
published (deleted, excluded, missing) stops the build via `validate`, so this page only
renders what resolves and skips nothing silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from handbook.catalog import Catalog
from handbook.render.cache import PageSpec, digest
from handbook.render.pages import Page
from handbook.render.templating import render
from handbook.snapshot.model import LookerItem


@dataclass(frozen=True)
class ReportRow:
    item: LookerItem
    url: str
    note: str | None


def _rows(catalog: Catalog) -> list[tuple[str, str | None, list[ReportRow]]]:
    sections = []
    for section in catalog.reports.sections:
        rows = []
        for ref in section.reports:
            item = catalog.items.get((ref.kind, ref.id))
            if item is None:
                continue  # reported by validate_catalog with file and line
            url = catalog.item_url(item) + (f"?{ref.query}" if ref.query else "")
            rows.append(ReportRow(item, url, ref.note))
        sections.append((section.title, section.intro, rows))
    return sections


def specs(catalog: Catalog) -> Iterable[PageSpec]:
    """The reports page, keyed by the list and the items it names."""
    notices = render("_notices.md.j2", catalog=catalog, notice_source="looker")
    named = [
        catalog.items.get((ref.kind, ref.id))
        for section in catalog.reports.sections
        for ref in section.reports
    ]
    key = digest(notices, catalog.base_url, catalog.reports, named)
    yield PageSpec("reports/index.md", key, lambda: _page(catalog))


def pages(catalog: Catalog) -> Iterable[Page]:
    yield _page(catalog)


def _page(catalog: Catalog) -> Page:
    return Page(
        "reports/index.md",
        render(
            "reports_index.md.j2",
            catalog=catalog,
            intro=catalog.reports.intro,
            sections=_rows(catalog),
            notice_source="looker",
        ),
        edit_path="catalog/reports.yml",
    )
