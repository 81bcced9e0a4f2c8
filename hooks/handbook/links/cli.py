"""`handbook check-links`: arguments, output format and exit code, over `links.check`.

Kept apart from the check itself so the report formats (`check`, `issue_report`) depend on
the check and the command depends on them all, with no cycle between them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from handbook.errors import CatalogError, PullError
from handbook.links.changed_lines import ChangedLinesError, changed_since
from handbook.links.check import (
    Verifier,
    check_links,
    format_github,
    format_json,
    format_text,
)
from handbook.links.issue_report import format_markdown
from handbook.project import Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Report Looker links in Markdown that point at deleted, missing or excluded content "
        "(exit 1), resolved against catalog/snapshot/looker.json. Links in code blocks and "
        "inline code are examples and are not checked; links to Looker's documentation are "
        "not links to the instance and are listed only with --all."
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        type=Path,
        help="Markdown files or folders (default: docs/)",
    )
    parser.add_argument(
        "--format",
        choices=["text", "json", "github", "markdown"],
        default="text",
        help="output format (markdown: the nightly stale-links issue's body)",
    )
    parser.add_argument(
        "--blob-url",
        metavar="URL",
        help="markdown format: link each line to URL/<file>#L<line> (the repository at a commit)",
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="ask Looker about every look, dashboard and board (batched) instead of the snapshot",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="also list links to Looker's documentation (docs.looker.com, "
        "cloud.google.com/looker), with why they are not checked; never annotated",
    )
    parser.add_argument(
        "--changed-since",
        metavar="BASE",
        help="list links that cannot be judged only on lines added since the git revision "
        "BASE (git diff -U0 BASE; untracked files count as added); stale links are listed "
        "wherever they are. For pull requests: the base branch's commit",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="text format: list ok links too"
    )


def _live_verifier() -> Verifier:
    from handbook.looker.verify import verify_ids

    return lambda ids: verify_ids(ids)


def run_cli(args: argparse.Namespace, project: Project) -> int:
    """Exit 0 when no link is stale, 1 when one is, 2 when the check itself could not run."""
    paths = [p if p.is_absolute() else Path.cwd() / p for p in args.paths]
    try:
        report = check_links(project, paths or None, verify=_live_verifier() if args.live else None)
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
    report.list_documentation = args.all
    if args.changed_since is not None:
        try:
            report.changed = changed_since(project.root, args.changed_since)
        except ChangedLinesError as exc:
            print(f"error: --changed-since {args.changed_since}: {exc}", file=sys.stderr)
            return 2
    if report.live_requests is None and not _has_snapshot(project):
        print(
            "warning: no Looker snapshot at "
            f"{project.relative(project.looker_snapshot)}; run `handbook refresh`",
            file=sys.stderr,
        )
    if args.format == "json":
        sys.stdout.write(format_json(report))
    elif args.format == "github":
        sys.stdout.write(format_github(report))
    elif args.format == "markdown":
        sys.stdout.write(format_markdown(report, blob_url=args.blob_url))
    else:
        sys.stdout.write(format_text(report, verbose=args.verbose))
    return 1 if report.stale else 0


def _has_snapshot(project: Project) -> bool:
    return project.looker_snapshot.is_file()
