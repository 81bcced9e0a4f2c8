"""Generated pages: each module renders one part of the catalog into Markdown files.

A page module exposes `pages(catalog) -> Iterable[Page]`; `all_pages` gathers them. Pages are
plain data (path + Markdown), so tests can check them without an engine; the MkDocs plugin
serves them from memory and `handbook generate` writes them to disk.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, replace

from handbook.catalog import Catalog


@dataclass(frozen=True)
class Page:
    path: str  # relative to docs/, POSIX, e.g. "looker/index.md"
    content: str
    edit_path: str | None = None  # the file an editor should change, relative to the repo


def all_pages(catalog: Catalog, pages_dir: str = "") -> Iterable[Page]:
    """Every generated page; `pages_dir` puts them all in one folder below docs/.

    Links between generated pages are relative, so moving them together keeps them working.
    """
    from handbook.render.pages import freshness_pages, looker_pages, metric_pages, report_pages

    for module in (report_pages, looker_pages, metric_pages, freshness_pages):
        for page in module.pages(catalog):
            yield replace(page, path=posixpath.join(pages_dir, page.path)) if pages_dir else page
