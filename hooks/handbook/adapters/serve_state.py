"""What the MkDocs plugin keeps from one `mkdocs serve` rebuild to the next: `ServeState`.

MkDocs keeps a plugin instance that has `on_startup` for a whole `mkdocs serve`, and the
plugin keeps all of its serve state in one `ServeState`: the generated pages of the last
build (rendered again only after the catalog was loaded again, and then only those whose
inputs changed: `render.cache`), the error banner the pages carry, what each hand page's
`[[…]]` references showed (`ShownReferences`, which the `handbook.refs` extension records
into), and the `catalog.json` last written (`export.ExportFile`). Under `--dirty` MkDocs
rebuilds a page only when its source is newer than its HTML; `mark_stale` removes the HTML
of the pages a catalog change or the banner made out of date, so MkDocs builds them again.

In a plain `mkdocs build` (one build per process) `serving` is false and nothing is kept:
the generated pages are rendered as they are consumed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mkdocs.structure.files import Files

from handbook.export import ExportFile
from handbook.markdown.page_check import Stamp
from handbook.markdown.shown_references import ShownReferences
from handbook.render.cache import RenderCache, Written
from handbook.render.page import Page
from handbook.render.pages import all_pages, all_specs, in_folder

if TYPE_CHECKING:
    from handbook.catalog import Catalog

log = logging.getLogger("mkdocs.plugins.handbook")


@dataclass
class ServeState:
    """One process's builds as `mkdocs serve` runs them; see the module docstring."""

    serving: bool = False  # `mkdocs serve`: more builds follow in this process
    dirty: bool = False  # `--dirty`: MkDocs rebuilds only pages whose source is newer
    catalog_changed: bool = True  # the last build loaded the catalog again
    banner: str = ""  # the catalog's errors, shown on every page while serving ("" = none)
    shown_banner: str = ""  # the banner the last build's pages carry
    cache: RenderCache = field(default_factory=RenderCache)  # generated pages by what they show
    files: Written = field(default_factory=dict)  # what `write_changed` wrote, for the next one
    pages: list[Page] | None = None  # the last build's generated pages
    rendered: int = 0  # how many of them the last build rendered
    shown: ShownReferences = field(default_factory=ShownReferences)
    readable: dict[str, Stamp] = field(default_factory=dict)  # hand pages found UTF-8
    # `catalog.json`, written again only for a new catalog, its Looker part copied when the
    # Looker content is the same (seconds at 60,000 items).
    export: ExportFile = field(default_factory=ExportFile)

    def generated_pages(self, catalog: Catalog, pages_dir: str) -> Iterable[Page]:
        """Every generated page; under serve only the ones whose inputs changed are rendered.

        A build renders each page as it is consumed. Under serve the pages are kept, and
        `rendered` says how many were rendered: when the catalog was not loaded again (no
        file under catalog/ changed) the last build's pages are reused without computing
        any key: digesting 20,000 Looker items on every save of a hand page is not free.
        """
        if not self.serving:  # one build per process: nothing to reuse, no keys to compute
            return all_pages(catalog, pages_dir)
        if self.catalog_changed or self.pages is None:
            rendered = self.cache.render(all_specs(catalog))
            self.pages = list(in_folder(rendered, pages_dir))
            self.rendered = len(self.cache.last.rendered)
        else:
            self.rendered = 0
        return self.pages

    def mark_stale(self, files: Files, catalog: Catalog, pages_dir: str, references: bool) -> None:
        """For --dirty: pages whose HTML shows catalog data that changed get rebuilt.

        When the catalog was loaded again (and `references` are resolved), a hand page is
        out of date if one of its `[[…]]` references now renders differently; a page this
        process never converted is out of date if it has a reference at all. When the
        error banner came or went, every page is. Removing its HTML makes MkDocs build it
        again.
        """
        banner_changed = self.banner != self.shown_banner
        self.shown_banner = self.banner
        if not (banner_changed or (self.catalog_changed and references)):
            return
        shown = self.shown
        first_build = not shown.pages
        changed = set() if banner_changed else shown.changed_by(catalog, pages_dir)
        stale = []
        for file in files.documentation_pages():
            if not os.path.isfile(file.abs_dest_path):
                continue
            page = file.src_uri
            hand_page = file.generated_by is None
            if banner_changed or (
                hand_page
                and (page in changed or (page not in shown.pages and "[[" in file.content_string))
            ):
                os.remove(file.abs_dest_path)
                stale += [page] if hand_page else []
        if not (banner_changed or first_build):
            _log_stale(stale)


def _log_stale(stale: list[str]) -> None:
    listed = ", ".join(sorted(stale)[:5]) + (", …" if len(stale) > 5 else "")
    noun = "hand page shows" if len(stale) == 1 else "hand pages show"
    listed = f": {listed}" if listed else ""
    log.info("handbook: %d %s the changed catalog%s", len(stale), noun, listed)
