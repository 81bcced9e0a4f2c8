"""Catalog references typed in handbook Markdown, resolved against a build's catalog.

Analysts write what they mean, not a URL that will rot::

    [[metric:mau]]                      the metric's page, with its status badge
    [[look:729]]                        the look, titled as it is in Looker today
    [[dashboard:177]]                   a dashboard by numeric id
    [[dashboard:product::executive_summary]]   a LookML dashboard (model::name)
    [[board:12]]                        a board, titled as in Looker today
    [[dashboard:177?Organization=Uber&Created+Date=90+day|Uber tickets]]
                                        a look, dashboard or board link that keeps
                                        Looker's query string (filters, toggles)
    [[freshness:hubspot]]               the source's freshness badge and age
    [[look:729|Monthly users]]          any of the above with your own link text

This module is plain data and no engine: `parse_reference` reads one reference (the one pure
parser of the syntax), `parse` applies it to a pattern match, `resolve` looks it up
and answers with a `Resolved` (what to show and where to link) or an `Unresolved` (what is
wrong and how to fix it). Which text is a reference at all (not code) is decided by the
Markdown parser, in `markdown.refs_extension`; how a resolved reference looks is
`render.references`. A reference that does not resolve (unknown metric or source; look or
dashboard missing, deleted or in an excluded folder) is shown as plain text: a page never
links to content readers may not see.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

from handbook.render.addresses import FRESHNESS_BOARD, item_entry, metric_page, relative_path
from handbook.suggest import did_you_mean

if TYPE_CHECKING:
    from handbook.catalog import Catalog
    from handbook.freshness.rules import SourceStatus
    from handbook.snapshot.model import ContentError

# One reference; `[^\]|\n]` keeps a match inside one line and out of neighbouring brackets.
REFERENCE = re.compile(r"\[\[(?P<kind>[a-z_]+):(?P<target>[^\]|\n]*)(?:\|(?P<label>[^\]\n]*))?\]\]")
KINDS = ("metric", "look", "dashboard", "board", "freshness")
KINDS_HINT = (
    "write [[metric:NAME]], [[look:ID]], [[dashboard:ID]], [[board:ID]] or [[freshness:SOURCE]]"
)
# Kinds whose link goes to Looker, so a Looker query string can ride along.
_QUERY_KINDS = ("look", "dashboard", "board")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_QUERY_SAFE = "!$&'()*+,;=:@/?%-._~[]"


class ReferenceSyntaxError(ValueError):
    """A reference that cannot be read; `args` are (what is wrong, what to do)."""


@dataclass(frozen=True)
class RefTarget:
    """What one `[[kind:id?query|label]]` asks for; `query` has no leading `?`."""

    kind: str
    id: str
    query: str = ""
    label: str | None = None


@dataclass(frozen=True)
class Reference:
    """One reference as typed (`text`, brackets included) and what it asks for."""

    text: str
    kind: str
    target: str  # the id or name, without the query string
    label: str | None
    query: str = ""


@dataclass(frozen=True)
class Resolved:
    """What a resolved reference shows: link text and target, plus its status or note."""

    text: str
    href: str  # a page path relative to the referring page, or an absolute Looker URL
    metric_status: str | None = None
    freshness: SourceStatus | None = None
    note: list[str] = field(default_factory=list)  # "look · owner · 1,234 views"
    # A look or dashboard Looker's content validator found broken: its errors, and its
    # entry in the catalog (a page path relative to the referring page, with `#anchor`).
    broken: list[ContentError] = field(default_factory=list)
    entry: str | None = None


@dataclass(frozen=True)
class Unresolved:
    """Why a reference does not resolve, and what to do; shown as `fallback` text."""

    message: str
    hint: str
    fallback: str


def parse_reference(kind: str, target: str, label: str | None = None) -> RefTarget:
    """The parts of a reference, from the text between `[[` and `]]` split at `:` and `|`.

    Pure (no catalog, no I/O), so every reader of references reads them the same way. The
    query string is kept as typed; characters a URL may not hold are percent-encoded when the
    link is built, and a `%` must start an escape. Raises `ReferenceSyntaxError(message,
    hint)` for a malformed reference.
    """
    if kind not in KINDS:
        raise ReferenceSyntaxError(f"unknown reference kind '{kind}'", KINDS_HINT)
    item_id, mark, query = target.strip().partition("?")
    item_id = item_id.strip()
    if not item_id:
        raise ReferenceSyntaxError(f"no {kind} given", f"write [[{kind}:ID]]")
    if mark and kind not in _QUERY_KINDS:
        raise ReferenceSyntaxError(
            f"a {kind} reference cannot carry a query string ('?{query}')",
            "only look, dashboard and board references keep Looker filters; remove it",
        )
    if mark:
        _check_query(query)
    return RefTarget(kind, item_id, query, (label or "").strip() or None)


def _check_query(query: str) -> None:
    fix = "copy the part after '?' from the Looker URL, e.g. ?Region=EMEA&Created+Date=90+day"
    if not query:
        raise ReferenceSyntaxError("'?' with no query string after it", fix)
    if any(ch.isspace() for ch in query):
        raise ReferenceSyntaxError(
            "the query string has a space", "write a space as '+' or %20, as Looker does"
        )
    if _BAD_PERCENT.search(query):
        raise ReferenceSyntaxError(
            "the query string has a '%' that starts no escape", "write a literal % as %25"
        )
    if any(not part or part.startswith("=") for part in query.split("&")):
        raise ReferenceSyntaxError(f"the query string '?{query}' has an empty filter", fix)


def with_query(url: str, query: str) -> str:
    """`url` with the reference's query string, every character a URL may not hold encoded."""
    return f"{url}?{quote(query, safe=_QUERY_SAFE)}" if query else url


def parse(match: re.Match[str]) -> Reference | Unresolved:
    """The reference a `REFERENCE` match found, or why it cannot be read."""
    try:
        found = parse_reference(match["kind"], match["target"], match["label"])
    except ReferenceSyntaxError as exc:
        message, hint = exc.args
        label = (match["label"] or "").strip() or None
        return Unresolved(message, hint, label or match[0])
    return Reference(match[0], found.kind, found.id, found.label, found.query)


def _relative(path: str, page: str, pages_dir: str) -> str:
    """`path` (below the generated-pages folder) as a link from `page` (below docs/)."""
    here = posixpath.dirname(page) or "."
    return relative_path(posixpath.join(pages_dir, path), here)


def _unknown(what: str, ref: Reference, known: Iterable[str], defined_in: str) -> Unresolved:
    """A name the catalog does not define, with the nearest one it does."""
    hint = did_you_mean(ref.target, known)
    return Unresolved(
        f"unknown {what} '{ref.target}'",
        f"{hint}names are defined in {defined_in}",
        ref.label or ref.text,
    )


def _metric(catalog: Catalog, ref: Reference, page: str, pages_dir: str) -> Resolved | Unresolved:
    metric = catalog.metrics_by_name.get(ref.target)
    if metric is None:
        return _unknown("metric", ref, catalog.metrics_by_name, "catalog/metrics/*.yml")
    href = _relative(metric_page(metric.name), page, pages_dir)
    return Resolved(ref.label or metric.label, href, metric_status=metric.status)


def _item(catalog: Catalog, ref: Reference, page: str, pages_dir: str) -> Resolved | Unresolved:
    item = catalog.items.get((ref.kind, ref.target))
    if item is None:
        why, hint = catalog.why_unpublished(ref.kind, ref.target) or ("", "")
        return Unresolved(why, hint, ref.label or ref.text)
    note = [ref.kind]
    if ref.label:
        note.append(item.title)
    if item.owner:
        note.append(item.owner)
    note.append(f"{item.view_count:,} view{'s' if item.view_count != 1 else ''}")
    broken = catalog.validation_errors(item.kind, item.id)
    entry = None
    if broken:
        path, _, anchor = item_entry(catalog, item).partition("#")
        entry = f"{_relative(path, page, pages_dir)}#{anchor}"
    url = with_query(catalog.item_url(item), ref.query)
    return Resolved(ref.label or item.title, url, note=note, broken=broken, entry=entry)


def _board(catalog: Catalog, ref: Reference) -> Resolved | Unresolved:
    board = catalog.boards.get(ref.target)
    if board is None:
        why, hint = catalog.why_unpublished("board", ref.target) or ("", "")
        return Unresolved(why, hint, ref.label or ref.text)
    count = sum(len(s.items) for s in board.sections)
    note = ["board", *([board.title] if ref.label else [])]
    note.append(f"{count:,} item{'s' if count != 1 else ''}")
    url = with_query(catalog.board_url(board), ref.query)
    return Resolved(ref.label or board.title, url, note=note)


def _freshness(
    catalog: Catalog, ref: Reference, page: str, pages_dir: str
) -> Resolved | Unresolved:
    source = catalog.sources_by_name.get(ref.target)
    if source is None:
        where = "catalog/sources/*.yml and by dbt (catalog/dbt.yml)"
        return _unknown("data source", ref, catalog.sources_by_name, where)
    href = _relative(FRESHNESS_BOARD, page, pages_dir)
    return Resolved(ref.label or source.label, href, freshness=catalog.source_statuses[source.name])


@dataclass(frozen=True)
class TargetChanges:
    """Which targets `resolve` may answer differently for under a new catalog: every target
    of `kinds`, and the `(kind, target)` pairs in `targets`."""

    kinds: frozenset[str] = frozenset()
    targets: frozenset[tuple[str, str]] = frozenset()

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key[0] in self.kinds or key in self.targets


def changed_targets(before: Catalog, after: Catalog) -> TargetChanges:
    """What references may show differently under `after` than under `before`.

    It covers everything `resolve` reads: a metric's definition and a source's freshness
    status (each compared; a status is as of its catalog's build, so one that aged past its
    threshold counts), and the published Looker content (every look, dashboard and board,
    unless both catalogs publish the same: `Catalog.same_looker`). Another project (say, a
    new `use_directory_urls`) changes every target.
    """
    if before.project != after.project:
        return TargetChanges(frozenset(KINDS))
    looker = set() if after.same_looker(before) else {"look", "dashboard", "board"}
    changed = set()
    for kind, old, new in (
        ("metric", before.metrics_by_name, after.metrics_by_name),
        ("freshness", before.source_statuses, after.source_statuses),
    ):
        changed |= {
            (kind, name) for name in old.keys() | new.keys() if old.get(name) != new.get(name)
        }
    return TargetChanges(frozenset(looker), frozenset(changed))


def resolve(
    catalog: Catalog, ref: Reference, page: str, pages_dir: str = ""
) -> Resolved | Unresolved:
    """What `ref`, typed on `page` (a path below docs/), stands for in `catalog`.

    `pages_dir` is the folder below docs/ the generated pages live in ("" for docs/ itself).
    """
    if ref.kind == "metric":
        return _metric(catalog, ref, page, pages_dir)
    if ref.kind in ("look", "dashboard"):
        return _item(catalog, ref, page, pages_dir)
    if ref.kind == "board":
        return _board(catalog, ref)
    if ref.kind == "freshness":
        return _freshness(catalog, ref, page, pages_dir)
    return Unresolved(f"unknown reference kind '{ref.kind}'", KINDS_HINT, ref.text)
