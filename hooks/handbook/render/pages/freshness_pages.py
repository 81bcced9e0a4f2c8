"""The data freshness board (`data/freshness.md`), from catalog/sources/ and the snapshot.

All decisions (statuses, ages, which details to open) are made here in Python and handed to
the template as plain values, so the template only loops and formats, and every piece of
untrusted text still goes through the escaping `finalize`. Each source gets a stable anchor,
its name, so `[[freshness:NAME]]` references and metric pages can link straight to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from markupsafe import Markup

from handbook.freshness.rules import SourceStatus, TableStatus, sla_text
from handbook.render.badges import freshness_badge
from handbook.render.cache import PageSpec, digest
from handbook.render.pages import Page
from handbook.render.templating import anchor, md_text, render

if TYPE_CHECKING:
    from handbook.catalog import Catalog

PATH = "data/freshness.md"


@dataclass(frozen=True)
class TableRow:
    state: TableStatus
    badge: Markup
    sla: str
    method: str  # how the load time was found, in words


@dataclass(frozen=True)
class SourceView:
    state: SourceStatus
    anchor: Markup
    link: Markup  # `[label](#anchor)` for the overview table
    badge: Markup
    sla: str
    newest: timedelta | None
    oldest: timedelta | None
    tables: list[TableRow]
    failures: list[TableRow]
    details: Markup  # "???+" opens the table list when something is wrong, "???" folds it


_METHOD = {"metadata": "table metadata", "max_field": "MAX({field})", None: "—"}


def _table_row(state: SourceStatus, row: TableStatus) -> TableRow:
    field = state.source.loaded_at_field_for(row.table) or ""
    method = _METHOD.get(row.method, "—").format(field=field)
    return TableRow(row, freshness_badge(row.status), sla_text(row.rule), method)


def _view(state: SourceStatus) -> SourceView:
    slug = anchor(state.source.name)
    rows = [_table_row(state, t) for t in state.tables]
    return SourceView(
        state=state,
        anchor=slug,
        link=Markup("[{}](#{})").format(md_text(state.source.label), slug),
        badge=freshness_badge(state.status),
        sla=state.source.sla,
        newest=state.newest_age,
        oldest=state.oldest_age,
        tables=rows,
        failures=[r for r in rows if r.state.status == "runtime error"],
        details=Markup("???" if state.status == "pass" else "???+"),
    )


def board(catalog: Catalog) -> str:
    """The Markdown of the freshness board."""
    states = list(catalog.source_statuses.values())
    return render(
        "freshness_board.md.j2",
        catalog=catalog,
        notice_source="bigquery",
        sources=[_view(s) for s in states],
        checked_at=catalog.freshness.checked_at if catalog.freshness else None,
    )


def specs(catalog: Catalog) -> Iterable[PageSpec]:
    """The board, keyed by the sources, the freshness snapshot and the notices."""
    # An edit link must open a file: the first source's file (analysts add sources there
    # or beside it); with no sources yet, the editors' guide that says how to add one.
    edit = catalog.sources[0].file if catalog.sources else "docs/editing/catalog.md"

    def key() -> str:
        notices = render("_notices.md.j2", catalog=catalog, notice_source="bigquery")
        return digest(notices, edit, catalog.sources, catalog.freshness)

    yield PageSpec(PATH, key, lambda: Page(PATH, board(catalog), edit_path=edit))


def pages(catalog: Catalog) -> Iterable[Page]:
    for spec in specs(catalog):
        yield spec.render()
