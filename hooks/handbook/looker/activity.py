"""Which explore and LookML fields each look and dashboard queries, from System Activity.

Searches never return an item's query and per-item GETs are out of the API budget, so two
inline queries on the `system__activity` model (one per kind, paged by id only past the row
limit) answer it for every item at once. The part is optional: without the
see_system_activity permission the snapshot is written without it, and the pull says so once
for all of System Activity (`refusal_warning`). When Looker answers but the answer stays
unreadable, the previous snapshot's explore and fields are kept (`apply_usage`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from handbook.errors import PullError
from handbook.looker.client import LookerClient
from handbook.looker.faults import SOURCE, MalformedAnswer, abandoned, is_refusal, kept_from_earlier
from handbook.looker.paging import keyset_pages
from handbook.progress import Progress
from handbook.snapshot.model import CarriedPart, LookerItem, LookerSnapshot

# System Activity (model `system__activity`): which explore and fields each item queries.
# Explore `look` joins `query` on look.query_id; explore `dashboard` joins `query` on the
# tile's own query, else its look's query, else a merged query's sources (COALESCE), so
# one row per (dashboard, distinct tile query). `query.view` is the explore's name and
# `query.formatted_fields` the query's field list as JSON text (`["v.a", "v.b"]`).
SYSTEM_ACTIVITY = "system__activity"
USAGE_QUERIES = {"look": ("look", "look.id"), "dashboard": ("dashboard", "dashboard.id")}
USAGE_MODEL, USAGE_EXPLORE, USAGE_FIELDS = "query.model", "query.view", "query.formatted_fields"
USAGE_LIMIT = 50_000
# What this part of the snapshot is, as `refusal_warning` names it.
PART = "the explore and fields"
_FIELD_NAME = re.compile(r"[A-Za-z0-9_]+\.[A-Za-z0-9_]+")


@dataclass(frozen=True)
class Usage:
    """What one look or dashboard queries: one model and explore, and their fields."""

    model: str
    explore: str
    fields: list[str]


@dataclass
class UsageAnswer:
    """System Activity's answer for one kind: what each item queries, or why not.

    `degraded` is set when Looker answered but the answer stayed unreadable (cut or
    malformed JSON, rows missing fields) or the query kept failing: the caller then keeps
    the previous snapshot's explore and fields for that kind instead of blanking them. A
    refusal (403/404: no see_system_activity) is a setting, not a fault: `degraded` stays
    False, `refused` holds the HTTP status and the snapshot is written without that part;
    the caller says so once for every System Activity query refused.
    """

    found: dict[str, Usage] = field(default_factory=dict)
    warning: str | None = None
    degraded: bool = False
    refused: int | None = None


# Why an API user gets 403/404 from System Activity, and what it takes; said once per pull.
MISSING_PERMISSION = "the API user needs the see_system_activity permission"


class Answer(Protocol):
    """A System Activity answer: `refused` is the HTTP status of a refusal, else None."""

    @property
    def refused(self) -> int | None: ...


def refusal_warning(parts: Mapping[str, Mapping[str, Answer]]) -> str | None:
    """The one warning for every System Activity query Looker refused in this pull.

    `parts` maps what a part of the snapshot is ("the explore and fields", `PART`) to its
    answers by kind ("look", "dashboard"); None when no query was refused.
    """
    statuses: list[int] = []
    refused: dict[str, list[str]] = {}
    for what, answers in parts.items():
        for kind, answer in answers.items():
            if answer.refused is not None:
                statuses.append(answer.refused)
                refused.setdefault(what, []).append(kind)
    if not statuses:
        return None
    kinds = {tuple(k) for k in refused.values()}
    if len(kinds) == 1:
        missing = f"{_joined(list(refused))} of {_joined([f'{k}s' for k in next(iter(kinds))])}"
    else:
        missing = _joined(
            [f"{what} of {_joined([f'{k}s' for k in ks])}" for what, ks in refused.items()]
        )
    return (
        f"looker: warning: System Activity refused the API user (HTTP {statuses[0]}): "
        f"{MISSING_PERMISSION}. The snapshot is written without {missing}; pages say so "
        "until a refresh can read them."
    )


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def item_usage(client: LookerClient, kind: str) -> UsageAnswer:
    """Explore and fields of every look (or dashboard), by id, from System Activity.

    One inline query per kind, whatever the number of items (a further one per 50,000 rows,
    see `_usage_rows`). Never raises: the rest of the snapshot is good without this part.
    - a refusal: 403 (no see_system_activity permission) or 404 (model not visible):
      `refused`, and the snapshot has no explore/fields for that kind;
    - garbage (a body that is not JSON, not a list of rows, rows without the asked fields):
      asked again up to the retry attempts, because a cut answer is usually a blip;
    - transport faults (5xx, 429, timeouts, resets) are retried by the shared transport;
    what still fails after that comes back `degraded`, for the caller to keep the last
    good data. If another call fails the pull, this one is abandoned with it.

    LookML dashboards (`model::name`) are not rows of System Activity's `dashboard`
    explore (it reads the application database's dashboards, numeric ids), so they keep
    whatever the search gave (their model) and no fields.
    """
    explore, id_field = USAGE_QUERIES[kind]
    try:
        rows = _rows_retrying_garbage(client, explore, id_field)
    except PullError as exc:
        if client.transport.abort.is_set():
            raise
        if is_refusal(exc):
            return UsageAnswer(refused=exc.status)
        return UsageAnswer(
            warning=f"System Activity could not answer the {kind} query: {exc.message}",
            degraded=True,
        )
    return UsageAnswer(_usage_by_item(rows))


def _rows_retrying_garbage(
    client: LookerClient, explore: str, id_field: str
) -> list[tuple[int, str, str, list[str], str]]:
    """`_usage_rows`, asked again (with backoff) while the answer is unreadable."""
    attempts = max(1, client.settings.retry_attempts)
    for attempt in range(1, attempts + 1):
        try:
            return _usage_rows(client, explore, id_field)
        except MalformedAnswer:
            if attempt == attempts:
                raise
            if client.transport.abort.wait(client.settings.retry_base_seconds * attempt):
                raise abandoned() from None
    raise AssertionError("unreachable")


def _usage_rows(
    client: LookerClient, explore: str, id_field: str
) -> list[tuple[int, str, str, list[str], str]]:
    """(id, model, explore, fields, raw fields text) rows, paged by id past the row limit
    (`paging.keyset_pages`: inline queries have no offset).

    The limit is explicit (USAGE_LIMIT rows): without one Looker stops at 5,000 silently.
    """
    limit = USAGE_LIMIT
    wanted = [id_field, USAGE_MODEL, USAGE_EXPLORE, USAGE_FIELDS]
    parsed: dict[str, list[str]] = {}  # many items query the same fields

    def ask(lower: int | None) -> list[tuple[int, str, str, list[str], str]]:
        filters = {USAGE_MODEL: "-NULL"}  # text and button tiles have no query
        if lower is not None:
            filters[id_field] = f">={lower}"
        body = {"fields": wanted, "filters": filters, "sorts": [id_field], "limit": str(limit)}
        page = []
        for row in client.run_query(SYSTEM_ACTIVITY, explore, body):
            if any(name not in row for name in wanted):
                raise MalformedAnswer(
                    SOURCE,
                    f"System Activity rows lack {', '.join(n for n in wanted if n not in row)}",
                )
            item_id = _int_id(row[id_field])
            model, view = row[USAGE_MODEL], row[USAGE_EXPLORE]
            if item_id is None or not isinstance(model, str) or not isinstance(view, str):
                continue  # e.g. a LookML dashboard's id, a tile without a query
            raw = row[USAGE_FIELDS]
            text = raw if isinstance(raw, str) else json.dumps(raw)
            if text not in parsed:
                parsed[text] = _parse_fields(raw)
            page.append((item_id, model, view, parsed[text], text))
        return page

    return keyset_pages(ask, lambda row: row[0], limit, "System Activity", id_field)


def _int_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _parse_fields(value: object) -> list[str]:
    """`view.field` names from `query.formatted_fields`, JSON text like `["v.a", "v.b"]`.

    Leniently: a real list is taken as is; text that is not JSON (cut short, or a plain
    comma list) yields only whole names, quoted ones when there are quotes. Custom fields
    and table calculations (no `view.` prefix) are not LookML fields and are dropped.
    """
    if isinstance(value, list):
        candidates: list[Any] = value
    elif isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            candidates = parsed
        elif '"' in value:
            candidates = re.findall(r'"([^"]*)"', value)
        else:
            candidates = re.split(r"[\s,\[\]]+", value)
    else:
        return []
    out: list[str] = []
    for name in candidates:
        text = name.strip() if isinstance(name, str) else ""
        if _FIELD_NAME.fullmatch(text) and text not in out:
            out.append(text)
    return out


def _usage_by_item(rows: list[tuple[int, str, str, list[str], str]]) -> dict[str, Usage]:
    """One `Usage` per item: its most used explore and the union of that explore's fields.

    A dashboard's tiles may query several explores, but an item holds one model and
    explore (fields are keyed `model.explore.view.field`), so it keeps the explore most of
    its tile queries use (ties: more fields, then by name) and every field those tiles
    query. Fields of its other explores cannot be attributed to that explore and are left
    out rather than linked to the wrong one. The kept queries are sorted by their field text,
    so the result does not depend on the order Looker sends them in.
    """
    by_item: dict[int, dict[tuple[str, str], list[tuple[str, list[str]]]]] = {}
    for item_id, model, view, fields, raw in rows:
        by_item.setdefault(item_id, {}).setdefault((model, view), []).append((raw, fields))
    out: dict[str, Usage] = {}
    for item_id, explores in by_item.items():
        if len(explores) == 1:
            (model, view), queries = next(iter(explores.items()))
        else:
            model, view = min(
                explores,
                key=lambda k: (
                    -len(explores[k]),
                    -len({f for _, fields in explores[k] for f in fields}),
                    k,
                ),
            )
            queries = explores[(model, view)]
        if len(queries) > 1:
            queries = sorted(queries, key=lambda q: q[0])
        union = list(dict.fromkeys(f for _, fields in queries for f in fields))
        out[str(item_id)] = Usage(model, view, union)
    return out


def apply_usage(
    items: dict[tuple[str, str], LookerItem],
    answers: Mapping[str, UsageAnswer],
    previous: LookerSnapshot | None,
    progress: Progress,
) -> list[CarriedPart]:
    """Put each kind's answer on its items (by (kind, id)); where an answer is `degraded`,
    keep the previous snapshot's explore and fields instead, and say from when."""
    carried: list[CarriedPart] = []
    for kind, answer in answers.items():
        if answer.degraded:
            part = _carry_usage(kind, items, previous, answer.warning or "")
            carried.append(part)
            kept = kept_from_earlier(
                part.part, part.pulled_at, none=part.part, lost=", so the snapshot has none"
            )
            progress.step(f"looker: error: {answer.warning}; {kept}")
            continue
        if answer.warning:
            progress.step(answer.warning)
        for item_id, use in answer.found.items():
            found = items.get((kind, item_id))
            if found is not None:
                found.model, found.explore, found.fields = use.model, use.explore, list(use.fields)
    return carried


def _carry_usage(
    kind: str,
    items: dict[tuple[str, str], LookerItem],
    previous: LookerSnapshot | None,
    reason: str,
) -> CarriedPart:
    """Copy explore and fields of `kind` items from `previous`: never replace them by nothing."""
    part = f"explore and fields of {kind}s"
    since = None
    if previous is not None:
        earlier = next((c for c in previous.carried_over if c.part == part), None)
        since = earlier.pulled_at if earlier else previous.pulled_at
        before = {(i.kind, i.id): i for i in previous.items if i.kind == kind and i.explore}
        for key, found in items.items():
            old = before.get(key)
            if old is not None and not found.lookml:
                found.model, found.explore, found.fields = old.model, old.explore, list(old.fields)
    return CarriedPart(part=part, pulled_at=since, reason=reason)
