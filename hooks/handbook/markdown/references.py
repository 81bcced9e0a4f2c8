"""Catalog references typed in handbook Markdown, resolved against a build's catalog.

Analysts write what they mean, not a URL that will rot::

    [[metric:mau]]                      the metric's page, with its status badge
    [[look:729]]                        the look, titled as it is in Looker today
    [[dashboard:177]]                   a dashboard by numeric id
    [[dashboard:product::executive_summary]]   a LookML dashboard (model::name)
    [[freshness:hubspot]]               the source's freshness badge and age
    [[look:729|Monthly users]]          any of the above with your own link text

This module is plain data and no engine: `parse` reads one reference, `resolve` looks it up
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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from handbook.suggest import did_you_mean

if TYPE_CHECKING:
    from handbook.catalog import Catalog
    from handbook.freshness.rules import SourceStatus

# One reference; `[^\]|\n]` keeps a match inside one line and out of neighbouring brackets.
REFERENCE = re.compile(r"\[\[(?P<kind>[a-z_]+):(?P<target>[^\]|\n]*)(?:\|(?P<label>[^\]\n]*))?\]\]")
KINDS_HINT = "write [[metric:NAME]], [[look:ID]], [[dashboard:ID]] or [[freshness:SOURCE]]"
# Where the generated pages references link to live, relative to the generated-pages folder.
METRIC_PAGE = "metrics/{name}.md"
FRESHNESS_PAGE = "data/freshness.md"


@dataclass(frozen=True)
class Reference:
    """One `[[kind:target|label]]` as typed."""

    text: str  # the whole reference, brackets included
    kind: str
    target: str
    label: str | None


@dataclass(frozen=True)
class Resolved:
    """What a resolved reference shows: link text and target, plus its status or note."""

    text: str
    href: str  # a page path relative to the referring page, or an absolute Looker URL
    metric_status: str | None = None
    freshness: SourceStatus | None = None
    note: list[str] = field(default_factory=list)  # "look · owner · 1,234 views"


@dataclass(frozen=True)
class Unresolved:
    """Why a reference does not resolve, and what to do; shown as `fallback` text."""

    message: str
    hint: str
    fallback: str


def parse(match: re.Match[str]) -> Reference:
    """The reference a `REFERENCE` match found."""
    label = (match["label"] or "").strip() or None
    return Reference(match[0], match["kind"], match["target"].strip(), label)


def _relative(path: str, page: str, pages_dir: str) -> str:
    """`path` (below the generated-pages folder) as a link from `page` (below docs/)."""
    here = posixpath.dirname(page) or "."
    return posixpath.relpath(posixpath.join(pages_dir, path), here)


def _metric(catalog: Catalog, ref: Reference, page: str, pages_dir: str) -> Resolved | Unresolved:
    metric = catalog.metrics_by_name.get(ref.target)
    if metric is None:
        hint = did_you_mean(ref.target, catalog.metrics_by_name)
        return Unresolved(
            f"unknown metric '{ref.target}'",
            f"{hint}names are defined in catalog/metrics/*.yml",
            ref.label or ref.text,
        )
    href = _relative(METRIC_PAGE.format(name=metric.name), page, pages_dir)
    return Resolved(ref.label or metric.label, href, metric_status=metric.status)


def _item(catalog: Catalog, ref: Reference) -> Resolved | Unresolved:
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
    return Resolved(ref.label or item.title, catalog.item_url(item), note=note)


def _freshness(
    catalog: Catalog, ref: Reference, page: str, pages_dir: str
) -> Resolved | Unresolved:
    source = catalog.sources_by_name.get(ref.target)
    if source is None:
        hint = did_you_mean(ref.target, catalog.sources_by_name)
        return Unresolved(
            f"unknown data source '{ref.target}'",
            f"{hint}names are defined in catalog/sources/*.yml",
            ref.label or ref.text,
        )
    href = _relative(FRESHNESS_PAGE, page, pages_dir)
    return Resolved(ref.label or source.label, href, freshness=catalog.source_statuses[source.name])


def resolve(
    catalog: Catalog, ref: Reference, page: str, pages_dir: str = ""
) -> Resolved | Unresolved:
    """What `ref`, typed on `page` (a path below docs/), stands for in `catalog`.

    `pages_dir` is the folder below docs/ the generated pages live in ("" for docs/ itself).
    """
    if ref.kind == "metric":
        return _metric(catalog, ref, page, pages_dir)
    if ref.kind in ("look", "dashboard"):
        return _item(catalog, ref)
    if ref.kind == "freshness":
        return _freshness(catalog, ref, page, pages_dir)
    return Unresolved(f"unknown reference kind '{ref.kind}'", KINDS_HINT, ref.text)
