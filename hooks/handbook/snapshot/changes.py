"""What changed in Looker between two pulls, kept for `CHANGE_DAYS` in `changes.json`.

Each successful Looker pull compares its snapshot with the previous one, item by item and
board by board, and appends what it finds: added, trashed, deleted (gone from Looker,
trash included), restored from the trash, renamed (old and new title) and moved (old and
new folder). One item renamed and moved in the same night gives two entries. Content that
appears already trashed, or changes only while in the trash, is not news to anyone.

The entries are raw, whatever the publishing policy: pages filter them with the policy in
force when they are built (`catalog.Catalog.looker_changes`), so each entry carries every
folder id on its before and after paths and whether one of them was personal. A first pull
(no previous snapshot) records nothing. File I/O is `snapshot.store`'s, atomic.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from handbook.curated.policy import folder_paths
from handbook.snapshot.model import (
    CHANGE_DAYS,
    ChangeKind,
    ChangeLog,
    ContentChange,
    LookerBoard,
    LookerFolder,
    LookerItem,
    LookerSnapshot,
)

Content = LookerItem | LookerBoard


class _Paths:
    """Folder paths of one snapshot, for the `folders` and `personal` of an entry."""

    def __init__(self, folders: list[LookerFolder]) -> None:
        self.paths = folder_paths(folders)

    def of(self, folder_id: str | None) -> list[LookerFolder]:
        return self.paths.get(folder_id or "", [])


def changes_between(old: LookerSnapshot, new: LookerSnapshot) -> list[ContentChange]:
    """Everything that changed from `old` to `new`, stamped with `new.pulled_at`."""
    paths = (_Paths(old.folders), _Paths(new.folders))
    before, after = _by_key(old), _by_key(new)
    found: list[ContentChange] = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[0], len(k[1]), k[1])):
        found += _changes_of(key, before.get(key), after.get(key), new.pulled_at, paths)
    return found


def _by_key(snapshot: LookerSnapshot) -> dict[tuple[str, str], Content]:
    out: dict[tuple[str, str], Content] = {(i.kind, i.id): i for i in snapshot.items}
    out.update({("board", b.id): b for b in snapshot.boards})
    return out


def _changes_of(
    key: tuple[str, str],
    old: Content | None,
    new: Content | None,
    at: datetime,
    paths: tuple[_Paths, _Paths],
) -> list[ContentChange]:
    kinds: list[ChangeKind] = []
    if old is None:
        kinds = [] if new is None or new.deleted else ["added"]
    elif new is None:
        kinds = ["deleted"]
    elif old.deleted != new.deleted:
        kinds = ["trashed" if new.deleted else "restored"]
    elif not new.deleted:
        kinds = [k for k, differs in _edits(old, new) if differs]
    return [_entry(key, kind, old, new, at, paths) for kind in kinds]


def _edits(old: Content, new: Content) -> Iterable[tuple[ChangeKind, bool]]:
    yield "renamed", old.title != new.title
    if isinstance(old, LookerItem) and isinstance(new, LookerItem):
        yield "moved", old.folder_id != new.folder_id


def _entry(
    key: tuple[str, str],
    change: ChangeKind,
    old: Content | None,
    new: Content | None,
    at: datetime,
    paths: tuple[_Paths, _Paths],
) -> ContentChange:
    last = new or old
    assert last is not None
    chain = [*paths[0].of(_folder(old)), *paths[1].of(_folder(new))]
    return ContentChange(
        at=at,
        kind=key[0],  # type: ignore[arg-type]
        id=key[1],
        change=change,
        title=last.title,
        old_title=old.title if old is not None and change != "added" else None,
        folder_id=_folder(last),
        old_folder_id=_folder(old),
        folders=list(dict.fromkeys(f.id for f in chain)),
        personal=any(f.is_personal or f.is_personal_descendant for f in chain),
    )


def _folder(content: Content | None) -> str | None:
    return content.folder_id if isinstance(content, LookerItem) else None


def appended(log: ChangeLog | None, found: list[ContentChange], now: datetime) -> ChangeLog:
    """`log` with `found` added and entries older than CHANGE_DAYS (by pull time) dropped."""
    since = now - timedelta(days=CHANGE_DAYS)
    kept = [c for c in (log.changes if log else []) if c.at >= since]
    return ChangeLog(changes=[*kept, *found])
