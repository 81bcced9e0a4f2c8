"""Generated pages: each module renders one part of the catalog into Markdown files.

A page module exposes `specs(catalog) -> Iterable[PageSpec]` and `pages(catalog) ->
Iterable[Page]` (`render.page`); `all_pages` gathers them. Pages are plain data (path +
Markdown), so tests can check them without an engine; the MkDocs plugin serves them from
memory and `handbook generate` writes them to disk. `all_specs` gives them unrendered, keyed
by what they show, for `render.cache.RenderCache` to skip the ones that did not change.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import replace

from handbook.catalog import Catalog
from handbook.render.page import Page, PageSpec


def all_specs(catalog: Catalog) -> Iterable[PageSpec]:
    """Every generated page, unrendered, with the key of what it shows (see `render.cache`)."""
    from handbook.render.pages import (
        broken_pages,
        change_pages,
        freshness_pages,
        looker_pages,
        metric_pages,
        report_pages,
    )

    modules = (
        report_pages,
        looker_pages,
        broken_pages,
        change_pages,
        metric_pages,
        freshness_pages,
    )
    for module in modules:
        yield from module.specs(catalog)


def all_pages(catalog: Catalog, pages_dir: str = "") -> Iterable[Page]:
    """Every generated page; `pages_dir` puts them all in one folder below docs/.

    Links between generated pages are relative, so moving them together keeps them working.
    """
    return in_folder((spec.render() for spec in all_specs(catalog)), pages_dir)


def in_folder(pages: Iterable[Page], pages_dir: str) -> Iterable[Page]:
    """`pages` moved into `pages_dir` below docs/ ("" leaves them where they are)."""
    for page in pages:
        yield replace(page, path=posixpath.join(pages_dir, page.path)) if pages_dir else page
