"""Generated pages: each module renders one part of the catalog into Markdown files.

A page module exposes `pages(catalog) -> Iterable[Page]`; `all_pages` gathers them. Pages are
plain data (path + Markdown), so tests can check them without running MkDocs, and the
engine adapter only writes what this returns. `all_specs` gives them unrendered, keyed by
what they show, for `render.cache.RenderCache` to skip the ones that did not change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handbook.catalog import Catalog

if TYPE_CHECKING:
    from handbook.render.cache import PageSpec


@dataclass(frozen=True)
class Page:
    path: str  # relative to docs/, POSIX, e.g. "looker/index.md"
    content: str
    edit_path: str | None = None  # the file an editor should change, relative to the repo


def all_specs(catalog: Catalog) -> Iterable[PageSpec]:
    """Every generated page, unrendered, with the key of what it shows (see `render.cache`)."""
    from handbook.render.pages import freshness_pages, looker_pages, metric_pages, report_pages

    for module in (report_pages, looker_pages, metric_pages, freshness_pages):
        yield from module.specs(catalog)


def all_pages(catalog: Catalog) -> Iterable[Page]:
    for spec in all_specs(catalog):
        yield spec.render()
