"""Looker's long answers, page by page, each row exactly once; else the pull fails.

Two kinds of request answer in pages, and each has one function here:

- searches and user lists (`search_pages`) page by offset. Offset pages are only a
  partition of the whole list when the order is stable, and Looker documents no default
  order, so every page asks `sorts=id` and the ids must come strictly ascending across
  pages: a duplicate or an id out of order means the pages overlapped (and so, as many
  rows were skipped), and the pull fails rather than publish a catalog with holes.
- inline queries (System Activity, `keyset_pages`) have no offset, so pages are keyed on
  the id: rows come sorted by id, a full page drops its last id (its rows may continue on
  the next page) and the next page asks for ids at least that one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from handbook.errors import PullError
from handbook.looker.client import LookerClient
from handbook.looker.faults import SOURCE
from handbook.looker.rows import id_sort_key
from handbook.progress import Progress

Row = TypeVar("Row")
# Upper bounds on the number of pages, so a server that never stops cannot hang a pull.
MAX_SEARCH_PAGES = 100_000
MAX_QUERY_PAGES = 10_000


def search_pages(
    client: LookerClient,
    path: str,
    params: dict[str, Any],
    progress: Progress,
    what: str,
    convert: Callable[[dict[str, Any]], Any] = lambda row: row,
) -> list[Any]:
    """Every row of a listing, `client.settings.page_size` a page, each exactly once.

    Each page is converted (`convert`) as soon as it arrives, on the caller's worker
    thread, so CPU work overlaps other requests' waits.
    """
    size = client.settings.page_size
    rows: list[Any] = []
    last: tuple[int, int, str] | None = None
    for page in range(MAX_SEARCH_PAGES):
        batch = client.get_list(
            path, {**params, "sorts": "id", "limit": size, "offset": page * size}
        )
        last = _check_ascending(path, what, batch, last)
        rows.extend(convert(row) for row in batch)
        if len(batch) < size:
            break
        progress.step(f"looker: {len(rows):,} {what} so far")
    return rows


def _check_ascending(
    path: str, what: str, batch: list[dict[str, Any]], last: tuple[int, int, str] | None
) -> tuple[int, int, str] | None:
    """The last id's sort key, after checking this page continues the previous one."""
    for row in batch:
        raw = row.get("id")
        if raw in (None, ""):
            raise PullError(SOURCE, f"Looker answered GET {path} with a row without an id")
        key = id_sort_key(str(raw))
        if last is not None and key <= last:
            why = "twice" if key == last else "out of order"
            raise PullError(
                SOURCE,
                f"GET {path} (sorts=id) returned {what} id {raw} {why}: the pages overlap, so "
                "others may be missing; the pull was stopped and the last snapshot kept",
            )
        last = key
    return last


def keyset_pages(
    ask: Callable[[int | None], list[Row]],
    key: Callable[[Row], int],
    limit: int,
    what: str,
    by: str,
) -> list[Row]:
    """Every row of a query paged on its id `by`; `what` names the source in messages.

    `ask(lower)` answers one page: the rows whose id is at least `lower` (None: from the
    first), sorted by id, at most `limit` of them.
    """
    out: list[Row] = []
    lower: int | None = None
    for _ in range(MAX_QUERY_PAGES):
        page = ask(lower)
        ids = [key(row) for row in page]
        if lower is not None and any(i < lower for i in ids):
            raise PullError(SOURCE, f"{what} ignored the {by} filter")
        if len(page) < limit:
            return out + page
        if ids != sorted(ids) or ids[-1] == lower:
            raise PullError(SOURCE, f"{what} rows cannot be paged by {by}")
        out += [row for row, i in zip(page, ids, strict=True) if i != ids[-1]]
        lower = ids[-1]
    raise PullError(SOURCE, f"{what} pages never end")
