"""Small in-memory Looker snapshots and catalogs, and the Looker pages made of them.

A test builds exactly the folders and items it is about (`snapshot`, `folder`, `item`), pulled
at PULLED and built at BUILT, and checks the pages `looker_pages_by_path` renders.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from handbook.catalog import Catalog
from handbook.curated.policy import LookerPolicy, apply_policy
from handbook.curated.reports import ReportList
from handbook.project import Project
from handbook.render.page import Page
from handbook.render.pages import broken_pages, change_pages, looker_pages
from handbook.snapshot.model import LookerFolder, LookerItem, LookerSnapshot

PULLED = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
BUILT = PULLED + timedelta(days=3, hours=2)


def item(id: str, title: str | None = None, *, kind: str = "look", **kw) -> LookerItem:
    """A look (or `kind`) in folder 10, viewed a day and updated ten days before the pull."""
    kw.setdefault("folder_id", "10")
    kw.setdefault("last_viewed_at", PULLED - timedelta(days=1))
    kw.setdefault("updated_at", PULLED - timedelta(days=10))
    return LookerItem(kind=kind, id=id, title=title or f"Item {id}", **kw)


def folder(id: str, name: str, parent_id: str | None = None, **kw) -> LookerFolder:
    """A Looker folder (below `parent_id` when given)."""
    return LookerFolder(id=id, name=name, parent_id=parent_id, **kw)


def snapshot(items=(), folders=None, explores=(), pulled_at=PULLED) -> LookerSnapshot:
    """A Looker snapshot of `items`, in Shared/Team unless `folders` are given."""
    if folders is None:
        folders = [folder("1", "Shared"), folder("10", "Team", "1")]
    return LookerSnapshot(
        pulled_at=pulled_at,
        base_url="https://example.looker.com",
        folders=list(folders),
        items=list(items),
        explores=list(explores),
    )


def make_catalog(
    snap: LookerSnapshot | None,
    *,
    policy: LookerPolicy | None = None,
    notices=(),
    root: Path = Path("/nonexistent"),
    built_at: datetime = BUILT,
) -> Catalog:
    """A catalog of `snap` alone (no metrics, sources or reports), built at `built_at`, with
    `policy` applied and `notices` shown."""
    policy = policy or LookerPolicy()
    return Catalog(
        project=Project(root),
        policy=policy,
        view=apply_policy(snap, policy) if snap else None,
        freshness=None,
        sources=[],
        metrics=[],
        reports=ReportList(),
        built_at=built_at,
        notices=list(notices),
    )


def looker_pages_by_path(catalog: Catalog) -> dict[str, Page]:
    """Every page below looker/ (the catalog, broken content, what changed)."""
    modules = (looker_pages, broken_pages, change_pages)
    return {p.path: p for m in modules for p in m.pages(catalog) if p.path.endswith(".md")}
