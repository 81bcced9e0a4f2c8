"""Which looks, dashboards and boards Looker knows now, by id (`check-links --live`).

The live link check asks about the ids a handbook links to, not the whole catalog, in a
handful of requests whatever their number: ids go `id=1,2,3` in batches
(`PullSettings.id_batch`), never one request per id.
"""

from __future__ import annotations

from handbook.looker.boards import pull_boards
from handbook.looker.client import LookerClient
from handbook.looker.pull_settings import PullSettings
from handbook.looker.rows import DELETED_FIELDS, LIVE_BOARD_FIELDS, item
from handbook.snapshot.model import LookerBoard, LookerItem

# What the link check needs of a LookML dashboard: is it there, its title.
LOOKML_IDS_FIELDS = "id,title,model(id)"


def verify_ids(
    ids: dict[str, set[str]], *, settings: PullSettings | None = None
) -> tuple[dict[tuple[str, str], LookerItem | LookerBoard], int]:
    """Which of these look, dashboard and board ids Looker knows (trashed ones deleted=True),
    and the number of requests that took.

    A batch is asked once without a `deleted` filter and once more with `deleted=true` for
    the ids it did not return, so it works whether or not the server includes trashed
    content by default. LookML dashboard ids (`model::name`) are not searchable; one
    `all_dashboards` call covers them. Boards have no search by id: one `all_boards` call
    with a small `fields=` covers them all.
    """
    settings = settings or PullSettings.from_env()
    client = LookerClient(settings)
    client.login()
    found: dict[tuple[str, str], LookerItem | LookerBoard] = {}
    found.update(_verify_searchable(client, ids, settings.id_batch))
    lookml_ids = {i for i in ids.get("dashboard", set()) if "::" in i}
    if lookml_ids:
        for row in client.get_list("/dashboards", {"fields": LOOKML_IDS_FIELDS}):
            if str(row.get("id")) in lookml_ids:
                dashboard = item("dashboard", row, {})
                found[("dashboard", dashboard.id)] = dashboard
    board_ids = ids.get("board", set())
    if board_ids:
        for board in pull_boards(client, LIVE_BOARD_FIELDS):
            if board.id in board_ids:
                found[("board", board.id)] = board
    return found, client.requests


def _verify_searchable(
    client: LookerClient, ids: dict[str, set[str]], batch_size: int
) -> dict[tuple[str, str], LookerItem]:
    """Looks and numeric dashboards by id, in batches (see `verify_ids`)."""
    found: dict[tuple[str, str], LookerItem] = {}
    paths = {"look": "/looks/search", "dashboard": "/dashboards/search"}
    for kind, path in paths.items():
        wanted = sorted(i for i in ids.get(kind, set()) if "::" not in i)
        for start in range(0, len(wanted), batch_size):
            batch = wanted[start : start + batch_size]
            rows = client.get_list(
                path, {"id": ",".join(batch), "fields": DELETED_FIELDS, "limit": len(batch)}
            )
            seen = {str(r.get("id")) for r in rows}
            missing = [i for i in batch if i not in seen]
            if missing:
                rows += client.get_list(
                    path,
                    {
                        "id": ",".join(missing),
                        "deleted": "true",
                        "fields": DELETED_FIELDS,
                        "limit": len(missing),
                    },
                )
            for row in rows:
                looked_up = item(kind, row, {})
                if looked_up.id in batch:
                    found[(kind, looked_up.id)] = looked_up
    return found
