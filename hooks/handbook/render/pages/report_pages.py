"""The notable-reports page, from `catalog/reports.yml` and the Looker snapshot.

Links are never typed by hand: each entry names a look or dashboard id, and the title,
owner and view count come from the snapshot of this build. A listed report that is no longer
published stops `handbook validate` and strict builds; a plain build shows a deleted or
missing one as such, unlinked (excluded ones stop every build), and skips nothing silently.
Each row carries the report's trust line (`render.trust`: sources fresh or stale, broken or
not, owner active or not, views in 90 days), and is flagged for the reader: broken in Looker
(with its first errors, linked to its entry in the catalog), trashed in Looker, unused
(nobody opened it in `unused_after_days`), or a data source behind it failing its freshness
check (an `error` or `runtime error` on a source of a metric defined on its explore).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup

from handbook.catalog import Catalog
from handbook.render.addresses import REPORTS_INDEX, item_entry, relative_to
from handbook.render.cache import digest, once
from handbook.render.page import Page, PageSpec
from handbook.render.pages.looker_pages import is_unused
from handbook.render.templating import render
from handbook.render.trust import broken_flag, trust_line, validation_caveat
from handbook.snapshot.model import LookerItem


@dataclass(frozen=True)
class ReportRow:
    item: LookerItem
    url: str | None  # None: gone from Looker, shown without a link
    note: str | None
    flags: list[str] = field(default_factory=list)  # why a reader should think twice
    trust: Markup | None = None  # the trust line (`render.trust`); None: gone from Looker
    broken: Markup | None = None  # "Broken in Looker" and its first errors


FAILING = ("error", "runtime error")
PATH = REPORTS_INDEX


def _failing(catalog: Catalog, item: LookerItem) -> list[str]:
    """Labels of the failing sources behind the item (`Catalog.sources_behind`)."""
    statuses = catalog.source_statuses
    return [s.label for s in catalog.sources_behind(item) if statuses[s.name].status in FAILING]


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


def _broken(catalog: Catalog, item: LookerItem) -> Markup | None:
    errors = catalog.validation_errors(item.kind, item.id)
    if not errors:
        return None
    return broken_flag(errors, relative_to(PATH, item_entry(catalog, item)))


def report_rows(catalog: Catalog) -> list[tuple[str, str | None, list[ReportRow]]]:
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
            flags = _flags(catalog, item, _failing(catalog, item))
            trust = trust_line(catalog, item)
            rows.append(ReportRow(item, url, ref.note, flags, trust, _broken(catalog, item)))
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
            (title, intro, [(r.item, r.url, r.note, r.flags, r.trust, r.broken) for r in found])
            for title, intro, found in sections()
        ]
        caveat = validation_caveat(catalog)
        return digest(notices, catalog.base_url, catalog.reports.intro, rows, caveat)

    sections = once(lambda: report_rows(catalog))
    yield PageSpec(PATH, key, lambda: _page(catalog, sections()))


def pages(catalog: Catalog) -> Iterable[Page]:
    yield _page(catalog, report_rows(catalog))


def _page(catalog: Catalog, sections: list[tuple[str, str | None, list[ReportRow]]]) -> Page:
    broken = any(row.broken for _, _, rows in sections for row in rows)
    return Page(
        PATH,
        render(
            "reports_index.md.j2",
            catalog=catalog,
            intro=catalog.reports.intro,
            sections=sections,
            caveat=validation_caveat(catalog) if broken else None,
            notice_source="looker",
        ),
        edit_path="catalog/reports.yml",
    )
