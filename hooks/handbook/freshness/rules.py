"""Freshness statuses with dbt's rules, and the small badges pages show for them.

dbt's rule, kept exactly: age = check time - newest load; `error` if age > error_after,
else `warn` if age > warn_after, else `pass`. The comparisons are strict, so a table
exactly at its threshold still passes (dbt's `Time.exceeded` is `actual_age > limit`).

Two statuses dbt has no exact word for matter as much: `runtime error` (BigQuery could not
answer for the table: missing, forbidden, timed out) and `not checked` (the snapshot has no
result for it, or it has no SLA). Neither may ever read as `pass`: a green badge on data
nobody could check is the failure this page exists to prevent.

Ages are measured at the snapshot's `checked_at`, not at build time, so a page built a
week later shows the same statuses as the check did, and says when that was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from markupsafe import Markup, escape

from handbook.curated.sources import FreshnessRule, Source, SourceTable
from handbook.render.templating import format_time, humanize_age
from handbook.snapshot.model import FreshnessSnapshot, TableFreshness, freshness_key

if TYPE_CHECKING:
    from handbook.catalog import Catalog

Status = Literal["pass", "warn", "error", "runtime error", "not checked"]

# Worst last. A confirmed breach outranks an unknown, which outranks a warning.
_RANK: dict[str, int] = {"pass": 0, "not checked": 1, "warn": 2, "runtime error": 3, "error": 4}

_DESCRIPTION: dict[str, str] = {
    "pass": "loaded within its SLA",
    "warn": "older than its warn_after threshold",
    "error": "older than its error_after threshold",
    "runtime error": "the freshness check failed",
    "not checked": "no freshness result",
}


def rule_status(rule: FreshnessRule, age: timedelta) -> Status:
    """dbt's verdict for one age: strictly greater than a threshold breaches it."""
    if rule.error_after and age > rule.error_after.delta:
        return "error"
    if rule.warn_after and age > rule.warn_after.delta:
        return "warn"
    return "pass"


def worst(statuses: list[Status]) -> Status:
    """The status of a group: its worst member; an empty group was never checked."""
    return max(statuses, key=_RANK.__getitem__, default="not checked")


@dataclass(frozen=True)
class TableStatus:
    table: SourceTable
    status: Status
    rule: FreshnessRule | None
    loaded_at: datetime | None = None
    age: timedelta | None = None
    method: str | None = None  # "metadata" or "max_field"
    reason: str | None = None  # why it is a runtime error / not checked


@dataclass(frozen=True)
class SourceStatus:
    source: Source
    status: Status
    tables: list[TableStatus]
    checked_at: datetime | None

    @property
    def newest_age(self) -> timedelta | None:
        ages = [t.age for t in self.tables if t.age is not None]
        return min(ages) if ages else None

    @property
    def oldest_age(self) -> timedelta | None:
        ages = [t.age for t in self.tables if t.age is not None]
        return max(ages) if ages else None

    @property
    def failures(self) -> list[TableStatus]:
        return [t for t in self.tables if t.status == "runtime error"]


def table_status(
    source: Source, table: SourceTable, result: TableFreshness | None, checked_at: datetime | None
) -> TableStatus:
    """One table's verdict from its snapshot entry (None when the snapshot lacks it)."""
    rule = source.rule_for(table)
    if result is None or checked_at is None:
        return TableStatus(table, "not checked", rule, reason="not in the freshness snapshot")
    loaded, method = result.loaded_at, result.method
    age = checked_at - loaded if loaded is not None else None
    if result.error is not None:
        return TableStatus(table, "runtime error", rule, loaded, age, method, result.error)
    if loaded is None or age is None:
        return TableStatus(
            table, "runtime error", rule, None, None, method, "no load time was returned"
        )
    if rule is None:
        return TableStatus(table, "not checked", None, loaded, age, method, "no freshness SLA")
    return TableStatus(table, rule_status(rule, age), rule, loaded, age, method)


def _result_for(
    source: Source,
    table: SourceTable,
    results: dict[tuple[str, str | None, str | None], TableFreshness],
    legacy: dict[str, TableFreshness],
) -> TableFreshness | None:
    field = source.loaded_at_field_for(table)
    found = results.get(freshness_key(table.table, field, source.filter_for(table)))
    if found is None and table.table in legacy:
        old = legacy[table.table]
        wanted = "max_field" if field else "metadata"
        found = old if old.method == wanted else None
    return found


def evaluate(sources: list[Source], snapshot: FreshnessSnapshot | None) -> list[SourceStatus]:
    """Every source's status, in the order given; one pass over the snapshot."""
    results = {t.key: t for t in snapshot.tables} if snapshot else {}
    # Snapshots written before answers were keyed by field and filter: by table alone.
    legacy = {t.table: t for t in snapshot.tables if t.loaded_at_field is None} if snapshot else {}
    checked_at = snapshot.checked_at if snapshot else None
    out = []
    for source in sources:
        tables = [
            table_status(source, t, _result_for(source, t, results, legacy), checked_at)
            for t in source.tables
        ]
        out.append(SourceStatus(source, worst([t.status for t in tables]), tables, checked_at))
    return out


def source_status(catalog: Catalog, name: str) -> SourceStatus:
    """The status of one source by name; KeyError names the unknown source."""
    source = catalog.sources_by_name.get(name)
    if source is None:
        raise KeyError(f"unknown data source '{name}' (see catalog/sources/)")
    return catalog.source_statuses[source.name]


def badge(status: str) -> Markup:
    """An inline HTML badge, e.g. `<span class="hb-badge hb-badge--warn">warn</span>`.

    The text is the status itself (readable without colour and by screen readers); the
    class only adds colour, from docs/stylesheets/handbook.css.
    """
    slug = status.replace(" ", "-") if status in _RANK else "unknown"
    title = _DESCRIPTION.get(status, "unknown status")
    return Markup('<span class="hb-badge hb-badge--{}" title="{}">{}</span>').format(
        slug, title, escape(status)
    )


def sla_text(rule: FreshnessRule | None) -> str:
    """'warn after 2 days, error after 7 days', or 'no SLA'."""
    return str(rule) if rule else "no SLA"


def summary(state: SourceStatus) -> Markup:
    """Badge, age of the oldest table at the check, SLA and check time, on one line."""
    parts = [badge(state.status)]
    age = state.oldest_age
    if state.checked_at is None:
        parts.append(Markup("never checked"))
    else:
        when = format_time(state.checked_at)
        if age is not None:
            parts.append(Markup("loaded {} before the check at {}").format(humanize_age(age), when))
        else:
            parts.append(Markup("no load time at the check at {}").format(when))
    parts.append(Markup("SLA: {}").format(state.source.sla))
    return Markup(" · ").join(parts)


def source_summary(catalog: Catalog, name: str) -> Markup:
    """The compact inline summary other pages embed for `[[freshness:NAME]]`."""
    return summary(source_status(catalog, name))
