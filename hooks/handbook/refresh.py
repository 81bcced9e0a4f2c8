"""One refresh: pull what is configured, replace each snapshot atomically, remember failures.

Looker and BigQuery are independent: either may fail while the other succeeds. A success
replaces that snapshot in one rename and clears its failure note; a failure leaves the
snapshot byte-identical and writes a small `<source>.attempt.json` beside it, which the next
build turns into a notice on every page that shows that data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from handbook.errors import PullError
from handbook.project import Project
from handbook.redact import scrub
from handbook.snapshot.model import PullAttempt
from handbook.snapshot.store import dump_json, save, write_atomic

log = logging.getLogger("handbook.refresh")


@dataclass
class RefreshResult:
    messages: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _record_failure(project: Project, source: str, error: Exception) -> str:
    text = error.message if isinstance(error, PullError) else scrub(str(error))
    attempt = PullAttempt(source=source, attempted_at=datetime.now(UTC), error=text)  # type: ignore[arg-type]
    write_atomic(project.attempt_file(source), dump_json(attempt))
    return f"{source}: {text}"


def refresh(
    project: Project, *, looker: bool = True, bigquery: bool = True, verbose: bool = False
) -> RefreshResult:
    """Pull the configured sources; never raises for a fault outside our control."""
    from handbook.progress import reporter

    result = RefreshResult()
    with reporter(enabled=verbose) as progress:
        if looker:
            from handbook.curated.policy import load_policy
            from handbook.looker.pull import pull_snapshot

            try:
                policy = load_policy(project.looker_policy, project.relative(project.looker_policy))
                snapshot = pull_snapshot(progress=progress, base_url_hint=policy.base_url)
            except PullError as exc:
                result.failures.append(_record_failure(project, "looker", exc))
            else:
                save(project.looker_snapshot, snapshot)
                project.attempt_file("looker").unlink(missing_ok=True)
                result.messages.append(
                    f"looker: {len(snapshot.items)} items, {len(snapshot.folders)} folders, "
                    f"{len(snapshot.explores)} explores in {snapshot.requests} requests"
                )
        if bigquery:
            from handbook.curated.sources import load_sources
            from handbook.freshness.bigquery import check_freshness

            try:
                freshness = check_freshness(load_sources(project), progress=progress)
            except PullError as exc:
                result.failures.append(_record_failure(project, "bigquery", exc))
            else:
                save(project.freshness_snapshot, freshness)
                project.attempt_file("bigquery").unlink(missing_ok=True)
                failed = sum(t.error is not None for t in freshness.tables)
                result.messages.append(
                    f"bigquery: {len(freshness.tables)} tables checked, {failed} runtime error(s)"
                )
    for line in result.messages:
        if verbose:
            print(line)
        log.info(line)
    return result
