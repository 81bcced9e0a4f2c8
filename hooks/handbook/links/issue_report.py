"""`handbook check-links --format markdown`: the body of the nightly "stale links" issue.

Per file, each stale link with its line (a link to that line of the file when `blob_url`
is given), its status, the URL and the item's title; then the links the snapshot could not
judge, each with the reason. Everything from a page or from Looker is shown as inline code,
so a title cannot inject Markdown, links or @-mentions into the issue, and a `|` cannot
break the table. Titles of content held back by the publishing policy are not shown: the
issue may be as public as the repository, and such titles must not leave Looker.

GitHub caps an issue body at 65,536 characters; rows past `max_chars` are counted, not
listed, and the run's JSON artifact has them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from handbook.links.check import EXCLUDED, UNVERIFIABLE, CheckReport, LinkResult

MAX_CHARS = 60_000
WITHHELD = "(title withheld: excluded from publishing)"


def code(text: object) -> str:
    """Inline code that survives a GFM table cell and cannot hold a backtick run."""
    value = str(text).replace("`", "'").replace("\n", " ").replace("|", "\\|")
    return f"`{value}`"


def _line(result: LinkResult, blob_url: str | None) -> str:
    if not blob_url:
        return str(result.line)
    target = f"{blob_url.rstrip('/')}/{quote(result.file)}#L{result.line}"
    return f"[{result.line}]({target})"


def _title(result: LinkResult) -> str:
    if result.status == EXCLUDED:
        return WITHHELD
    return code(result.title) if result.title else "—"


def _by_file(results: Iterable[LinkResult]) -> dict[str, list[LinkResult]]:
    files: dict[str, list[LinkResult]] = {}
    for r in results:
        files.setdefault(r.file, []).append(r)
    return files


def _stale_rows(report: CheckReport, blob_url: str | None) -> list[str]:
    rows: list[str] = []
    for file, results in _by_file(report.stale).items():
        rows += ["", f"### {code(file)}", "", "| Line | Status | Link | Looker title |"]
        rows.append("| ---: | --- | --- | --- |")
        for r in results:
            what = f"{r.status} {r.kind} {code(r.id)}"
            rows.append(f"| {_line(r, blob_url)} | {what} | {code(r.url)} | {_title(r)} |")
    return rows


def _unjudged_rows(report: CheckReport, blob_url: str | None) -> list[str]:
    unjudged = [r for r in report.listed() if r.status == UNVERIFIABLE]
    if not unjudged:
        return []
    rows = [
        "",
        f"## Links that could not be judged ({len(unjudged)})",
        "",
        "These are never counted as stale; check them by hand if they matter.",
        "",
        "| File | Line | Link | Why |",
        "| --- | ---: | --- | --- |",
    ]
    for r in unjudged:
        rows.append(
            f"| {code(r.file)} | {_line(r, blob_url)} | {code(r.url)} | {code(r.reason or '')} |"
        )
    return rows


def format_markdown(
    report: CheckReport, *, blob_url: str | None = None, max_chars: int = MAX_CHARS
) -> str:
    """The issue body: stale links per file, then the links that could not be judged."""
    stale = report.stale
    files = len({r.file for r in stale})
    head = [
        f"The nightly check found **{len(stale)}** stale Looker link(s) in {files} file(s).",
        "",
        "Fix or remove each link below. This issue is rewritten by every nightly run and "
        "closed when no stale link remains.",
        "",
        f"Summary: {report.summary()}.",
    ]
    if stale:
        head += ["", "## Stale links"]
    out: list[str] = []
    size = sum(len(line) + 1 for line in head)
    body = _stale_rows(report, blob_url) + _unjudged_rows(report, blob_url)
    for n, line in enumerate(body):
        if size + len(line) + 1 > max_chars:
            rest = sum(1 for x in body[n:] if x.startswith("| ") and not x.startswith("| -"))
            out += ["", f"… and {rest} more row(s); see the run's `stale-links` artifact."]
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(head + out) + "\n"
