"""`handbook check-links`: Looker links in the handbook that no longer lead anywhere useful.

A handbook page that links to a deleted look, a dashboard that never existed, or content in
a restricted folder sends readers to an error page (or shows them something they may not
share). `linkscan` finds the URLs; this module decides each one's status and reports it:

- `ok`: the snapshot has it, published;
- `deleted`: it is in Looker's trash;
- `missing`: Looker does not know it (never existed, or purged from the trash);
- `excluded`: it lives in a folder the publishing policy holds back (`catalog/looker.yml`,
  personal folders);
- `unverifiable`: the snapshot cannot say (a short link `/x/…`, the instance's home page,
  `/browse`, a LookML project, merged results, …), with the reason; never stale.

Links to Looker's documentation (`docs.looker.com`, `cloud.google.com/looker/…`) are not
links to the instance: they are kept apart (`CheckReport.documentation`) and listed only on
request (`--all`). With `--changed-since`, links that cannot be judged are listed only on
lines the change added; stale links are listed wherever they are.

Looks, dashboards and boards are told apart by `policy.standing`, the rule the build's
reference check uses too; `linkscan` documents every URL shape and the kind it maps to.

The first three are *stale* and fail the check (exit 1). By default the answer comes from the
committed snapshot, so the check runs offline in CI in well under a second. `--live` asks
Looker about every look, dashboard and board id instead, in a few batched searches and one
board listing for the whole run (never one request per URL or per board); folders and
explores still come from the snapshot.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from handbook.curated.policy import (
    PUBLISHED,
    LookerPolicy,
    PublishedView,
    apply_policy,
    load_policy,
    standing,
)
from handbook.links.changed_lines import ChangedLines
from handbook.markdown.linkscan import (
    BOARD,
    DASHBOARD,
    EXPLORE,
    FOLDER,
    LOOK,
    PAGE,
    FoundLink,
    HostMatcher,
    scan_text,
)
from handbook.project import Project
from handbook.snapshot.model import LookerBoard, LookerFolder, LookerItem, LookerSnapshot
from handbook.snapshot.store import load

OK, DELETED, MISSING, EXCLUDED, UNVERIFIABLE = (
    "ok",
    "deleted",
    "missing",
    "excluded",
    "unverifiable",
)
STALE = frozenset({DELETED, MISSING, EXCLUDED})
STATUSES = (OK, DELETED, MISSING, EXCLUDED, UNVERIFIABLE)

_NO_SNAPSHOT = "there is no Looker snapshot; run `handbook refresh`"

# verify_ids' shape: ids by kind in, known looks, dashboards and boards (deleted ones too)
# and a request count out.
LiveAnswers = dict[tuple[str, str], LookerItem | LookerBoard]
Verifier = Callable[[dict[str, set[str]]], tuple[LiveAnswers, int]]
LIVE_KINDS = (LOOK, DASHBOARD, BOARD)


@dataclass(frozen=True)
class LinkResult:
    """One Looker URL with its verdict; the JSON output is exactly these fields."""

    file: str
    line: int
    column: int
    url: str
    kind: str
    id: str
    status: str
    title: str | None = None
    reason: str | None = None
    syntax: str = ""  # inline, reference, autolink, bare or html

    @property
    def stale(self) -> bool:
        return self.status in STALE


@dataclass
class CheckReport:
    results: list[LinkResult] = field(default_factory=list)  # links to the instance
    files: int = 0
    live_requests: int | None = None  # set when --live asked Looker
    documentation: list[LinkResult] = field(default_factory=list)  # to Looker's docs
    # What the formats list: `--all` adds the documentation links; `--changed-since` keeps
    # links that cannot be judged only where they are on an added line.
    list_documentation: bool = False
    changed: ChangedLines | None = None

    @property
    def stale(self) -> list[LinkResult]:
        return [r for r in self.results if r.stale]

    def listed(self, *, documentation: bool = True) -> list[LinkResult]:
        """The links the output formats show (ok ones too; text hides them unless -v);
        the documentation links only with `list_documentation` and `documentation`."""
        changed = self.changed
        shown = [
            r
            for r in self.results
            if r.status != UNVERIFIABLE or changed is None or (r.file, r.line) in changed
        ]
        extra = self.documentation if self.list_documentation and documentation else []
        return shown + extra

    def summary(self) -> str:
        counts = Counter(r.status for r in self.results)
        parts = ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])
        text = f"{len(self.results)} Looker link(s) in {self.files} file(s)"
        if parts:
            text += f": {parts}"
        if self.live_requests is not None:
            text += (
                f" (looks, dashboards and boards verified live in {self.live_requests} request(s))"
            )
        listed = self.listed(documentation=False)
        unlisted = counts[UNVERIFIABLE] - sum(r.status == UNVERIFIABLE for r in listed)
        if unlisted:
            text += f"; {unlisted} unverifiable on unchanged lines not listed"
        if self.documentation:
            n = len(self.documentation)
            text += f"; {n} link(s) to Looker's documentation, not checked"
            text += "" if self.list_documentation else " (--all lists them)"
        return text


class Resolver:
    """Statuses from the snapshot with the publishing policy applied, plus live answers.

    `live` (when given) holds what Looker said about every look, dashboard and board id in
    the run; for those kinds it replaces the snapshot, since the point of --live is to catch
    content deleted or restored after the last pull.
    """

    def __init__(
        self,
        view: PublishedView | None,
        policy: LookerPolicy,
        live: LiveAnswers | None = None,
        *,
        folders: Iterable[LookerFolder] = (),
    ) -> None:
        self.view = view
        self.live = live
        snapshot = view.snapshot if view else None
        # The published view drops held-back folders; `folders` is the whole pull's list,
        # so an excluded folder can still be named in the report.
        self.all_folders = {f.id: f for f in folders}
        self.explores = {f"{e.model}/{e.name}": e for e in snapshot.explores} if snapshot else {}
        self.excluded_folders = set(policy.exclude_folders) | (
            view.excluded_folder_ids if view else set()
        )
        self.excluded_boards = set(policy.exclude_boards)

    def resolve(self, link: FoundLink) -> tuple[str, str | None, str | None]:
        """(status, title, reason) for one link."""
        kind, item_id = link.kind, link.id
        if kind == PAGE:
            return UNVERIFIABLE, None, link.reason
        if kind in LIVE_KINDS and self.live is not None:
            item = self.live.get((kind, item_id))
            found = standing(item, self.excluded_folders, self.excluded_boards)
            return _status(found), item.title if item else None, None
        if self.view is None:
            return UNVERIFIABLE, None, _NO_SNAPSHOT
        if kind in (LOOK, DASHBOARD, BOARD):
            found, content = self.view.lookup(kind, item_id)
            return _status(found), content.title if content else None, None
        if kind == FOLDER:
            folder = self.all_folders.get(item_id)
            title = folder.name if folder else None
            if item_id in self.excluded_folders:
                return EXCLUDED, title, None
            return (OK, title, None) if folder else (MISSING, None, None)
        if kind == EXPLORE:
            explore = self.explores.get(item_id)
            if explore is None:
                return MISSING, None, None
            return OK, explore.label or explore.name, None
        return UNVERIFIABLE, None, f"unknown kind {kind!r}"


def _status(found: str) -> str:
    """`policy.standing` in this check's words: deleted, excluded and missing are the same."""
    return OK if found == PUBLISHED else found


def markdown_files(paths: Iterable[Path]) -> list[Path]:
    """Files named on the command line as given; folders searched for `*.md`, sorted.

    Each argument is resolved once (not each file found under it): on a thousand-page
    handbook per-file `resolve()` calls cost more than scanning the files.
    """
    out: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            # Sorted by their text: comparing Path objects costs more than reading the files.
            for found in sorted(path.resolve().rglob("*.md"), key=str):
                if found.is_file():
                    out.setdefault(found)
        elif path.is_file():
            out.setdefault(path.resolve())
        else:
            raise FileNotFoundError(path)
    return list(out)


def load_view(
    project: Project,
) -> tuple[LookerPolicy, LookerSnapshot | None, PublishedView | None]:
    """The policy, the raw snapshot, and the snapshot as `load_catalog` publishes it.

    Read directly rather than through `load_catalog` so that a typo in a metric's YAML
    (which `handbook validate` reports) does not stop the link check from running.
    """
    policy = load_policy(project.looker_policy, project.relative(project.looker_policy))
    snapshot = load(project.looker_snapshot, LookerSnapshot)
    return policy, snapshot, (apply_policy(snapshot, policy) if snapshot else None)


def scan_files(files: Sequence[Path], matcher: HostMatcher) -> list[tuple[Path, FoundLink]]:
    found: list[tuple[Path, FoundLink]] = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        found.extend((path, link) for link in scan_text(text, matcher))
    return found


def check_links(
    project: Project,
    paths: Sequence[Path] | None = None,
    *,
    verify: Verifier | None = None,
) -> CheckReport:
    """Scan `paths` (default: docs/) and resolve every Looker link.

    With `verify` (`looker.verify.verify_ids` in --live), all look, dashboard and board ids of
    the whole run are sent to it in one call, so the request count depends on the number of
    distinct ids and the batch size, never on the number of URLs.
    """
    policy, snapshot, view = load_view(project)
    files = markdown_files(paths or [project.docs_dir])
    base_url = view.snapshot.base_url if view else policy.base_url
    found = scan_files(files, HostMatcher(base_url))

    live, requests = None, None
    if verify is not None:
        ids: dict[str, set[str]] = {kind: set() for kind in LIVE_KINDS}
        for _, link in found:
            if link.kind in ids:
                ids[link.kind].add(link.id)
        if any(ids.values()):
            live, requests = verify(ids)
        else:
            live, requests = {}, 0
    resolver = Resolver(view, policy, live, folders=snapshot.folders if snapshot else ())
    shown = _display_names(project, files)
    results, documentation = [], []
    for path, link in found:
        status, title, reason = resolver.resolve(link)
        (results if link.instance else documentation).append(
            LinkResult(
                shown[path],
                link.line,
                link.column,
                link.url,
                link.kind,
                link.id,
                status,
                title,
                reason,
                link.syntax,
            )
        )
    return CheckReport(results, len(files), requests, documentation)


def _display_names(project: Project, files: Sequence[Path]) -> dict[Path, str]:
    """Paths as users see them: relative to the handbook root when inside it.

    The root is resolved once; the files are already resolved by `markdown_files`.
    """
    root = project.root.resolve()
    out = {}
    for path in files:
        try:
            out[path] = path.relative_to(root).as_posix()
        except ValueError:
            out[path] = str(path)
    return out


# --- Output ----------------------------------------------------------------------------------
def format_text(report: CheckReport, *, verbose: bool = False) -> str:
    """`file:line:col: status kind id url — title`, problems only unless `verbose`."""
    lines = []
    for r in report.listed():
        if r.status == OK and not verbose:
            continue
        text = f"{r.file}:{r.line}:{r.column}: {r.status} {r.kind} {r.id} {r.url}"
        if r.title:
            text += f" — {r.title}"
        if r.reason:
            text += f" ({r.reason})"
        lines.append(text)
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def format_json(report: CheckReport) -> str:
    return json.dumps([asdict(r) for r in report.listed()], indent=2, ensure_ascii=False) + "\n"


def _gh_escape(text: str, *, prop: bool = False) -> str:
    """GitHub workflow-command escaping; properties also escape `:` and `,`."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(report: CheckReport) -> str:
    """Annotations on the pull request's diff: an error for each stale link, a warning for
    each link to the instance that cannot be judged (with `--changed-since`, only on added
    lines). Links to Looker's documentation are never annotated, even with `--all`."""
    lines = []
    for r in report.listed(documentation=False):
        if r.status == OK:
            continue
        level = "error" if r.stale else "warning"
        message = f"{r.status} Looker {r.kind} {r.id}: {r.url}"
        if r.title:
            message += f" — {r.title}"
        if r.reason:
            message += f" ({r.reason})"
        where = f"file={_gh_escape(r.file, prop=True)},line={r.line},col={r.column}"
        lines.append(f"::{level} {where}::{_gh_escape(message)}")
    return "".join(line + "\n" for line in lines)
