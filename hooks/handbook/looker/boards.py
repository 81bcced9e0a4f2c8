"""Looker boards in one request: `GET /boards` (all_boards) with a `fields=` projection.

A board is a page of sections, each a list of looks and dashboards. Boards are few next to
looks and dashboards (tens, not thousands), and `all_boards` answers them all, with their
sections and items nested, in a single listed request, so the pull's cost does not grow
with them.

Trashed boards: Looker marks them with `deleted_at` (API 4.0 has no `deleted` filter for
boards); a board with `deleted_at` set is kept in the snapshot as `deleted`, so the link
check can call a link to it deleted rather than missing. A trashed section is dropped.
Only the ids of a tile's look or dashboard are kept, never Looker's display title of the
tile, which would repeat an excluded item's title; tiles that are only a custom URL are
not catalog content and are dropped.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import ValidationError

from handbook.errors import PullError
from handbook.looker.client import SOURCE
from handbook.snapshot.model import LookerBoard, LookerBoardItem, LookerBoardSection

BOARD_FIELDS = (
    "id,title,description,deleted_at,section_order,"
    "board_sections(id,title,description,deleted_at,item_order,"
    "board_items(id,look_id,dashboard_id,lookml_dashboard_id,order))"
)
# What `check-links --live` needs of a board: is it there, is it trashed, its title.
LIVE_BOARD_FIELDS = "id,title,deleted_at"


class ListGetter(Protocol):
    def get_list(self, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """One GET whose answer is a JSON list of objects."""


def pull_boards(client: ListGetter, fields: str = BOARD_FIELDS) -> list[LookerBoard]:
    """Every board Looker lists (trashed ones marked `deleted`), sorted by id; one request.

    `fields` may leave out the sections (the live link check needs only id, title and
    `deleted_at`); a board without them has none.
    """
    boards = [board(row) for row in client.get_list("/boards", {"fields": fields})]
    return sorted(boards, key=lambda b: (len(b.id), b.id))


def _text(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _ordered(rows: object, order: object) -> list[dict[str, Any]]:
    """Rows in the order Looker displays them: the parent's `*_order` ids, then `order`."""
    items = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    rank = {str(v): n for n, v in enumerate(order)} if isinstance(order, list) else {}

    def key(row: dict[str, Any]) -> tuple[int, int, str]:
        at = rank.get(str(row.get("id")), len(rank))
        own = row.get("order") if isinstance(row.get("order"), int) else 0
        return at, own, str(row.get("id"))

    return sorted(items, key=key)


def board_item(row: dict[str, Any]) -> LookerBoardItem | None:
    """The look or dashboard a tile shows, or None for a custom-URL tile."""
    if _text(row.get("look_id")):
        return LookerBoardItem(kind="look", id=str(row["look_id"]))
    dashboard = _text(row.get("dashboard_id")) or _text(row.get("lookml_dashboard_id"))
    return LookerBoardItem(kind="dashboard", id=dashboard) if dashboard else None


def board(row: dict[str, Any]) -> LookerBoard:
    """One `Board` object of the API as the snapshot keeps it."""
    board_id = _text(row.get("id"))
    if board_id is None:
        raise PullError(SOURCE, "Looker returned a board without an id")
    sections = []
    for s in _ordered(row.get("board_sections"), row.get("section_order")):
        if s.get("deleted_at"):
            continue
        tiles = _ordered(s.get("board_items"), s.get("item_order"))
        items = [item for item in map(board_item, tiles) if item is not None]
        sections.append(
            LookerBoardSection(
                id=_text(s.get("id")) or "",
                title=_text(s.get("title")),
                description=_text(s.get("description")),
                items=items,
            )
        )
    try:
        return LookerBoard(
            id=board_id,
            title=_text(row.get("title")) or "",
            description=_text(row.get("description")),
            deleted=bool(row.get("deleted_at")),
            sections=sections,
        )
    except ValidationError as exc:
        raise PullError(SOURCE, f"Looker sent an unreadable board {board_id}: {exc}") from None
