"""The Looker content catalog: index, one page per folder, explores, unused content.

Pages (all edited through `catalog/looker.yml`, the publishing policy):

- `looker/index.md`     counts, most viewed, recently updated, the folder tree
- `looker/folders/<id>-<slug>.md`  one per published folder holding published content, in
  itself or a subfolder (not in the nav on purpose), plus `looker/folders/unfiled.md` when
  some items have no (published) folder. An empty folder gets no page: the index and its
  parent's page list its name, unlinked, with the count 0
- `looker/boards.md`    every published board: its sections and their dashboards and looks
- `looker/explores.md`  explores and their visible fields, per model
- `looker/unused.md`    content with no view for `unused_after_days`: one row per owner (how
  many, how old), then the content whose owner's Looker account is deactivated
- `looker/unused/<owner>.md`  one per owner of unused content (not in the nav, like folder
  pages): that owner's unused items, oldest last view first; `no-owner.md` for items with
  no owner. At 20,000 items one page of every unused item was megabytes of HTML

Each item's entry on its folder page carries its trust line (`render.trust`) and, when
Looker's content validator found it broken, its errors. The broken-content and change
pages are `broken_pages` and `change_pages`.

Only the published view of the snapshot reaches this module (the policy is applied in
`load_catalog`), so nothing here filters for privacy. Every piece of text from Looker goes
through `md_text`: in the templates as the escaping `finalize` of `render`, and called
directly where the 20,000 folder entries and the unused-content rows are written in Python
(`folder_entry`, `unused_rows`: a dozen template expressions per item were most of a
build's page rendering). The only Markdown built here is links to our own pages, whose
targets are slugs of `[a-z0-9-]`.

Cost is linear in the catalog: items are grouped by folder and folders by parent once, the
top-N lists use `heapq`, and each folder or owner page renders only its own items.

Page addresses and anchors (a folder's page, an item's entry) are `render.addresses`'.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from markupsafe import Markup

from handbook.catalog import Catalog
from handbook.render.addresses import (
    LOOKER_BOARDS,
    LOOKER_EXPLORES,
    LOOKER_INDEX,
    LOOKER_UNUSED,
    board_anchor,
    explore_anchor,
    folder_page,
    item_anchor,
    relative_to,
    unused_owner_pages,
)
from handbook.render.cache import digest, once
from handbook.render.page import Page, PageSpec
from handbook.render.templating import format_date, link, md_text, number, render
from handbook.render.trust import (
    BROKEN,
    TrustLines,
    error_lines,
    validated,
    validation_caveat,
)
from handbook.snapshot.model import (
    RECENT_DAYS,
    LookerExplore,
    LookerFolder,
    LookerItem,
)

EDIT_PATH = "catalog/looker.yml"
TOP_N = 25


def _page_link(text: str, target: str) -> Markup:
    """A link to one of our pages; `target` is built from slugs only, so it is safe as is."""
    return Markup(f"[{md_text(text)}]({target})")


# --- the catalog, indexed once ----------------------------------------------------------
@dataclass
class FolderNode:
    folder: LookerFolder | None  # None: items whose folder is missing from the snapshot
    title: str
    page: str  # relative to docs/
    items: list[LookerItem] = field(default_factory=list)
    children: list[FolderNode] = field(default_factory=list)
    depth: int = 0
    has_page: bool = False  # it or a subfolder holds a published item (see `build_index`)

    @property
    def file(self) -> str:
        """The page's file name, for links between folder pages (same directory)."""
        return self.page.rsplit("/", 1)[-1]

    @property
    def indent(self) -> Markup:
        """Leading spaces that nest this folder's entry in the index's Markdown list."""
        return Markup("    " * self.depth)

    @property
    def index_link(self) -> str:
        """The page as linked from `looker/index.md`."""
        return self.page.removeprefix("looker/")


@dataclass
class LookerIndex:
    nodes: dict[str, FolderNode]  # by folder id
    tree: list[FolderNode]  # depth-first, with `depth`, for a nested list
    unfiled: FolderNode | None

    def node_for(self, item: LookerItem) -> FolderNode | None:
        node = self.nodes.get(item.folder_id or "")
        return node or self.unfiled


def build_index(catalog: Catalog) -> LookerIndex:
    folders = catalog.looker.folders if catalog.looker else []
    items = catalog.looker.items if catalog.looker else []
    nodes: dict[str, FolderNode] = {}
    for f in folders:
        nodes.setdefault(f.id, FolderNode(f, f.name, folder_page(f)))
    unfiled = FolderNode(None, "Items without a folder", folder_page(None))
    for item in items:
        nodes.get(item.folder_id or "", unfiled).items.append(item)
    roots: list[FolderNode] = []
    for node in nodes.values():
        parent = nodes.get(node.folder.parent_id or "") if node.folder else None
        if parent is None or parent is node:
            roots.append(node)
        else:
            parent.children.append(node)
    for node in [*nodes.values(), unfiled]:
        node.children.sort(key=lambda n: (n.title.casefold(), n.title))
        node.items.sort(key=lambda i: (-i.view_count, i.title.casefold(), i.kind, i.id))
    roots.sort(key=lambda n: (n.title.casefold(), n.title))

    # Depth-first without recursion; folders caught in a parent cycle (bad data) are
    # unreachable from any root and are appended as roots so no page is orphaned.
    tree: list[FolderNode] = []
    seen: set[int] = set()

    def walk(start: FolderNode) -> None:
        stack = [(start, 0)]
        while stack:
            node, depth = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            node.depth = depth
            tree.append(node)
            stack.extend((c, depth + 1) for c in reversed(node.children))

    for root in roots:
        walk(root)
    for node in nodes.values():
        if id(node) not in seen:
            walk(node)
    # Children come after their parent in `tree`, so going backwards settles them first.
    for node in reversed(tree):
        node.has_page = bool(node.items) or any(c.has_page for c in node.children)
    unfiled.has_page = bool(unfiled.items)
    return LookerIndex(nodes, tree, unfiled if unfiled.items else None)


def is_unused(item: LookerItem, pulled_at: datetime, days: int) -> bool:
    """No view in the `days` days before the pull: last viewed at least `days` ago, or never.

    A view exactly `days` days before `pulled_at` counts as unused (the whole window of
    `days` days passed without a view); one second later it does not. System Activity's
    90-day count is the second witness: an item it saw viewed within a window no longer
    than `days` is in use even if the search reported no last-viewed time.
    """
    if item.recent_views and days >= RECENT_DAYS:
        return False
    last = item.last_viewed_at
    if last is None:
        return True
    return pulled_at - last >= timedelta(days=days)


def _render(template: str, catalog: Catalog, **context) -> str:
    return render(template, catalog=catalog, notice_source="looker", **context)


def missing_snapshot_spec(catalog: Catalog, path: str, title: str) -> PageSpec:
    """A Looker page while there is no Looker snapshot: its title and what to run."""
    page = Page(path, _render("looker_missing.md.j2", catalog, title=title), EDIT_PATH)
    return PageSpec(path, lambda: digest(page.content), lambda: page)


def specs(catalog: Catalog) -> Iterable[PageSpec]:
    """The catalog's pages; folder pages keyed by their own folder, the rest by the snapshot."""
    if catalog.looker is None:
        yield missing_snapshot_spec(catalog, LOOKER_INDEX, "Looker catalog")
        yield missing_snapshot_spec(catalog, LOOKER_BOARDS, "Boards")
        yield missing_snapshot_spec(catalog, LOOKER_EXPLORES, "Explores and fields")
        yield missing_snapshot_spec(catalog, LOOKER_UNUSED, "Unused content")
        return
    index = build_index(catalog)
    notices = render("_notices.md.j2", catalog=catalog, notice_source="looker")
    folders = list(_folder_specs(catalog, index, notices))
    keys: dict[str, str] = {}

    def whole() -> str:
        """The index, boards, explores and unused pages summarise the whole snapshot: one
        key for all, of the folder pages' keys (which cover every item) and the rest."""
        if not keys:
            assert catalog.looker is not None
            rest = catalog.looker.model_dump_json(exclude={"items", "folders"})
            folder_keys = [f.key() for f in folders]
            keys["whole"] = digest(
                notices, catalog.policy, rest, catalog.hidden_broken, folder_keys
            )
        return keys["whole"]

    yield PageSpec(LOOKER_INDEX, whole, lambda: _index_page(catalog, index))
    yield from folders
    yield PageSpec(LOOKER_BOARDS, whole, lambda: _boards_page(catalog, index))
    yield PageSpec(LOOKER_EXPLORES, whole, lambda: _explores_page(catalog))
    owners = unused_by_owner(catalog)
    yield PageSpec(LOOKER_UNUSED, whole, lambda: _unused_page(catalog, index, owners))
    yield from _unused_owner_specs(catalog, index, notices, owners)


def pages(catalog: Catalog) -> Iterable[Page]:
    for spec in specs(catalog):
        yield spec.render()


def _index_page(catalog: Catalog, index: LookerIndex) -> Page:
    snapshot = catalog.looker
    assert snapshot is not None
    items = snapshot.items
    most_viewed = heapq.nlargest(
        TOP_N, items, key=lambda i: (i.recent_views or 0, i.view_count, i.favorite_count)
    )
    recent = heapq.nlargest(
        TOP_N,
        (i for i in items if i.updated_at is not None),
        key=lambda i: i.updated_at,
    )
    counts = {
        "folders": len(index.nodes),
        "dashboards": sum(1 for i in items if i.kind == "dashboard"),
        "looks": sum(1 for i in items if i.kind == "look"),
        "explores": len(snapshot.explores),
        "fields": sum(1 for e in snapshot.explores for f in e.fields if not f.hidden),
    }
    return Page(
        LOOKER_INDEX,
        _render(
            "looker_index.md.j2",
            catalog,
            counts=counts,
            most_viewed=most_viewed,
            recent=recent,
            index=index,
            page_link=_page_link,
            validated=validated(catalog),
            health=Health(len(catalog.broken), catalog.hidden_broken, len(catalog.owner_left)),
            caveat=validation_caveat(catalog),
        ),
        EDIT_PATH,
    )


@dataclass(frozen=True)
class Health:
    """The index's counts of what a reader should not trust: broken published items, broken
    unpublished ones (a count, never names), published items whose owner left."""

    broken: int
    hidden: int
    owner_left: int


def _folder_page(
    catalog: Catalog, node: FolderNode, crumbs: list[FolderNode], trust: TrustLines
) -> Page:
    return Page(
        node.page,
        _render(
            "looker_folder.md.j2",
            catalog,
            node=node,
            crumbs=crumbs,
            page_link=_page_link,
            entry=lambda i: folder_entry(catalog, i, trust),
            caveat=validation_caveat(catalog),
            broken=any(catalog.validation_errors(i.kind, i.id) for i in node.items),
        ),
        EDIT_PATH,
    )


_OPEN_IN_LOOKER = md_text("Open in Looker")


def folder_entry(catalog: Catalog, item: LookerItem, trust: TrustLines) -> Markup:
    """An item's entry on its folder page, in Markdown, without its last line break: its
    heading with the anchor links to it use, the lines under it (`item_meta`), its
    description, and when Looker's content validator found it broken, every error in an
    admonition.

    Written here, not as a dozen template expressions: 20,000 entries a build. Untrusted
    text is escaped as `finalize` escapes a template's values (`md_text`); the anchor is a
    slug of `[a-z0-9-]`.
    """
    lines = [f"### {md_text(item.title)} {{ #{item_anchor(item)} }}", ""]
    lines += [item_meta(catalog, item, trust), ""]
    if item.description:
        lines += [md_text(item.description), ""]
    errors = catalog.validation_errors(item.kind, item.id)
    if errors:
        lines += [f'!!! failure "{BROKEN}"', ""]
        lines += [f"    - {line}" for line in error_lines(errors)]
        lines.append("")
    return Markup("\n".join(lines))


def item_meta(catalog: Catalog, item: LookerItem, trust: TrustLines) -> Markup:
    """The lines under an item's heading on its folder page: kind, link to Looker, owner,
    last update, views and favorites, then its trust line (all but the owner left out of
    the search index).

    Written here as one string, not as a dozen template expressions: 20,000 items a build.
    Every value is escaped as `finalize` escapes a template's (`md_text`, or our filters'
    own output: `link`, `format_date`, `number`).
    """
    views = "view" if item.view_count == 1 else "views"
    favorites = ""
    if item.favorite_count:
        noun = "favorite" if item.favorite_count == 1 else "favorites"
        favorites = f" · {number(item.favorite_count)} {noun}"
    return Markup(
        f'<span class="hb-meta"><span data-search-exclude>{md_text(item.kind.capitalize())} · '
        f"{link(_OPEN_IN_LOOKER, catalog.item_url(item))} · </span>"
        f"owner {md_text(item.owner or '—')}<span data-search-exclude> · "
        f"updated {format_date(item.updated_at)} · {number(item.view_count)} {views} "
        f"since created{favorites}<br>{trust(item)}</span></span>"
    )


def _folder_key(
    node: FolderNode,
    crumbs: list[FolderNode],
    notices: str,
    catalog: Catalog,
    sources: Callable[[LookerItem], str],
) -> str:
    """Every input a folder page shows: the folder, its items with their errors and the
    inputs of their trust lines (each item's values, whether content is validated, the
    freshness of the sources behind its explore: statuses as aged to this build, never the
    build time), subfolders, breadcrumbs."""
    return digest(
        notices,
        catalog.base_url,
        node.folder,
        node.title,
        [catalog.item_key(i) for i in node.items],
        [sources(i) for i in node.items],
        validated(catalog),
        [catalog.validation_errors(i.kind, i.id) for i in node.items],
        validation_caveat(catalog),
        [(c.title, c.file, len(c.items), c.has_page) for c in node.children],
        [(c.title, c.file, c.has_page) for c in crumbs],
    )


def _folder_specs(catalog: Catalog, index: LookerIndex, notices: str) -> Iterable[PageSpec]:
    # One `TrustLines` for every folder page, and for their keys: the sources part of a
    # trust line is worked out once per explore, not once per item (20,000 of them).
    trust = TrustLines(catalog)

    def sources(item: LookerItem) -> str:
        return str(trust.sources(item))

    for node in [*index.nodes.values(), *([index.unfiled] if index.unfiled else [])]:
        if not node.has_page:
            continue
        path = catalog.folder_paths.get(node.folder.id, []) if node.folder else []
        crumbs = [index.nodes[f.id] for f in path[:-1] if f.id in index.nodes]
        key = once(
            lambda node=node, crumbs=crumbs: _folder_key(node, crumbs, notices, catalog, sources)
        )
        yield PageSpec(node.page, key, lambda n=node, c=crumbs: _folder_page(catalog, n, c, trust))


def _boards_page(catalog: Catalog, index: LookerIndex) -> Page:
    """One section per published board; its items link to their folder's catalog page.

    The published view already dropped excluded, trashed and unknown items from each
    section (`policy.apply_policy`), so nothing here can name one.
    """
    boards = sorted(catalog.boards.values(), key=lambda b: (b.title.casefold(), b.id))
    return Page(
        LOOKER_BOARDS,
        _render(
            "looker_boards.md.j2",
            catalog,
            boards=boards,
            items=catalog.items,
            index=index,
            page_link=_page_link,
            board_anchor=lambda b: Markup(board_anchor(b)),
            item_anchor=lambda i: Markup(item_anchor(i)),  # [a-z0-9-] only
        ),
        EDIT_PATH,
    )


def _explores_page(catalog: Catalog) -> Page:
    models: dict[str, list[LookerExplore]] = {}
    for explore in catalog.looker.explores if catalog.looker else []:
        models.setdefault(explore.model, []).append(explore)
    return Page(
        LOOKER_EXPLORES,
        _render(
            "looker_explores.md.j2",
            catalog,
            models=[
                (model, sorted(explores, key=lambda e: ((e.label or e.name).casefold(), e.name)))
                for model, explores in sorted(models.items())
            ],
            explore_anchor=lambda e: Markup(explore_anchor(e)),  # [a-z0-9-] only
        ),
        EDIT_PATH,
    )


# --- unused content ---------------------------------------------------------------------
@dataclass(frozen=True)
class OwnerUnused:
    """One owner's unused items, oldest last view first (never viewed before any), and the
    address of the page listing them."""

    owner: str  # exactly as Looker has it; "" for items without an owner
    page: str
    items: list[LookerItem]

    @property
    def never(self) -> int:
        return sum(1 for i in self.items if i.last_viewed_at is None)

    @property
    def oldest(self) -> datetime | None:
        """The oldest last view; None when an item was never viewed."""
        return self.items[0].last_viewed_at

    @property
    def title(self) -> Markup:
        """The page's title: our words, the owner's name escaped."""
        if not self.owner:
            return Markup("Unused content with no owner")
        return Markup("Unused content: ") + md_text(self.owner)

    @property
    def whose(self) -> Markup:
        if not self.owner:
            return Markup("that have no owner in Looker")
        return Markup("owned by ") + md_text(self.owner)


def unused_by_owner(catalog: Catalog) -> list[OwnerUnused]:
    """The published items nobody viewed in `unused_after_days`, by owner: owners in name
    order (case-insensitive), items without an owner last."""
    snapshot = catalog.looker
    assert snapshot is not None
    days = catalog.policy.unused_after_days
    owners: dict[str, list[LookerItem]] = {}
    for item in snapshot.items:
        if is_unused(item, snapshot.pulled_at, days):
            # A blank name would be an empty link on the summary: no owner, as Looker shows it.
            owner = item.owner if item.owner and item.owner.strip() else ""
            owners.setdefault(owner, []).append(item)
    pages = unused_owner_pages(owners)
    never = datetime.min.replace(tzinfo=UTC)
    return [
        OwnerUnused(
            owner, pages[owner], sorted(group, key=lambda i: (i.last_viewed_at or never, i.title))
        )
        for owner, group in sorted(
            owners.items(), key=lambda kv: (kv[0] == "", kv[0].casefold(), kv[0])
        )
    ]


def _unused_context(catalog: Catalog) -> dict:
    """What the summary and every owner's page say about the rule: its days and cutoff."""
    assert catalog.looker is not None
    days = catalog.policy.unused_after_days
    return {"days": days, "cutoff": catalog.looker.pulled_at - timedelta(days=days)}


def _unused_page(catalog: Catalog, index: LookerIndex, owners: list[OwnerUnused]) -> Page:
    return Page(
        LOOKER_UNUSED,
        _render(
            "looker_unused.md.j2",
            catalog,
            **_unused_context(catalog),
            groups=owners,
            total=sum(len(g.items) for g in owners),
            owner_left=catalog.owner_left,
            index=index,
            page_link=_page_link,
            owner_link=lambda g: relative_to(LOOKER_UNUSED, g.page),
            no_owner=Markup("*No owner*"),  # italic: no owner's name can look like it
        ),
        EDIT_PATH,
    )


def _unused_owner_page(catalog: Catalog, index: LookerIndex, group: OwnerUnused) -> Page:
    return Page(
        group.page,
        _render(
            "looker_unused_owner.md.j2",
            catalog,
            **_unused_context(catalog),
            group=group,
            title=group.title,
            whose=group.whose,
            rows=unused_rows(catalog, index, group),
        ),
        EDIT_PATH,
    )


def unused_rows(catalog: Catalog, index: LookerIndex, group: OwnerUnused) -> list[Markup]:
    """The rows of an owner's table: linked title, kind, linked folder, last view, views in
    the last 90 days and lifetime, escaped as `finalize` escapes a template's values.

    Written here, not as template expressions: 11,000 rows a build at 20,000 items. Each
    folder's link is made once per page."""
    folders: dict[str, Markup] = {}
    rows = []
    for item in group.items:
        node = index.node_for(item)
        assert node is not None  # an item outside every folder is on the unfiled page
        if node.page not in folders:
            folders[node.page] = _page_link(node.title, relative_to(group.page, node.page))
        seen = format_date(item.last_viewed_at) if item.last_viewed_at else "never"
        rows.append(
            Markup(
                f"| {link(item.title, catalog.item_url(item))} | {md_text(item.kind)} | "
                f"{folders[node.page]} | {seen} | {number(item.recent_views)} | "
                f"{number(item.view_count)} |"
            )
        )
    return rows


def _unused_owner_specs(
    catalog: Catalog, index: LookerIndex, notices: str, owners: list[OwnerUnused]
) -> Iterable[PageSpec]:
    """One page per owner, keyed by what it shows: the rule (days, the pull's time), its
    items' values and their folders' names and addresses. Another owner's change, or a
    change to an item still in use, renders none of it again."""
    context = _unused_context(catalog)
    for group in owners:

        def key(group: OwnerUnused = group) -> str:
            folders = [index.node_for(i) for i in group.items]
            return digest(
                notices,
                catalog.base_url,
                context["days"],
                context["cutoff"],
                group.owner,
                group.page,
                [catalog.item_key(i) for i in group.items],
                [(n.title, n.page) if n else None for n in folders],
            )

        yield PageSpec(group.page, once(key), lambda g=group: _unused_owner_page(catalog, index, g))
