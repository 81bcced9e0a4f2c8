"""Generated pages: each module renders one part of the catalog into Markdown files.

A page module exposes `pages(catalog) -> Iterable[Page]`; `all_pages` gathers them. Pages are
plain data (path + Markdown), so tests can check them without running MkDocs, and the
mkdocs-gen-files script only writes what this returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from handbook.catalog import Catalog


@dataclass(frozen=True)
class Page:
    path: str  # relative to docs/, POSIX, e.g. "looker/index.md"
    content: str
    edit_path: str | None = None  # the file an editor should change, relative to the repo


def all_pages(catalog: Catalog) -> Iterable[Page]:
    from handbook.render.pages import freshness_pages, looker_pages, metric_pages, report_pages

    for module in (report_pages, looker_pages, metric_pages, freshness_pages):
        yield from module.pages(catalog)
