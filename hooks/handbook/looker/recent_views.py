"""Views of each look and dashboard in the last 90 days, from System Activity's history.

Looker's searches report `view_count`, a lifetime total: an item opened 650 times two years
ago and never since looks busy. System Activity's `history` explore (kept for 90 days, which
is why the window is 90) holds every view, so one grouped inline query per kind answers
"views in the last 90 days" for every item at once:

- looks: `look.id`, `history.count`, filtered to `history.source = look` (the look opened
  on its own; its runs as a dashboard tile count for the dashboard);
- dashboards: `dashboard.id`, `history.dashboard_run_count` (one per dashboard load, not
  per tile).

Like the query-usage part (`activity`), it is optional: without see_system_activity the
snapshot keeps `recent_views` unset (pages say the count is unavailable) and the pull warns,
once for all of System Activity (`activity.refusal_warning`).
An item with no history row had no view in the window: 0. LookML dashboards (`model::name`)
are not in the application database's `dashboard.id`, so they stay unset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from handbook.errors import PullError
from handbook.looker.activity import SYSTEM_ACTIVITY, USAGE_LIMIT
from handbook.looker.faults import SOURCE, is_refusal
from handbook.progress import Progress
from handbook.snapshot.model import RECENT_DAYS, LookerItem


class QueryRunner(Protocol):
    """The one call this needs from the Looker client."""

    def run_query(self, model: str, explore: str, body: dict[str, Any]) -> list[dict[str, Any]]: ...


HISTORY = "history"
WINDOW = f"{RECENT_DAYS} days"
# What this part of the snapshot is, as `activity.refusal_warning` names it.
PART = f"the views in the last {WINDOW}"
# kind → (id field, measure, extra filters)
QUERIES: dict[str, tuple[str, str, dict[str, str]]] = {
    "look": ("look.id", "history.count", {"history.source": "look"}),
    "dashboard": ("dashboard.id", "history.dashboard_run_count", {}),
}


@dataclass(frozen=True)
class ViewCounts:
    """Views in the window by item id; None when they could not be read, and why.

    `refused` is the HTTP status of a refusal (403/404: no see_system_activity), which the
    caller reports once for all of System Activity; `warning` says what else went wrong.
    """

    counts: dict[str, int] | None
    warning: str | None = None
    refused: int | None = None


def recent_views(client: QueryRunner, kind: str) -> ViewCounts:
    """Views of every `kind` item in the window (see `ViewCounts`); never raises."""
    id_field, measure, extra = QUERIES[kind]
    body = {
        "fields": [id_field, measure],
        "filters": {"history.created_date": WINDOW, id_field: "-NULL", **extra},
        "sorts": [id_field],
        "limit": str(USAGE_LIMIT),
    }
    try:
        rows = client.run_query(SYSTEM_ACTIVITY, HISTORY, body)
        if len(rows) >= USAGE_LIMIT:
            raise PullError(SOURCE, f"more than {USAGE_LIMIT:,} {kind}s have views")
        counts: dict[str, int] = {}
        for row in rows:
            item_id, views = row.get(id_field), row.get(measure)
            if isinstance(item_id, float) and item_id.is_integer():
                item_id = int(item_id)
            if not isinstance(item_id, int | str) or not isinstance(views, int | float):
                raise PullError(SOURCE, f"System Activity rows lack {id_field}, {measure}")
            counts[str(item_id)] = counts.get(str(item_id), 0) + int(views)
    except PullError as exc:
        if is_refusal(exc):
            return ViewCounts(None, refused=exc.status)
        return ViewCounts(
            None,
            f"looker: warning: System Activity could not count {kind} views in the last "
            f"{WINDOW} ({exc.message}); pages show lifetime views only until a refresh can.",
        )
    return ViewCounts(counts)


def apply_recent_views(
    items: dict[tuple[str, str], LookerItem],
    answers: Mapping[str, ViewCounts],
    progress: Progress,
) -> None:
    """Set `recent_views` (no history row: 0); left unset where System Activity failed."""
    for kind, answer in answers.items():
        if answer.warning:
            progress.step(answer.warning)
        counts = answer.counts
        if counts is None:
            continue
        for (item_kind, item_id), found in items.items():
            if item_kind == kind and not found.lookml and "::" not in item_id:
                found.recent_views = counts.get(item_id, 0)
