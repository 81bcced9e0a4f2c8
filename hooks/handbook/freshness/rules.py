"""Freshness statuses with dbt's rules (data only; `render.badges` draws them).

dbt's rule, kept exactly: age = check time - newest load; `error` if age > error_after,
else `warn` if age > warn_after, else `pass`. The comparisons are strict, so a table
exactly at its threshold still passes (dbt's `Time.exceeded` is `actual_age > limit`).

Two statuses dbt has no exact word for matter as much: `runtime error` (BigQuery could not
answer for the table: missing, forbidden, timed out) and `not checked` (the snapshot has no
result for it, or it has no SLA). Neither may ever read as `pass`: a green badge on data
nobody could check is the failure this page exists to prevent.

Ages are measured when each table was checked (its `checked_at`, dbt's `snapshotted_at`),
not at build time, so a page built a week later shows the same statuses as the check did,
and says when that was. Every status keeps that time.

A verdict is as old as its check. Once the time from a table's check to the build is longer
than the table's `warn_after` (its `error_after` when it has no `warn_after`), the check no
longer says anything about today: a `pass` then becomes `not checked since` (its own status,
never shown as a pass) with the last result kept beside it, and every other verdict keeps
its status but is marked as outdated (`TableStatus.last_result`), for pages to say "as of"
its check time (`aged`). Only the crossing of that threshold changes a status, so a page built
twice in an hour says the same thing.

Tables of sources dbt defines take dbt's own verdicts when `catalog/dbt.yml` names
`freshness_results:` (dbt's `sources.json`): the status, load time, age and check time dbt
wrote, never recomputed. A table that file has no result for was not checked: dbt-core 1.11
leaves out the tables it could not check (dbt-core issue 12812), so it must not read as a pass.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from handbook.curated.sources import FreshnessRule, Source, SourceTable
from handbook.dbt.artifacts import FreshnessResult, FreshnessResults
from handbook.dbt.sources import DbtTable, freshness_rule
from handbook.redact import scrub
from handbook.snapshot.model import FreshnessSnapshot, TableFreshness, freshness_key

Status = Literal["pass", "not checked since", "warn", "error", "runtime error", "not checked"]

# Worst last. A confirmed breach outranks an unknown, which outranks a warning; a pass whose
# check is too old to stand is the mildest unknown.
_RANK: dict[str, int] = {
    "pass": 0,
    "not checked since": 1,
    "not checked": 2,
    "warn": 3,
    "runtime error": 4,
    "error": 5,
}

FRESHNESS_STATUSES = frozenset(_RANK)


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
    method: str | None = None  # "metadata", "max_field", or "dbt" (dbt's own verdict)
    reason: str | None = None  # why it is a runtime error / not checked
    checked_at: datetime | None = None  # when this verdict was true; None: never checked
    # The verdict of a check older than the table's threshold (see `aged`); None while the
    # check still stands. `status` is then "not checked since" for a pass, else the same.
    last_result: Status | None = None

    @property
    def outdated(self) -> bool:
        return self.last_result is not None


@dataclass(frozen=True)
class SourceStatus:
    source: Source
    status: Status
    tables: list[TableStatus]
    checked_at: datetime | None
    checked_by: str = "BigQuery"  # or "dbt source freshness"

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

    @property
    def deciding(self) -> list[TableStatus]:
        """The tables whose status is the source's (its worst)."""
        return [t for t in self.tables if t.status == self.status]

    @property
    def as_of(self) -> datetime | None:
        """When the checks behind an outdated status ran (the oldest of them), for "not
        checked since <time>" or "warn as of <time>"; None when the status's checks stand."""
        times = [t.checked_at for t in self.deciding if t.outdated and t.checked_at]
        return min(times) if times else None

    @property
    def last_result(self) -> Status | None:
        """What the outdated checks behind the status said ("pass" for "not checked
        since"); None when the status's checks stand."""
        results = [t.last_result for t in self.deciding if t.last_result is not None]
        return worst(results) if results else None


def outdated_after(rule: FreshnessRule | None) -> timedelta | None:
    """How long a check of a table under `rule` stands: its warn_after, else its error_after."""
    if rule is None:
        return None
    limit = rule.warn_after or rule.error_after
    return limit.delta if limit else None


def aged(state: TableStatus, now: datetime) -> TableStatus:
    """`state` as it reads at `now`: outdated once `now - checked_at` exceeds the threshold.

    Strictly greater, like dbt's own comparisons: a check exactly one `warn_after` old
    still stands. A table never checked, or with no SLA, has no threshold to cross.
    """
    limit = outdated_after(state.rule)
    if state.checked_at is None or limit is None or state.status == "not checked":
        return state
    if now - state.checked_at <= limit:
        return state
    shown: Status = "not checked since" if state.status == "pass" else state.status
    return replace(state, status=shown, last_result=state.status)


def table_status(
    source: Source, table: SourceTable, result: TableFreshness | None, checked_at: datetime | None
) -> TableStatus:
    """One table's verdict from its snapshot entry (None when the snapshot lacks it)."""
    rule = source.rule_for(table)
    if result is None or checked_at is None:
        reason = table.own_check_refusal or "not in the freshness snapshot"
        return TableStatus(table, "not checked", rule, reason=reason)
    when = result.checked_at or checked_at
    loaded, method = result.loaded_at, result.method
    age = when - loaded if loaded is not None else None
    if result.error is not None:
        return TableStatus(table, "runtime error", rule, loaded, age, method, result.error, when)
    if loaded is None or age is None:
        reason = "no load time was returned"
        return TableStatus(table, "runtime error", rule, None, None, method, reason, when)
    if rule is None:
        return TableStatus(
            table, "not checked", None, loaded, age, method, "no freshness SLA", when
        )
    return TableStatus(table, rule_status(rule, age), rule, loaded, age, method, None, when)


def dbt_table_status(
    table: DbtTable, result: FreshnessResult | None, results: FreshnessResults
) -> TableStatus:
    """dbt's own verdict on one table, from `sources.json`, as dbt wrote it."""
    judged_by = table.freshness
    if result is None:
        return TableStatus(
            table,
            "not checked",
            judged_by,
            reason="'dbt source freshness' wrote no result for it (dbt-core 1.11 leaves out "
            "the tables it could not check: look for the error in dbt's log)",
        )
    if result.status == "runtime error":
        reason = scrub(str(result.error or "dbt could not check it"))
        return TableStatus(
            table, "runtime error", judged_by, None, None, "dbt", reason, results.checked_at
        )
    # The SLA dbt judged by (sources.json's `criteria`), which is the one the status means.
    return TableStatus(
        table,
        result.status,
        freshness_rule(result.criteria) or judged_by,
        result.max_loaded_at,
        result.age,
        "dbt",
        None,
        result.snapshotted_at,
    )


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


def _dbt_status(source: Source, results: FreshnessResults, now: datetime | None) -> SourceStatus:
    tables = [
        _at(dbt_table_status(t, results.results.get(t.unique_id), results), now)
        for t in source.tables
        if isinstance(t, DbtTable)
    ]
    status = worst([t.status for t in tables])
    return SourceStatus(source, status, tables, results.checked_at, "dbt source freshness")


def _at(state: TableStatus, now: datetime | None) -> TableStatus:
    return state if now is None else aged(state, now)


def evaluate(
    sources: list[Source],
    snapshot: FreshnessSnapshot | None,
    dbt_results: FreshnessResults | None = None,
    now: datetime | None = None,
) -> list[SourceStatus]:
    """Every source's status, in the order given; one pass over the snapshot.

    With `dbt_results`, sources dbt defines take dbt's verdicts; the others (and, without
    it, dbt's too) are judged from the BigQuery snapshot. With `now` (the build time), each
    verdict is `aged` to it; without, statuses are as the checks gave them.
    """
    results = {t.key: t for t in snapshot.tables} if snapshot else {}
    # Snapshots written before answers were keyed by field and filter: by table alone.
    legacy = {t.table: t for t in snapshot.tables if t.loaded_at_field is None} if snapshot else {}
    checked_at = snapshot.checked_at if snapshot else None
    out = []
    for source in sources:
        if dbt_results is not None and source.tables and isinstance(source.tables[0], DbtTable):
            out.append(_dbt_status(source, dbt_results, now))
            continue
        tables = [
            _at(table_status(source, t, _result_for(source, t, results, legacy), checked_at), now)
            for t in source.tables
        ]
        out.append(SourceStatus(source, worst([t.status for t in tables]), tables, checked_at))
    return out


def sla_text(rule: FreshnessRule | None) -> str:
    """'warn after 2 days, error after 7 days', or 'no SLA'."""
    return str(rule) if rule else "no SLA"
