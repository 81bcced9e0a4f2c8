"""One refresh: pull what is configured, replace each snapshot atomically, remember failures.

Looker and BigQuery are independent: either may fail while the other succeeds. A success
replaces that snapshot in one rename and clears its failure note; a failure leaves the
snapshot byte-identical and writes a small `<source>.attempt.json` beside it, which the next
build turns into a notice on every page that shows that data. A pull that is killed outright
leaves its `<source>.pulling.json` mark instead (`pull_marker`), which the next refresh and
build report the same way. A Looker pull that had to keep part of the previous snapshot
(System Activity or the content validator unreadable) writes the snapshot, which says so,
and still counts as failed.

Each pull holds its source's lock (`pull_lock`) from reading the previous snapshot until the
new one, and for Looker the change log (`changes.json`, `snapshot.changes`), are written,
so two pulls never interleave. `handbook refresh` waits for a running pull (bounded); a live
build (`live=True`) never waits and builds from the snapshot instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from handbook import pull_lock, pull_marker
from handbook.errors import CatalogError, PullError
from handbook.project import Project
from handbook.redact import scrub
from handbook.snapshot.model import ChangeLog, FreshnessSnapshot, LookerSnapshot, PullAttempt
from handbook.snapshot.store import dump_json, load, save, write_atomic
from handbook.timefmt import utc_minute

if TYPE_CHECKING:
    from collections.abc import Callable

    from handbook.looker.validation import ValidationMode
    from handbook.progress import Progress


@dataclass
class RefreshResult:
    messages: list[str] = field(default_factory=list)  # what was pulled
    warnings: list[str] = field(default_factory=list)  # e.g. an earlier pull never finished
    failures: list[str] = field(default_factory=list)  # pulls that failed (data kept)
    # Sources not pulled because another pull of them was running (a live build's refresh).
    busy: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Options:
    """How this refresh pulls: `validate` asks Looker's content validator (not under
    `mkdocs serve`); `live` is a build's pull, which never waits for another one."""

    validate: bool = True
    live: bool = False


def _record_failure(project: Project, source: str, error: Exception) -> str:
    text = error.message if isinstance(error, PullError) else scrub(str(error))
    attempt = PullAttempt(source=source, attempted_at=datetime.now(UTC), error=text)  # type: ignore[arg-type]
    write_atomic(project.attempt_file(source), dump_json(attempt))
    return f"{source}: {text}"


def _previous_looker(project: Project) -> LookerSnapshot | None:
    """The last good snapshot, to copy unchanged explores from; None if unreadable."""
    try:
        return load(project.looker_snapshot, LookerSnapshot)
    except CatalogError:
        return None


def _say_unfinished(project: Project, source: str, label: str, result: RefreshResult) -> None:
    marker = pull_marker.unfinished(project, source)
    if marker is None:
        return
    shown = None
    try:
        snap = load(
            project.looker_snapshot if source == "looker" else project.freshness_snapshot,
            LookerSnapshot if source == "looker" else FreshnessSnapshot,
        )
        shown = getattr(snap, "pulled_at", None) or getattr(snap, "checked_at", None)
    except CatalogError:
        pass
    result.warnings.append(f"{source}: {pull_marker.describe(marker, label, shown)}")


def _validation_mode(validate: bool, wanted: bool) -> ValidationMode:
    """Off when catalog/looker.yml says so, skipped under `mkdocs serve`, else run."""
    if not wanted:
        return "off"
    return "run" if validate else "skip"


def _refresh_looker(
    project: Project, progress: Progress, result: RefreshResult, options: _Options
) -> None:
    from handbook.curated.policy import load_policy
    from handbook.looker.pull import pull_snapshot

    previous = _previous_looker(project)
    try:
        policy = load_policy(project.looker_policy, project.relative(project.looker_policy))
        snapshot = pull_snapshot(
            progress=progress,
            base_url_hint=policy.base_url,
            previous=previous,
            validation=_validation_mode(options.validate, policy.content_validation),
        )
    except PullError as exc:
        result.failures.append(_record_failure(project, "looker", exc))
        return
    save(project.looker_snapshot, snapshot)
    project.attempt_file("looker").unlink(missing_ok=True)
    _append_changes(project, previous, snapshot, result)
    result.messages.append(
        f"looker: {len(snapshot.items)} items, {len(snapshot.folders)} folders, "
        f"{len(snapshot.explores)} explores in {snapshot.requests} requests"
    )
    for part in snapshot.carried_over:
        since = utc_minute(part.pulled_at) if part.pulled_at else "no earlier pull"
        result.failures.append(
            f"looker: {part.reason}; the {part.part} in the snapshot are from {since}"
        )
    validation = snapshot.content_validation
    if validation is not None and validation.state == "kept":
        when = validation.validated_at
        since = f"the pull at {utc_minute(when)}" if when else "no earlier pull"
        result.failures.append(
            f"looker: content validation failed ({validation.reason}); the broken content "
            f"in the snapshot is from {since}"
        )


def _append_changes(
    project: Project,
    previous: LookerSnapshot | None,
    snapshot: LookerSnapshot,
    result: RefreshResult,
) -> None:
    """Add what changed since `previous` to changes.json (a first pull records nothing)."""
    from handbook.snapshot.changes import appended, changes_between

    if previous is None:
        return
    path = project.changes_file
    try:
        log_before = load(path, ChangeLog)
    except CatalogError as exc:  # never replace a change log we cannot read
        result.failures.append(
            f"looker: the changes of this pull were not recorded: {exc}; restore "
            f"{project.relative(path)} from git or remove it"
        )
        return
    found = changes_between(previous, snapshot)
    updated = appended(log_before, found, snapshot.pulled_at)
    if updated.changes != (log_before.changes if log_before else []):
        save(path, updated)
    if found:
        result.messages.append(f"looker: {len(found)} change(s) since the previous pull")


def _refresh_bigquery(
    project: Project, progress: Progress, result: RefreshResult, options: _Options
) -> None:
    """Check every source's tables; dbt's are left to dbt when its results are configured."""
    from handbook.dbt.sources import DbtSource, load_all_sources
    from handbook.freshness.bigquery import check_freshness

    sources, dbt = load_all_sources(project)
    if dbt is not None and dbt.results is not None:
        sources = [s for s in sources if not isinstance(s, DbtSource)]
    try:
        freshness = check_freshness(sources, progress=progress)
    except PullError as exc:
        result.failures.append(_record_failure(project, "bigquery", exc))
        return
    save(project.freshness_snapshot, freshness)
    project.attempt_file("bigquery").unlink(missing_ok=True)
    failed = sum(t.error is not None for t in freshness.tables)
    result.messages.append(
        f"bigquery: {len(freshness.tables)} tables checked, {failed} runtime error(s)"
    )


def _pull_one(
    project: Project,
    source: str,
    label: str,
    run: Callable[[Project, Progress, RefreshResult, _Options], None],
    progress: Progress,
    result: RefreshResult,
    options: _Options,
) -> None:
    """One source's pull, under its lock and its pulling mark."""
    from handbook.settings import load_settings

    wait = 0.0 if options.live else load_settings().pull_wait
    try:
        with pull_lock.holding(project, source, label, wait=wait, waiting=progress.step):
            _say_unfinished(project, source, label, result)
            pull_marker.mark_started(project, source)
            try:
                run(project, progress, result, options)
            except Exception:  # a user mistake (CatalogError) ended it, not a kill
                pull_marker.clear(project, source)
                raise
            pull_marker.clear(project, source)
    except pull_lock.PullBusy as exc:
        if options.live:
            result.busy.append(f"{source}: {exc.holder}")
        else:
            result.failures.append(f"{source}: {exc.message}")


def refresh(
    project: Project,
    *,
    looker: bool = True,
    bigquery: bool = True,
    verbose: bool = False,
    validate: bool = True,
    live: bool = False,
) -> RefreshResult:
    """Pull the sources asked for; never raises for a fault outside our control.

    Prints nothing but progress (`verbose`): the caller says what happened, the CLI on
    stdout and stderr, the build in its log. `validate=False` keeps the last content
    validation instead of waiting minutes for Looker's validator (`mkdocs serve`);
    `live=True` is a build's pull: a source another pull holds is left to it (`busy`)
    instead of waited for.
    """
    from handbook.progress import reporter

    options = _Options(validate=validate, live=live)
    result = RefreshResult()
    pulls = [
        (source, label, run)
        for source, label, run, wanted in (
            ("looker", "Looker", _refresh_looker, looker),
            ("bigquery", "BigQuery freshness", _refresh_bigquery, bigquery),
        )
        if wanted
    ]
    with reporter(enabled=verbose) as progress:
        for source, label, run in pulls:
            _pull_one(project, source, label, run, progress, result, options)
    return result
