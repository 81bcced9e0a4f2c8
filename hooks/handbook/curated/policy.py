"""Which Looker content may appear on the published site (`catalog/looker.yml`).

The policy is applied once, to the snapshot, before anything renders: a page template
never sees an excluded item, so no template can leak one. Excluding a folder excludes its
whole subtree; personal folders (and everything below them) stay private unless the policy
says `include_personal: true`.

Boards are not in folders, so folder exclusion cannot hold one back: `exclude_boards` does.
A published board keeps its sections, but a section lists only the looks and dashboards
that are themselves published; excluded, trashed or unknown ones are dropped from the
published board (the page does not even say how many), so no excluded title reaches a page.
The content validator's errors are kept for published looks and dashboards only (those of
excluded ones are counted, `hidden_broken`), and a broken tile that shows an unpublished
look loses its title.

`standing` is the one rule that tells published, excluded, trashed and missing content
apart; the reference check, the metric and reports checks and `check-links` all ask it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from handbook.curated.yaml_source import load_yaml, validate
from handbook.snapshot.model import (
    ContentValidation,
    LookerBoard,
    LookerBoardSection,
    LookerFolder,
    LookerId,
    LookerItem,
    LookerSnapshot,
)

DEFAULT_BASE_URL = "https://sourcegraph.looker.com"


class LookerPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str = DEFAULT_BASE_URL
    exclude_folders: list[LookerId] = Field(default_factory=list)
    include_personal: bool = False
    # Board ids never published (boards are not in folders, so exclude_folders misses them).
    exclude_boards: list[LookerId] = Field(default_factory=list)
    # Content with no view for this many days is listed on the "unused content" page.
    unused_after_days: int = Field(default=90, ge=1)
    # Ask Looker's content validator on each pull (GET /content_validation, minutes on a
    # big instance) and show the broken looks and dashboards; false never asks it.
    content_validation: bool = True
    # Where it was written, for messages; never part of a dump.
    file: str = Field(default="catalog/looker.yml", exclude=True)
    exclude_lines: list[int | None] = Field(default_factory=list, exclude=True)
    exclude_board_lines: list[int | None] = Field(default_factory=list, exclude=True)


def load_policy(path: Path, display: str | None = None) -> LookerPolicy:
    if not path.is_file():
        return LookerPolicy()
    doc = load_yaml(path, display)
    doc.data = doc.data or {}  # an empty file is the default policy
    policy = validate(doc, LookerPolicy)
    assert isinstance(policy, LookerPolicy)
    policy.file = doc.display
    policy.exclude_lines = [
        doc.lines.line_for(("exclude_folders", i)) for i in range(len(policy.exclude_folders))
    ]
    policy.exclude_board_lines = [
        doc.lines.line_for(("exclude_boards", i)) for i in range(len(policy.exclude_boards))
    ]
    return policy


def folder_paths(folders: list[LookerFolder]) -> dict[str, list[LookerFolder]]:
    """Each folder's path from the root, built locally from one `all_folders` answer.

    Iterative with memoisation, so 20,000 folders cost linear time, and a parent cycle in
    bad data ends the walk instead of recursing forever.
    """
    by_id = {f.id: f for f in folders}
    paths: dict[str, list[LookerFolder]] = {}
    for folder in folders:
        chain: list[LookerFolder] = []
        seen: set[str] = set()
        current: LookerFolder | None = folder
        while current is not None and current.id not in paths and current.id not in seen:
            seen.add(current.id)
            chain.append(current)
            current = by_id.get(current.parent_id) if current.parent_id else None
        prefix = paths[current.id] if current is not None and current.id in paths else []
        for node in reversed(chain):
            prefix = [*prefix, node]
            paths[node.id] = prefix
    return paths


Standing = Literal["published", "excluded", "deleted", "missing"]
PUBLISHED, EXCLUDED, DELETED, MISSING = "published", "excluded", "deleted", "missing"
Content = LookerItem | LookerBoard


def standing(
    content: Content | None, excluded_folders: set[str], excluded_boards: set[str]
) -> Standing:
    """Where one look, dashboard or board stands: the rule every check shares.

    Missing when Looker does not know it; excluded when the policy holds it back (its folder,
    or for a board its id), even if it is also trashed, since an excluded title is never
    shown; deleted when it is in Looker's trash; published otherwise.
    """
    if content is None:
        return MISSING
    if isinstance(content, LookerBoard):
        held = content.id in excluded_boards
    else:
        held = content.folder_id in excluded_folders
    if held:
        return EXCLUDED
    return DELETED if content.deleted else PUBLISHED


@dataclass
class PublishedView:
    """The part of a snapshot the site may show, and what was held back."""

    snapshot: LookerSnapshot
    excluded_folder_ids: set[str] = field(default_factory=set)
    excluded_items: dict[tuple[str, str], LookerItem] = field(default_factory=dict)
    # Items in Looker's trash: never published, but the link check reports them as deleted.
    deleted_items: dict[tuple[str, str], LookerItem] = field(default_factory=dict)
    excluded_board_ids: set[str] = field(default_factory=set)
    # Every board of the pull by id, published or not, for `lookup`.
    all_boards: dict[str, LookerBoard] = field(default_factory=dict)
    # Whether the snapshot says which boards Looker has (older snapshots predate boards).
    boards_pulled: bool = True
    # Looks and dashboards the content validator found broken that are not published
    # (excluded or private): pages may count them, never name them.
    hidden_broken: int = 0
    # What the view was made from: the parsed snapshot (the very object) and the policy.
    made_from: tuple[LookerSnapshot, LookerPolicy] | None = None

    def made_from_same(self, snapshot: LookerSnapshot, policy: LookerPolicy) -> bool:
        """Whether this view is what `apply_policy(snapshot, policy)` makes: the same parse
        (a long-lived process reuses it while the file is unchanged) under an equal policy."""
        return (
            self.made_from is not None
            and self.made_from[0] is snapshot
            and self.made_from[1] == policy
        )

    def lookup(self, kind: str, content_id: str) -> tuple[Standing, Content | None]:
        """The standing of a look, dashboard or board by id, with what the snapshot holds.

        The content is returned whatever its standing, so a report can name it; pages must
        not show the title of anything but published content.
        """
        if kind == "board":
            board = self.all_boards.get(content_id)
            return standing(board, self.excluded_folder_ids, self.excluded_board_ids), board
        key = (kind, content_id)
        item = self.excluded_items.get(key) or self.deleted_items.get(key)
        if item is None:
            item = self.published_items.get(key)
        return standing(item, self.excluded_folder_ids, self.excluded_board_ids), item

    @cached_property
    def published_items(self) -> dict[tuple[str, str], LookerItem]:
        return {(i.kind, i.id): i for i in self.snapshot.items}


def apply_policy(snapshot: LookerSnapshot, policy: LookerPolicy) -> PublishedView:
    paths = folder_paths(snapshot.folders)
    blocked = set(policy.exclude_folders)
    excluded: set[str] = set()
    for folder in snapshot.folders:
        chain_ids = {f.id for f in paths.get(folder.id, [folder])}
        private = (
            folder.is_personal
            or folder.is_personal_descendant
            or any(f.is_personal for f in paths.get(folder.id, []))
        )
        if chain_ids & blocked or (private and not policy.include_personal):
            excluded.add(folder.id)
    kept_items, held, trashed = [], {}, {}
    for item in snapshot.items:
        if item.folder_id in excluded:
            held[(item.kind, item.id)] = item
        elif item.deleted:
            trashed[(item.kind, item.id)] = item
        else:
            kept_items.append(item)
    keys = {(i.kind, i.id) for i in kept_items}
    blocked_boards = set(policy.exclude_boards)
    boards = [
        _published_board(b, keys)
        for b in snapshot.boards
        if standing(b, excluded, blocked_boards) == PUBLISHED
    ]
    validation = snapshot.content_validation
    published = snapshot.model_copy(
        update={
            "folders": [f for f in snapshot.folders if f.id not in excluded],
            "items": kept_items,
            "boards": boards,
            "content_validation": validation and _published_validation(validation, keys),
        }
    )
    all_boards = {b.id: b for b in snapshot.boards}
    pulled = "boards" in snapshot.model_fields_set
    hidden = sum((b.kind, b.id) in held for b in validation.items) if validation else 0
    return PublishedView(
        published,
        excluded,
        held,
        trashed,
        blocked_boards,
        all_boards,
        pulled,
        hidden,
        made_from=(snapshot, policy),
    )


def _published_validation(
    validation: ContentValidation, published: set[tuple[str, str]]
) -> ContentValidation:
    """The validator's errors of published looks and dashboards only; a tile's title (and
    look id) is withheld when the tile shows a look that is not published (a tile's title
    may repeat its look's)."""
    items = [
        item.model_copy(
            update={
                "errors": [
                    e
                    if e.tile_look is None or ("look", e.tile_look) in published
                    else e.model_copy(update={"tile": None, "tile_look": None})
                    for e in item.errors
                ]
            }
        )
        for item in validation.items
        if (item.kind, item.id) in published
    ]
    return validation.model_copy(update={"items": items})


def _published_board(board: LookerBoard, published: set[tuple[str, str]]) -> LookerBoard:
    """The board with only published looks and dashboards left in its sections."""
    sections = [
        LookerBoardSection(
            id=s.id,
            title=s.title,
            description=s.description,
            items=[i for i in s.items if (i.kind, i.id) in published],
        )
        for s in board.sections
    ]
    return board.model_copy(update={"sections": sections})


ExclusionKey = Literal["exclude_folders", "exclude_boards"]


@dataclass(frozen=True)
class UnknownExclusion:
    """An id under `exclude_folders` or `exclude_boards` that Looker does not have."""

    key: ExclusionKey
    id: str
    line: int | None

    @property
    def noun(self) -> str:
        return "folder" if self.key == "exclude_folders" else "board"


def unknown_exclusions(view: PublishedView, policy: LookerPolicy) -> list[UnknownExclusion]:
    """Excluded folder and board ids the snapshot does not have, with their lines: a typo
    there would publish the folder or board it meant to hide.

    Boards are only checked against a snapshot that has them: one pulled before boards
    were (no `boards` key) says nothing about which boards Looker has.
    """
    checks: list[tuple[ExclusionKey, list[str], list[int | None], set[str]]] = [
        (
            "exclude_folders",
            policy.exclude_folders,
            policy.exclude_lines,
            {f.id for f in view.snapshot.folders} | view.excluded_folder_ids,
        )
    ]
    if view.boards_pulled:
        checks.append(
            (
                "exclude_boards",
                policy.exclude_boards,
                policy.exclude_board_lines,
                set(view.all_boards),
            )
        )
    found = []
    for key, ids, lines, known in checks:
        padded = lines or [None] * len(ids)
        found += [
            UnknownExclusion(key, content_id, line)
            for content_id, line in zip(ids, padded, strict=False)
            if content_id not in known
        ]
    return found
