"""The notable-reports page, from `catalog/reports.yml` and the Looker snapshot.

Links are never typed by hand: each entry names a look or dashboard id, and the title,
owner and view count come from the snapshot of this build. A listed report that is no longer
published stops `handbook validate` and strict builds; a plain build shows a deleted or
missing one as such, unlinked (excluded ones stop every build), and skips nothing silently.
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
    url: str | None  # None: gone from Looker, shown without a link
    note: str | None


def _rows(catalog: Catalog) -> list[tuple[str, str | None, list[ReportRow]]]:
    sections = []
    for section in catalog.reports.sections:
        rows = []
        for ref in section.reports:
            item = catalog.items.get((ref.kind, ref.id))
            if item is None:
                gone = _gone_row(catalog, ref.kind, ref.id, ref.note)
                if gone is not None:  # else excluded: validate stopped the build
                    rows.append(gone)
                continue
            url = catalog.item_url(item) + (f"?{ref.query}" if ref.query else "")
            rows.append(ReportRow(item, url, ref.note))
        sections.append((section.title, section.intro, rows))
    return sections


def _gone_row(catalog: Catalog, kind: str, item_id: str, note: str | None) -> ReportRow | None:
    """A listed report that is gone from Looker, shown as such and without a link.

    Only a plain build gets here (validate and --strict fail on it, with file and line).
    """
    gone = catalog.gone_from_looker(kind, item_id)
    if gone is None:
        return None
    trashed = catalog.view.deleted_items.get((kind, item_id)) if catalog.view else None
    title = trashed.title if trashed else f"{kind} {item_id}"
    suffix = " (deleted in Looker)" if gone == "deleted" else " (not found in Looker)"
    shown = LookerItem(kind=kind, id=item_id, title=title + suffix, deleted=gone == "deleted")  # type: ignore[arg-type]
    return ReportRow(shown, None, note)


def specs(catalog: Catalog) -> Iterable[PageSpec]:
    """The reports page, keyed by the list and every row it shows (gone ones too)."""

    def key() -> str:
        notices = render("_notices.md.j2", catalog=catalog, notice_source="looker")
        rows = [
            (title, intro, [(r.item, r.url, r.note) for r in section_rows])
            for title, intro, section_rows in _rows(catalog)
        ]
        return digest(notices, catalog.base_url, catalog.reports.intro, rows)

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
