"""The data freshness board (`data/freshness.md`): every source, hand-written or dbt's.

Sources come from catalog/sources/ and, with `catalog/dbt.yml`, from dbt's manifest;
statuses from the BigQuery snapshot or, where configured, dbt's own `sources.json`.

All decisions (statuses, ages, which details to open) are made here in Python and handed to
the template as plain values, so the template only loops and formats, and every piece of
untrusted text still goes through the escaping `finalize`. Each source gets a stable anchor,
its name, so `[[freshness:NAME]]` references and metric pages can link straight to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from markupsafe import Markup

from handbook.curated.sources import Source
from handbook.dbt.sources import DbtSource
from handbook.freshness.rules import SourceStatus, TableStatus, sla_text
from handbook.render.addresses import FRESHNESS_BOARD
from handbook.render.badges import verdict
from handbook.render.cache import digest
from handbook.render.page import Page, PageSpec
from handbook.render.templating import anchor, md_text, render

if TYPE_CHECKING:
    from handbook.catalog import Catalog

PATH = FRESHNESS_BOARD


@dataclass(frozen=True)
class TableRow:
    state: TableStatus
    badge: Markup
    sla: str
    method: str  # how the load time was found, in words
    owner: str | None  # a dbt table's own owner, when not the source's


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
    dbt_origin: str | None  # where dbt defines the source, for sources from the manifest


_METHOD = {
    "metadata": "table metadata",
    "max_field": "MAX({field})",
    "dbt": "dbt source freshness",
    None: "—",
}


def _table_row(state: SourceStatus, row: TableStatus) -> TableRow:
    field = state.source.loaded_at_field_for(row.table) or ""
    method = _METHOD.get(row.method, "—").format(field=field)
    owner = getattr(row.table, "owner", None)
    owner = owner if owner != state.source.owner else None
    return TableRow(row, verdict(row), sla_text(row.rule), method, owner)


def _dbt_origin(source: Source) -> str | None:
    """ "`models/sources.yml` in dbt project 'x'" for a source dbt defines, else None."""
    if not isinstance(source, DbtSource):
        return None
    project = f" of dbt project {source.dbt_project}" if source.dbt_project else ""
    return f"{source.dbt_file or 'the manifest'}{project}"


def _view(state: SourceStatus) -> SourceView:
    slug = anchor(state.source.name)
    rows = [_table_row(state, t) for t in state.tables]
    return SourceView(
        state=state,
        anchor=slug,
        link=Markup("[{}](#{})").format(md_text(state.source.label), slug),
        badge=verdict(state),
        sla=state.source.sla,
        newest=state.newest_age,
        oldest=state.oldest_age,
        tables=rows,
        failures=[r for r in rows if r.state.status == "runtime error"],
        details=Markup("???" if state.status == "pass" else "???+"),
        dbt_origin=_dbt_origin(state.source),
    )


@dataclass(frozen=True)
class DbtView:
    """What the board says about dbt: whether sources come from it, and when dbt checked
    them (an absolute time: the reader's browser adds how long ago)."""

    used: bool
    from_results: bool
    checked_at: datetime | None

    @classmethod
    def of(cls, catalog: Catalog) -> DbtView:
        results = catalog.dbt.results if catalog.dbt else None
        checked = results.checked_at if results else None
        return cls(
            used=any(isinstance(s, DbtSource) for s in catalog.sources),
            from_results=results is not None,
            checked_at=checked,
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
        dbt=DbtView.of(catalog),
    )


def specs(catalog: Catalog) -> Iterable[PageSpec]:
    """The board, keyed by the sources, the freshness snapshot and the notices."""
    # An edit link must open a file: the first source's file (analysts add sources there
    # or beside it); with no sources yet, the editors' guide that says how to add one.
    edit = catalog.sources[0].file if catalog.sources else "docs/editing/catalog.md"

    def key() -> str:
        notices = render("_notices.md.j2", catalog=catalog, notice_source="bigquery")
        results = catalog.dbt.results if catalog.dbt else None
        dbt = (results.metadata, list(results.results.values())) if results else None
        view = DbtView.of(catalog)
        shown = (view.used, view.from_results, view.checked_at)
        # Statuses as aged to this build: a page changes when one crosses its threshold.
        aged = [str(verdict(t)) for s in catalog.source_statuses.values() for t in s.tables]
        return digest(notices, edit, catalog.sources, catalog.freshness, dbt, shown, aged)

    yield PageSpec(PATH, key, lambda: Page(PATH, board(catalog), edit_path=edit))


def pages(catalog: Catalog) -> Iterable[Page]:
    for spec in specs(catalog):
        yield spec.render()
