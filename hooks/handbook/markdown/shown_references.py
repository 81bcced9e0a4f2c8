"""What `[[…]]` references show: their HTML under a catalog, and what each page showed.

The `handbook.refs` extension renders every reference through `ShownReferences.html_of`
and records there what each page showed. An adapter that keeps built pages across rebuilds
(MkDocs' `serve --dirty`) keeps this object too, and asks `changed_by` which pages a new
catalog renders differently.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from handbook.markdown.references import REFERENCE, Reference, Resolved, Unresolved, parse, resolve
from handbook.render.references import reference_html

if TYPE_CHECKING:
    from handbook.catalog import Catalog


class ShownReferences:
    """Per page (below docs_dir): each reference on it → the HTML it showed (None when it
    did not resolve); and each resolved reference's HTML under the current catalog.

    It lets a serve rebuild after a catalog change rebuild only the hand pages whose
    references now show something else: relabelling one metric rebuilds the pages that
    reference it, not every page with a reference. Comparing the rendered HTML, rather than
    a list of names each page depends on, also catches what a name list would miss (a
    badge whose freshness state changed, a look moved to the trash).
    """

    def __init__(self) -> None:
        self.pages: dict[str, dict[str, str | None]] = {}
        # Resolved references of `catalog`: (reference, page folder, pages_dir) → HTML.
        # A new catalog (the next `mkdocs serve` rebuild) starts a new cache.
        self.catalog: Catalog | None = None
        self.html: dict[tuple[str, str, str], str] = {}

    def html_of(
        self, catalog: Catalog, match: re.Match[str], page: str, pages_dir: str
    ) -> str | Unresolved:
        """One matched reference's HTML on `page`, or the `Unresolved` saying what is wrong
        with it. Resolved ones are kept per page folder while the catalog stays the same;
        unresolved ones never are: each occurrence is reported at its own line."""
        ref = parse(match)
        if not isinstance(ref, Reference):
            return ref
        if catalog is not self.catalog:
            self.catalog, self.html = catalog, {}
        key = (ref.text, posixpath.dirname(page), pages_dir)
        if key in self.html:
            return self.html[key]
        result = resolve(catalog, ref, page, pages_dir)
        if not isinstance(result, Resolved):
            return result
        html = self.html[key] = str(reference_html(result))
        return html

    def start(self, page: str) -> None:
        """`page` is being converted again; forget what it showed before."""
        self.pages[page] = {}

    def record(self, page: str, text: str, html: str | None) -> None:
        if page:
            self.pages.setdefault(page, {})[text] = html

    def changed_by(self, catalog: Catalog, pages_dir: str = "") -> set[str]:
        """The recorded pages whose references `catalog` renders differently. A reference
        that did not resolve counts as changed, so its warning is logged again while the
        analyst works on the catalog."""
        changed = set()
        for page, shown in self.pages.items():
            for text, html in shown.items():
                match = REFERENCE.fullmatch(text)
                now = self.html_of(catalog, match, page, pages_dir) if match else None
                if html is None or now != html:
                    changed.add(page)
                    break
        return changed
