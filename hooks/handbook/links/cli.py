"""`handbook check-links`: the check run, its report in the chosen format, the exit code.

Its options are declared with every other subcommand's in `handbook.adapters.cli`, which
calls `run_check_links` with them. Kept apart from the check itself so the report formats
(`check`, `issue_report`) depend on the check and the command depends on them all, with no
cycle between them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from handbook.errors import CatalogError, PullError
from handbook.links import changed_lines
from handbook.links.check import (
    Verifier,
    check_links,
    format_github,
    format_json,
    format_text,
)
from handbook.links.issue_report import format_markdown
from handbook.project import Project


def _live_verifier() -> Verifier:
    from handbook.looker.verify import verify_ids

    return lambda ids: verify_ids(ids)


def run_check_links(
    project: Project,
    paths: Sequence[Path],
    *,
    output: str = "text",
    blob_url: str | None = None,
    live: bool = False,
    list_all: bool = False,
    changed_since: str | None = None,
    verbose: bool = False,
) -> int:
    """Check the Looker links in `paths` (relative to the current folder; none given:
    docs/) and write the report to stdout as `output` (text, json, github or markdown); each
    keyword is the check-links option of that name (`list_all` is --all). Exit 0 when no
    link is stale, 1 when one is, 2 when the check itself could not run."""
    paths = [p if p.is_absolute() else Path.cwd() / p for p in paths]
    try:
        report = check_links(project, paths or None, verify=_live_verifier() if live else None)
    except FileNotFoundError as exc:
        print(f"error: no such file or folder: {exc.args[0]}", file=sys.stderr)
        return 2
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return 2
    except PullError as exc:
        print(f"error: the live check could not ask Looker: {exc}", file=sys.stderr)
        print("run without --live to check against the snapshot", file=sys.stderr)
        return 2
    report.list_documentation = list_all
    if changed_since is not None:
        try:
            report.changed = changed_lines.changed_since(project.root, changed_since)
        except changed_lines.ChangedLinesError as exc:
            print(f"error: --changed-since {changed_since}: {exc}", file=sys.stderr)
            return 2
    if report.live_requests is None and not _has_snapshot(project):
        print(
            "warning: no Looker snapshot at "
            f"{project.relative(project.looker_snapshot)}; run `handbook refresh`",
            file=sys.stderr,
        )
    if output == "json":
        sys.stdout.write(format_json(report))
    elif output == "github":
        sys.stdout.write(format_github(report))
    elif output == "markdown":
        sys.stdout.write(format_markdown(report, blob_url=blob_url))
    else:
        sys.stdout.write(format_text(report, verbose=verbose))
    return 1 if report.stale else 0


def _has_snapshot(project: Project) -> bool:
    return project.looker_snapshot.is_file()
