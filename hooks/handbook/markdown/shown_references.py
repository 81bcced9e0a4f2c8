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

from handbook.markdown.references import (
    REFERENCE,
    Reference,
    Resolved,
    TargetChanges,
    Unresolved,
    changed_targets,
    parse,
    resolve,
)
from handbook.render.references import reference_html

if TYPE_CHECKING:
    from handbook.catalog import Catalog

Target = tuple[str, str]  # (kind, target), e.g. ("metric", "mau")


def _target(text: str) -> Target | None:
    """What a recorded reference (its text as typed) points at; None if it cannot be read."""
    match = REFERENCE.fullmatch(text)
    ref = parse(match) if match else None
    return (ref.kind, ref.target) if isinstance(ref, Reference) else None


class ShownReferences:
    """Per page (below docs_dir): each reference on it → the HTML it showed (None when it
    did not resolve); and each resolved reference's HTML under the current catalog.

    It lets a serve rebuild after a catalog change rebuild only the hand pages whose
    references now show something else: relabelling one metric rebuilds the pages that
    reference it, not every page with a reference. Comparing the rendered HTML, rather than
    a list of names each page depends on, also catches what a name list would miss (a
    badge whose freshness state changed, a look moved to the trash).

    The pages are indexed by the targets they show, and recorded with the catalog they were
    shown under, so `changed_by` resolves again only the targets that catalog and the new one
    may show differently (`changed_targets`): a metric save resolves that metric's references
    and the freshness badges, not every reference on 1,000 pages.
    """

    def __init__(self, recording: bool = True) -> None:
        # Whether pages' references are recorded at all: only a process that asks
        # `changed_by` later needs them (at 3,000 hand pages, megabytes held to the end of
        # a build that never asks).
        self.recording = recording
        self.pages: dict[str, dict[str, str | None]] = {}
        # The pages showing each target, and the pages with a reference that did not resolve.
        self.showing: dict[Target, set[str]] = {}
        self.unresolved: set[str] = set()
        self.targets: dict[str, Target | None] = {}  # reference text → its target, read once
        # The catalog and pages_dir every page recorded its references under (None before the
        # first; `mixed` once pages were recorded under two), and the pages `changed_by` last
        # found changed that were not converted since: they still show the older catalog.
        self.shown_under: tuple[Catalog, str] | None = None
        self.mixed = False
        self.pending: set[str] = set()
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

    def forget_html(self) -> None:
        """Drop the resolved references' HTML: a build that converted its last page needs
        none of it again (megabytes at 1,000 hand pages, held otherwise while every page is
        rendered). A later `html_of` resolves again, as under a new catalog."""
        self.catalog, self.html = None, {}

    def target(self, text: str) -> Target | None:
        """What a recorded reference points at (`_target`), read once per text."""
        if text not in self.targets:
            self.targets[text] = _target(text)
        return self.targets[text]

    def start(self, page: str) -> None:
        """`page` is being converted again; forget what it showed before."""
        if not self.recording:
            return
        for text, html in self.pages.get(page, {}).items():
            target = self.target(text) if html is not None else None
            if target is not None:
                self.showing.get(target, set()).discard(page)
        self.unresolved.discard(page)
        self.pending.discard(page)
        self.pages[page] = {}

    def record(
        self, page: str, text: str, html: str | None, under: tuple[Catalog, str] | None = None
    ) -> None:
        """`page` showed `html` for the reference `text` (None: it did not resolve), under
        the catalog and pages_dir `under`."""
        if not page or not self.recording:
            return
        self.pages.setdefault(page, {})[text] = html
        target = self.target(text) if html is not None else None
        if target is None:
            self.unresolved.add(page)
            return
        self.showing.setdefault(target, set()).add(page)
        shown = self.shown_under
        if shown is None and under is not None and not self.mixed:
            self.shown_under = under
        elif under is None or shown is None or under[0] is not shown[0] or under[1] != shown[1]:
            self.mixed = True  # then `changed_by` compares every reference once

    def changed_by(self, catalog: Catalog, pages_dir: str = "") -> set[str]:
        """The recorded pages whose references `catalog` renders differently. A reference
        that did not resolve counts as changed, so its warning is logged again while the
        analyst works on the catalog."""
        shown = self.shown_under
        changes: TargetChanges | None = None
        if shown is not None and not self.mixed and shown[1] == pages_dir:
            changes = changed_targets(shown[0], catalog)
        changed = self.unresolved | (self.pending & self.pages.keys())
        for page in self._showing(changes) - changed:
            for text, html in self.pages[page].items():
                target = self.target(text)
                if changes is not None and target is not None and target not in changes:
                    continue
                match = REFERENCE.fullmatch(text)
                if match is None or self.html_of(catalog, match, page, pages_dir) != html:
                    changed.add(page)
                    break
        self.shown_under, self.mixed, self.pending = (catalog, pages_dir), False, changed
        return changed

    def _showing(self, changes: TargetChanges | None) -> set[str]:
        """The pages showing a target in `changes` (every recorded page for None)."""
        if changes is None:
            return set(self.pages)
        pages: set[str] = set()
        for target, showing in self.showing.items():
            if target in changes:
                pages |= showing
        return pages
