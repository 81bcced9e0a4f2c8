"""The notable-reports page, from `catalog/reports.yml` and the Looker snapshot.

Links are never typed by hand: each entry names a look or dashboard id, and the title,
owner and view count come from the snapshot of this build. A listed report that is no longer
published stops `handbook validate` and strict builds; a plain build shows a deleted or
missing one as such, unlinked (excluded ones stop every build), and skips nothing silently.
Rows are flagged for the reader: trashed in Looker, unused (nobody opened it in
`unused_after_days`), or a data source behind it failing its freshness check (an `error` or
`runtime error` on a source of a metric whose LookML field the report queries).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from handbook.catalog import Catalog
from handbook.render.cache import PageSpec, digest
from handbook.render.pages import Page
from handbook.render.pages.looker_pages import is_unused
from handbook.render.templating import render
from handbook.snapshot.model import LookerItem


@dataclass(frozen=True)
class ReportRow:
    item: LookerItem
    url: str | None  # None: gone from Looker, shown without a link
    note: str | None
    flags: list[str] = field(default_factory=list)  # why a reader should think twice


FAILING = ("error", "runtime error")


def _failing_sources(catalog: Catalog) -> dict[tuple[str, str], list[str]]:
    """Items → labels of failing sources behind them, via the metrics querying their field."""
    out: dict[tuple[str, str], list[str]] = {}
    statuses = catalog.source_statuses
    for metric in catalog.metrics:
        failing = [
            catalog.sources_by_name[n].label
            for n in metric.sources
            if n in statuses and statuses[n].status in FAILING
        ]
        if not failing or not metric.lookml_field:
            continue
        for item in catalog.items_by_field.get(metric.lookml_field, []):
            known = out.setdefault((item.kind, item.id), [])
            known.extend(label for label in failing if label not in known)
    return out


def _flags(catalog: Catalog, item: LookerItem, failing: list[str]) -> list[str]:
    flags = []
    if item.deleted:
        flags.append("in Looker's trash")
    snapshot = catalog.looker
    days = catalog.policy.unused_after_days
    if snapshot and not item.deleted and is_unused(item, snapshot.pulled_at, days):
        flags.append(f"unused: no view in {days} days")
    if failing:
        flags.append(f"data source failing freshness: {', '.join(failing)}")
    return flags


def report_rows(catalog: Catalog) -> list[tuple[str, str | None, list[ReportRow]]]:
    failing = _failing_sources(catalog)
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
            flags = _flags(catalog, item, failing.get((item.kind, item.id), []))
            rows.append(ReportRow(item, url, ref.note, flags))
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
    return ReportRow(shown, None, note, ["in Looker's trash"] if shown.deleted else [])


def specs(catalog: Catalog) -> Iterable[PageSpec]:
    """The reports page, keyed by the list and every row it shows (gone ones too)."""

    def key() -> str:
        notices = render("_notices.md.j2", catalog=catalog, notice_source="looker")
        rows = [
            (title, intro, [(r.item, r.url, r.note, r.flags) for r in section_rows])
            for title, intro, section_rows in report_rows(catalog)
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
            sections=report_rows(catalog),
            notice_source="looker",
        ),
        edit_path="catalog/reports.yml",
    )
