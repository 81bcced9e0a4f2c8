"""Looker boards in one request: `GET /boards` (all_boards) with a `fields=` projection.

A board is a page of sections, each a list of looks and dashboards. Boards are few next to
looks and dashboards (tens, not thousands), and `all_boards` answers them all, with their
sections and items nested, in a single listed request, so the pull's cost does not grow
with them. How a board row becomes a `LookerBoard` (trashed boards, dropped tiles) is
`rows.board`.
"""

from __future__ import annotations

from typing import Any, Protocol

from handbook.looker.rows import BOARD_FIELDS, board, id_sort_key
from handbook.snapshot.model import LookerBoard


class ListGetter(Protocol):
    """The one call this needs from the Looker client."""

    def get_list(self, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """One GET whose answer is a JSON list of objects."""


def pull_boards(client: ListGetter, fields: str = BOARD_FIELDS) -> list[LookerBoard]:
    """Every board Looker lists (trashed ones marked `deleted`), sorted by id; one request.

    `fields` may leave out the sections (the live link check needs only id, title and
    `deleted_at`); a board without them has none.
    """
    boards = [board(row) for row in client.get_list("/boards", {"fields": fields})]
    return sorted(boards, key=lambda b: id_sort_key(b.id))
