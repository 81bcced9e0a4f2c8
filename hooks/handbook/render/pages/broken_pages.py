"""`looker/broken.md`: the published looks and dashboards Looker's content validator found
broken, by folder, each with every error (message, field, explore, tile, filter, schedule).

Each title links to the item's entry on its folder page (where its trust line and errors
are too) and to Looker, where it is fixed. Broken content the publishing policy holds back
(excluded folders, personal folders) is a count only: `Catalog.broken` holds published
items alone. The page says how current the validation is (`trust.validation_caveat`), and
that there is none when it is off, unavailable or has never run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from handbook.catalog import Catalog
from handbook.render.addresses import LOOKER_BROKEN, folder_page, item_entry, relative_to
from handbook.render.cache import digest, once
from handbook.render.page import Page, PageSpec
from handbook.render.pages.looker_pages import EDIT_PATH, missing_snapshot_spec
from handbook.render.templating import render
from handbook.render.trust import OWNER_LEFT, bad, error_lines, validated, validation_caveat
from handbook.snapshot.model import ContentError, LookerItem

PATH = LOOKER_BROKEN
TITLE = "Broken content"


@dataclass(frozen=True)
class BrokenEntry:
    item: LookerItem
    entry: Markup  # the item's entry on its folder page, relative to this page (slugs only)
    errors: list[ContentError]


@dataclass(frozen=True)
class BrokenFolder:
    title: str  # the folder's whole path, "Shared / Company Metrics"
    link: Markup  # its page, relative to this page (slugs only)
    entries: list[BrokenEntry]


def broken_folders(catalog: Catalog) -> list[BrokenFolder]:
    """Broken published items grouped by folder, folders by path, items by title."""
    groups: dict[str, list[BrokenEntry]] = {}
    for (kind, item_id), errors in catalog.broken.items():
        item = catalog.items.get((kind, item_id))
        if item is None or not errors:
            continue
        entry = BrokenEntry(item, Markup(relative_to(PATH, item_entry(catalog, item))), errors)
        groups.setdefault(item.folder_id or "", []).append(entry)
    out = []
    for folder_id, entries in groups.items():
        folder = catalog.folders.get(folder_id)
        title = catalog.folder_title(folder_id) if folder else "Items without a folder"
        entries.sort(key=lambda e: (e.item.title.casefold(), e.item.kind, e.item.id))
        out.append(BrokenFolder(title, Markup(relative_to(PATH, folder_page(folder))), entries))
    return sorted(out, key=lambda f: (f.title.casefold(), f.title))


def _page(catalog: Catalog, folders: list[BrokenFolder]) -> Page:
    validation = catalog.validation
    content = render(
        "looker_broken.md.j2",
        catalog=catalog,
        notice_source="looker",
        folders=folders,
        total=sum(len(f.entries) for f in folders),
        hidden=catalog.hidden_broken,
        validated=validated(catalog),
        validated_at=validation.validated_at if validation else None,
        caveat=validation_caveat(catalog),
        error_lines=error_lines,
        owner_left=bad(OWNER_LEFT),
    )
    return Page(PATH, content, EDIT_PATH)


def specs(catalog: Catalog) -> Iterable[PageSpec]:
    """The broken-content page, keyed by every row it shows and how current they are."""
    if catalog.looker is None:
        yield missing_snapshot_spec(catalog, PATH, TITLE)
        return
    folders = once(lambda: broken_folders(catalog))

    def key() -> str:
        notices = render("_notices.md.j2", catalog=catalog, notice_source="looker")
        validation = catalog.validation
        state = validation.model_dump(exclude={"items"}) if validation else None
        rows = [
            (f.title, f.link, [(e.item, e.entry, e.errors) for e in f.entries]) for f in folders()
        ]
        return digest(notices, catalog.base_url, state, catalog.hidden_broken, rows)

    yield PageSpec(PATH, key, lambda: _page(catalog, folders()))


def pages(catalog: Catalog) -> Iterable[Page]:
    for spec in specs(catalog):
        yield spec.render()
