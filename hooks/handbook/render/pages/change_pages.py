"""What changed in Looker: `looker/changes.md`, and the same as an Atom feed, `looker/changes.xml`.

Both come from `Catalog.looker_changes`: the change log of the last 180 days, newest first,
filtered with today's publishing policy, so private and excluded content never appears,
not even as deleted. Changes are grouped by the pull that found them. Each look, dashboard
or board that is published today links to its entry (its folder page, or the boards page);
trashed and deleted ones, and those no longer published, are named without a link. A rename
shows the old title, a move the old and the new folder.

The feed has one entry per pull, with absolute links built from the site's address
(`Project.site_url`, MkDocs' `site_url`). Without one no feed is written, and the page says
what to set: a feed with relative ids would be invalid and its links would go nowhere. The
feed is a generated file like the pages (its path ends in `.xml`), so the MkDocs plugin
copies it into the site as a static file and `handbook generate` writes it beside the pages.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import Markup, escape

from handbook.catalog import Catalog
from handbook.render.addresses import (
    LOOKER_CHANGES,
    LOOKER_FEED,
    board_entry,
    item_entry,
    relative_to,
)
from handbook.render.atom import Entry, Feed, atom_xml
from handbook.render.cache import digest, once
from handbook.render.page import Page, PageSpec
from handbook.render.pages.looker_pages import EDIT_PATH, missing_snapshot_spec
from handbook.render.site_urls import absolute_url
from handbook.render.templating import md_text, render
from handbook.snapshot.model import CHANGE_DAYS, ContentChange
from handbook.timefmt import utc_minute

PATH = LOOKER_CHANGES
FEED = LOOKER_FEED
TITLE = "What changed in Looker"

_LABELS = {
    "added": "Added",
    "trashed": "Trashed",
    "deleted": "Deleted",
    "restored": "Restored",
    "renamed": "Renamed",
    "moved": "Moved",
}
_GONE = ("trashed", "deleted")


@dataclass(frozen=True)
class ChangeRow:
    change: ContentChange
    label: str  # "Renamed"
    target: str | None  # the content's entry below docs/ (with #anchor); None: not linked
    details: str  # plain text: "was “Old title”", "from A to B"


@dataclass(frozen=True)
class Pull:
    at: datetime
    anchor: Markup  # `pull-20261122t060000z` ([a-z0-9-] only), the same on every build
    rows: list[ChangeRow]


def _folder(catalog: Catalog, folder_id: str | None) -> str:
    if folder_id and folder_id not in catalog.folders:
        return "a folder no longer in Looker"
    return catalog.folder_title(folder_id)


def _details(catalog: Catalog, change: ContentChange) -> str:
    if change.change == "renamed":
        return f"was “{change.old_title}”"
    if change.kind == "board":
        return ""
    if change.change == "moved":
        old, new = _folder(catalog, change.old_folder_id), _folder(catalog, change.folder_id)
        return f"from {old} to {new}"
    where = _folder(catalog, change.folder_id)
    return f"was in {where}" if change.change in _GONE else f"in {where}"


def _target(catalog: Catalog, change: ContentChange) -> str | None:
    """Where the content is on the site today, if it is published and this change did not
    take it away."""
    if change.change in _GONE:
        return None
    if change.kind == "board":
        board = catalog.boards.get(change.id)
        return board_entry(board) if board else None
    item = catalog.items.get((change.kind, change.id))
    return item_entry(catalog, item) if item else None


def pulls(catalog: Catalog) -> list[Pull]:
    """The published changes grouped by the pull that found them, newest pull first."""
    grouped: dict[datetime, list[ChangeRow]] = {}
    for change in catalog.looker_changes:
        row = ChangeRow(
            change, _LABELS[change.change], _target(catalog, change), _details(catalog, change)
        )
        grouped.setdefault(change.at, []).append(row)
    return [
        Pull(at, Markup(at.astimezone(UTC).strftime("pull-%Y%m%dt%H%M%Sz")), rows)
        for at, rows in grouped.items()
    ]


def _page(catalog: Catalog, shown: list[Pull]) -> Page:
    content = render(
        "looker_changes.md.j2",
        catalog=catalog,
        notice_source="looker",
        pulls=shown,
        recorded=bool(catalog.change_log and catalog.change_log.changes),
        days=CHANGE_DAYS,
        feed=bool(catalog.project.site_url),
        link=lambda row: Markup(f"[{md_text(row.change.title)}]({relative_to(PATH, row.target)})"),
    )
    return Page(PATH, content, EDIT_PATH)


def _absolute(catalog: Catalog, target: str) -> str:
    project = catalog.project
    path, _, fragment = target.partition("#")
    page = posixpath.join(project.pages_dir, path)
    return absolute_url(project.site_url or "", page, fragment, project.directory_urls)


def _entry_html(catalog: Catalog, row: ChangeRow) -> str:
    title = escape(row.change.title)
    if row.target is not None:
        title = Markup('<a href="{}">{}</a>').format(_absolute(catalog, row.target), title)
    details = Markup(" ({})").format(row.details) if row.details else ""
    return Markup("<li>{} {} {}{}</li>").format(row.label, row.change.kind, title, details)


def feed(catalog: Catalog, shown: list[Pull]) -> str:
    """The Atom document: one entry per pull, newest first (callers check `site_url`)."""
    project = catalog.project
    page = _absolute(catalog, PATH)
    # The newest pull with a change; with none, the snapshot's pull (a feed needs a time).
    updated = shown[0].at if shown else catalog.looker_pulled_at
    assert updated is not None  # `specs` makes no feed without a Looker snapshot
    entries = []
    for pull in shown:
        count = len(pull.rows)
        items = Markup("").join(_entry_html(catalog, row) for row in pull.rows)
        entries.append(
            Entry(
                id=f"{page}#{pull.anchor}",
                title=f"{count:,} change{'s' if count != 1 else ''} in the Looker pull of "
                f"{utc_minute(pull.at)}",
                updated=pull.at,
                link=f"{page}#{pull.anchor}",
                html=str(Markup("<ul>{}</ul>").format(items)),
            )
        )
    name = project.site_name or "Handbook"
    return atom_xml(
        Feed(
            id=_absolute(catalog, FEED),
            title=f"{TITLE} · {name}",
            author=name,
            updated=updated,
            self_url=_absolute(catalog, FEED),
            alternate_url=page,
            entries=entries,
        )
    )


def specs(catalog: Catalog) -> Iterable[PageSpec]:
    """The changes page and, with a site address, its feed; both keyed by what they show."""
    if catalog.looker is None:
        yield missing_snapshot_spec(catalog, PATH, TITLE)
        return
    shown = once(lambda: pulls(catalog))
    project = catalog.project
    where = (project.site_url, project.site_name, project.pages_dir, project.directory_urls)

    def key() -> str:
        notices = render("_notices.md.j2", catalog=catalog, notice_source="looker")
        recorded = bool(catalog.change_log and catalog.change_log.changes)
        rows = [(p.at, [(r.change, r.target, r.details) for r in p.rows]) for p in shown()]
        return digest(notices, recorded, where, catalog.looker_pulled_at, rows)

    yield PageSpec(PATH, key, lambda: _page(catalog, shown()))
    if project.site_url:
        yield PageSpec(FEED, key, lambda: Page(FEED, feed(catalog, shown())))


def pages(catalog: Catalog) -> Iterable[Page]:
    for spec in specs(catalog):
        yield spec.render()
