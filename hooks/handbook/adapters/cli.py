"""The `handbook` command: refresh the snapshot, validate the catalog, write the generated
pages or a dbt exposures file, check Looker links, measure a built site against GitHub Pages'
limit, write the catalog YAML's JSON Schemas.

Every subcommand is one `Command` in `COMMANDS`: its name, help, the function that declares its
options and the handler that runs it, here and nowhere else; `build_parser` only loops over
them. A handler turns parsed options into a call of the package's tested functions, prints
what they report and returns the exit code. User mistakes (`CatalogError`) become
`file:line: message` on stderr and exit code 1, never a traceback; faults outside our control
are reported the same way by the modules that meet them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from handbook import __version__
from handbook.errors import CatalogError
from handbook.project import Project


@dataclass(frozen=True)
class Command:
    """One `handbook` subcommand, as `handbook --help` and `handbook NAME --help` show it.

    `arguments` adds its options to the subcommand's parser; `run` gets the parsed options and
    the handbook (None when `needs_project` is false: it works on a built site, not a
    handbook) and returns the exit code.
    """

    name: str
    help: str
    description: str | None
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Any], int]
    needs_project: bool = True


def _refresh_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--only", choices=["looker", "bigquery"], help="pull just one of the two")


def _refresh(args: argparse.Namespace, project: Project) -> int:
    from handbook.refresh import refresh
    from handbook.settings import load_settings, not_configured

    settings = load_settings()
    wanted = [args.only] if args.only else ["looker", "bigquery"]
    missing = {source: settings.missing(source) for source in wanted}
    ready = [source for source in wanted if not missing[source]]
    for source in wanted:
        if missing[source]:
            level = "warning" if ready else "error"
            text = not_configured(source, missing[source], settings.looker_ini)
            print(f"{level}: {text}", file=sys.stderr)
    if not ready:
        # Not a failed pull: nothing was tried, so nothing is recorded and no page changes.
        print("nothing was pulled; the snapshots and pages are as they were", file=sys.stderr)
        return 2
    result = refresh(project, looker="looker" in ready, bigquery="bigquery" in ready, verbose=True)
    for line in result.messages:
        print(line)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for failure in result.failures:
        print(f"error: {failure}", file=sys.stderr)
    if result.failures:
        print(
            "the last good data was kept where the pull failed; pages will say so",
            file=sys.stderr,
        )
    return 1 if result.failures else 0


def _validate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="json: every problem as an object on stdout (file, line, severity, message, "
        "hint, publishable = gone from Looker, which a plain build publishes)",
    )


def _validate(args: argparse.Namespace, project: Project) -> int:
    from handbook.validate import validate_project

    problems = validate_project(project)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if args.format == "json":  # for the nightly stale-links report; same exit codes
        print(json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False))
        return 1 if errors else 0
    for problem in problems:
        print(problem, file=sys.stderr)
    if errors:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
        return 1
    print(f"catalog is valid ({warnings} warning(s))")
    return 0


def _generate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--pages-dir",
        default="",
        help="folder below docs/ for the pages (default: docs/ itself, the MkDocs plugin's URLs)",
    )
    p.add_argument(
        "--no-directory-urls",
        action="store_true",
        help="the site sets `use_directory_urls: false` (pages at metrics/mau.html)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="also refuse (write nothing) on what a plain build publishes with a warning: "
        "[[…]] references that do not resolve, curated YAML naming content gone from Looker",
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help="keep running: write the pages again after any change under catalog/ (looked "
        "at twice a second; beside `zensical serve`); a YAML error keeps the last good pages; "
        "Ctrl-C stops",
    )
    p.add_argument(
        "--site-url",
        type=_http_url,
        metavar="URL",
        help="the site's address, for the Atom feed of Looker changes (default: site_url "
        "in mkdocs.yml; without one no feed is written)",
    )


def _http_url(value: str) -> str:
    """An http(s) URL with a host, for --site-url (argparse names the option on error)."""
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(
            f"must be an http(s) URL, e.g. https://example.com/ (got {value!r})"
        )
    return value


def _generate(args: argparse.Namespace, project: Project) -> int:
    from handbook.adapters.site_config import site_settings
    from handbook.generate.run import generate_once

    if args.no_directory_urls:  # links in raw HTML (the lineage SVG) are built for it
        project = replace(project, directory_urls=False)
    # The Atom feed's absolute links: the site's address from mkdocs.yml or --site-url.
    site_url, site_name = site_settings(project.root / "mkdocs.yml")
    pages_dir = args.pages_dir.strip("/")
    project = replace(
        project, pages_dir=pages_dir, site_url=args.site_url or site_url, site_name=site_name
    )
    if args.watch:
        from handbook.generate.watch import timestamp, watch

        def report(outcome: Any, first: bool) -> None:
            what = "generated" if first else "catalog changed"
            _report_generate(outcome, project, f"{timestamp()} {what}: ")

        return watch(project, pages_dir, report, strict=args.strict)
    return _report_generate(generate_once(project, pages_dir, strict=args.strict), project, "")


def _report_generate(outcome: Any, project: Project, prefix: str) -> int:
    """Print a run's problems and what it wrote; the exit code (1: nothing was written)."""
    for problem in [*outcome.warnings, *outcome.errors]:
        print(problem, file=sys.stderr)
    installed = outcome.installed
    if installed is None:
        if outcome.stopped:
            print(f"{prefix}the run stopped part-way; fix the error above", file=sys.stderr)
            return 1
        kept = "; the pages from the last good run stay" if prefix else ""
        print(f"{prefix}nothing was written; fix the errors above{kept}", file=sys.stderr)
        return 1
    for path in installed.kept:
        print(
            f"kept {project.relative(path)}: no longer generated, but changed since "
            "`handbook generate` wrote it, so it is yours now",
            file=sys.stderr,
        )
    docs = project.relative(project.docs_dir)
    print(
        f"{prefix}wrote {len(installed.written)} generated files below {docs}/ "
        f"({len(installed.unchanged)} unchanged, {len(installed.removed)} removed)",
        flush=True,
    )
    return 0


def _export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--dbt-exposures",
        metavar="PATH",
        required=True,
        help="the YAML file to write, relative to the current folder",
    )


def _export(args: argparse.Namespace, project: Project) -> int:
    from pathlib import Path

    from handbook.catalog import load_catalog
    from handbook.dbt.exposures import write_exposures

    path = Path(args.dbt_exposures).expanduser().resolve()
    count = write_exposures(load_catalog(project), path)
    print(f"wrote {count} dbt exposures to {path}")
    return 0


def _check_links_arguments(p: argparse.ArgumentParser) -> None:
    from pathlib import Path

    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        type=Path,
        help="Markdown files or folders (default: docs/)",
    )
    p.add_argument(
        "--format",
        choices=["text", "json", "github", "markdown"],
        default="text",
        help="output format (markdown: the nightly stale-links issue's body)",
    )
    p.add_argument(
        "--blob-url",
        metavar="URL",
        help="markdown format: link each line to URL/<file>#L<line> (the repository at a commit)",
    )
    p.add_argument(
        "--live",
        action="store_true",
        help="ask Looker about every look, dashboard and board (batched) instead of the snapshot",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="also list links to Looker's documentation (docs.looker.com, "
        "cloud.google.com/looker), with why they are not checked; never annotated",
    )
    p.add_argument(
        "--changed-since",
        metavar="BASE",
        help="list links that cannot be judged only on lines added since the git revision "
        "BASE (git diff -U0 BASE; untracked files count as added); stale links are listed "
        "wherever they are. For pull requests: the base branch's commit",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="text format: list ok links too")


def _check_links(args: argparse.Namespace, project: Project) -> int:
    from handbook.links.cli import run_check_links

    return run_check_links(
        project,
        args.paths,
        output=args.format,
        blob_url=args.blob_url,
        live=args.live,
        list_all=args.all,
        changed_since=args.changed_since,
        verbose=args.verbose,
    )


def _site_size_arguments(p: argparse.ArgumentParser) -> None:
    from handbook.site_size import PAGES_LIMIT

    p.add_argument("site_dir", nargs="?", default="site", help="the built site (default: site)")
    p.add_argument(
        "--limit",
        type=_size_limit,
        default=PAGES_LIMIT,
        help=f"the most the site may take, e.g. 1GB, 500MB, 1GiB (default: {PAGES_LIMIT}, "
        "GitHub Pages' limit; GB = 10^9 bytes)",
    )
    p.add_argument("--top", type=int, default=8, help="largest folders to list (default: 8)")
    p.add_argument(
        "--format",
        choices=["text", "github"],
        default="text",
        help="github: also an error annotation when over the limit",
    )


def _size_limit(text: str) -> int:
    from handbook.site_size import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _site_size(args: argparse.Namespace, project: None) -> int:
    from pathlib import Path

    from handbook.site_size import measure, over_limit_message, report

    root = Path(args.site_dir)
    if not root.is_dir():
        print(f"error: {args.site_dir}: no such folder; build the site first", file=sys.stderr)
        return 2
    size = measure(root)
    for line in report(size, args.limit, args.top):
        print(line)
    if size.total <= args.limit:
        return 0
    message = over_limit_message(size, args.limit)
    if args.format == "github":  # an error annotation on the run's summary page
        print(f"::error title=Site too large for GitHub Pages::{message}")
    print(f"error: {message}", file=sys.stderr)
    return 1


def _schemas_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; list the schema files that are missing or differ from the "
        "models and exit 1 if there are any (for CI)",
    )


def _schemas(args: argparse.Namespace, project: Project) -> int:
    from handbook.curated.schemas import stale_schemas, write_schemas

    stale = stale_schemas(project)
    if not args.check:
        write_schemas(stale)
    verb = "stale (run `handbook schemas`)" if args.check else "written"
    for path in stale:
        print(f"{project.relative(path)}: {verb}")
    return 1 if stale and args.check else 0


COMMANDS: tuple[Command, ...] = (
    Command(
        name="refresh",
        help="pull Looker content and BigQuery freshness into catalog/snapshot/",
        description=(
            "Pull the Looker content catalog (looker-sdk credentials: LOOKERSDK_BASE_URL, "
            "LOOKERSDK_CLIENT_ID, LOOKERSDK_CLIENT_SECRET or looker.ini) and check BigQuery "
            "freshness (ADC / GOOGLE_CLOUD_PROJECT, or HANDBOOK_BIGQUERY_ENDPOINT). Each "
            "snapshot is replaced atomically; a failed pull keeps the old one. A source with "
            "no credentials is not pulled and nothing is recorded for it; with none of the "
            "sources asked for configured, the command exits 2. One pull of a source runs at "
            "a time: a second waits up to HANDBOOK_PULL_WAIT seconds."
        ),
        arguments=_refresh_arguments,
        run=_refresh,
    ),
    Command(
        name="validate",
        help="check metric, source and report YAML against each other and the snapshot",
        description=None,
        arguments=_validate_arguments,
        run=_validate,
    ),
    Command(
        name="generate",
        help="validate, then write every generated page as Markdown below docs/ (for Zensical)",
        description=(
            "For engines without plugins (Zensical): validate the catalog, then write the "
            "generated pages, their stylesheet, script and catalog.json below docs/ "
            "(git-ignored), rewriting only files whose text changed. Files of yours are never "
            "replaced or deleted: a generated page in the way of one is refused and nothing is "
            "written. Build with `markdown_extensions: [handbook.refs]` in mkdocs.yml so "
            "references resolve."
        ),
        arguments=_generate_arguments,
        run=_generate,
    ),
    Command(
        name="export",
        help="write the catalog for another tool: a dbt exposures file of the notable reports",
        description=(
            "Write a dbt `exposures:` YAML file for the looks and dashboards in "
            "catalog/reports.yml (type, URL, owner, and depends_on the dbt sources of the "
            "metrics on their explores), so `dbt docs` shows which dashboards a source feeds. "
            "Put it in the dbt project (e.g. models/handbook_exposures.yml). Only a file this "
            "command wrote is ever replaced."
        ),
        arguments=_export_arguments,
        run=_export,
    ),
    Command(
        name="check-links",
        help="find Looker links in Markdown that point at deleted, missing or excluded content",
        description=(
            "Report Looker links in Markdown that point at deleted, missing or excluded "
            "content (exit 1), resolved against catalog/snapshot/looker.json. Links in code "
            "blocks and inline code are examples and are not checked; links to Looker's "
            "documentation are not links to the instance and are listed only with --all."
        ),
        arguments=_check_links_arguments,
        run=_check_links,
    ),
    Command(
        name="site-size",
        help="how big a built site is; exit 1 when it is over GitHub Pages' 1 GB",
        description=(
            "Measure a built site as the GitHub Pages artifact (a tar) holds it, print its "
            "size and largest folders, and exit 1 when it is over --limit. Needs no catalog."
        ),
        arguments=_site_size_arguments,
        run=_site_size,
        needs_project=False,
    ),
    Command(
        name="schemas",
        help="write the JSON Schemas of the catalog YAML to catalog/schemas/ (for editors)",
        description=(
            "Write the JSON Schemas of the catalog YAML files (metrics/*.yml, sources/*.yml, "
            "reports.yml, looker.yml, dbt.yml) to catalog/schemas/, generated from the models "
            "`handbook validate` reads them with; only files that are missing or differ are "
            "written, and each is listed. Editors with the YAML language server read them "
            "through the `# yaml-language-server: $schema=…` line at the top of each file. "
            "Run it after changing a model."
        ),
        arguments=_schemas_arguments,
        run=_schemas,
    ),
)


def build_parser() -> argparse.ArgumentParser:
    """The `handbook` parser: the global options, then one subparser per `COMMANDS` entry."""
    parser = argparse.ArgumentParser(
        prog="handbook",
        description=(
            "Tools for the Data & Analytics handbook. Build the site with `mkdocs build`; "
            "these commands keep its catalog honest."
        ),
    )
    parser.add_argument("--version", action="version", version=f"handbook {__version__}")
    parser.add_argument("--root", help="the handbook folder (default: nearest with mkdocs.yml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.description)
        command.arguments(p)
        p.set_defaults(func=command.run, needs_project=command.needs_project)
    return parser


def _project(args: argparse.Namespace) -> Project | str:
    """The handbook to work on, or why there is none (a usage error: exit 2)."""
    from pathlib import Path

    if not args.root:
        return Project.locate() or (
            f"{Path.cwd()} is not inside a handbook: no mkdocs.yml with a catalog/ folder "
            "beside it here or in any folder above; run `handbook` in the handbook's folder "
            "or pass --root PATH"
        )
    root = Path(args.root).expanduser()
    if not root.is_dir():
        return (
            f"--root {args.root}: no such folder; give the folder that holds mkdocs.yml "
            "(or leave --root out to use the nearest one)"
        )
    return Project(root.resolve())


def main(argv: Sequence[str] | None = None) -> int:
    from handbook.settings import SettingsError, load_settings

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        load_settings()  # every wrong environment setting, named, before any work
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not args.needs_project:  # works on a built site, not a handbook
        return int(args.func(args, None) or 0)
    project = _project(args)
    if isinstance(project, str):
        print(f"error: {project}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, project) or 0)
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; snapshots were not changed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
