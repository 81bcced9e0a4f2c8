"""Which Looker content may appear on the published site (`catalog/looker.yml`).

The policy is applied once, to the snapshot, before anything renders: a page template
never sees an excluded item, so no template can leak one. Excluding a folder excludes its
whole subtree; personal folders (and everything below them) stay private unless the policy
says `include_personal: true`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from handbook.curated.yaml_source import load_yaml, validate
from handbook.snapshot.model import LookerFolder, LookerId, LookerItem, LookerSnapshot

DEFAULT_BASE_URL = "https://sourcegraph.looker.com"


class LookerPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str = DEFAULT_BASE_URL
    exclude_folders: list[LookerId] = Field(default_factory=list)
    include_personal: bool = False
    # Content with no view for this many days is listed on the "unused content" page.
    unused_after_days: int = Field(default=90, ge=1)
    # Where it was written, for messages; never part of a dump.
    file: str = Field(default="catalog/looker.yml", exclude=True)
    exclude_lines: list[int | None] = Field(default_factory=list, exclude=True)


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


@dataclass
class PublishedView:
    """The part of a snapshot the site may show, and what was held back."""

    snapshot: LookerSnapshot
    excluded_folder_ids: set[str] = field(default_factory=set)
    excluded_items: dict[tuple[str, str], LookerItem] = field(default_factory=dict)
    # Items in Looker's trash: never published, but the link check reports them as deleted.
    deleted_items: dict[tuple[str, str], LookerItem] = field(default_factory=dict)


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
    published = snapshot.model_copy(
        update={
            "folders": [f for f in snapshot.folders if f.id not in excluded],
            "items": kept_items,
        }
    )
    return PublishedView(published, excluded, held, trashed)


def unknown_excluded_folders(
    view: PublishedView, policy: LookerPolicy
) -> list[tuple[str, int | None]]:
    """Excluded folder ids the snapshot does not have, with their lines: a typo there would
    publish the folder it meant to hide."""
    known = {f.id for f in view.snapshot.folders} | view.excluded_folder_ids
    lines = policy.exclude_lines or [None] * len(policy.exclude_folders)
    return [
        (fid, line)
        for fid, line in zip(policy.exclude_folders, lines, strict=False)
        if fid not in known
    ]
