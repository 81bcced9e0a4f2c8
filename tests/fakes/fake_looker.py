"""A small Looker API 4.0 server on 127.0.0.1, for driving the real looker-sdk over HTTP.

It serves what `handbook.looker.pull` uses, with the paths, parameters and JSON shapes of
the published spec (vendored in tests/fakes/looker_api/, MIT): `POST /login`, `GET
/folders`, `/dashboards` (all_dashboards), `/dashboards/search`, `/looks/search`, `/users`,
`/lookml_models` and `/lookml_models/{model}/explores/{explore}`, `/projects` and
`/projects/{project}/git_branch` (the deployed commit is `Dataset.commits`), `/boards`
(all_boards), `/content_validation` (the errors are `Dataset.content_errors`, built with
`look_error`, `tile_error`, `filter_error` and `schedule_error`), and `POST
/queries/run/json` (run_inline_query) on the System Activity model's `look` and `dashboard`
explores. Every JSON answer is checked against the spec's component schema (OAS30Validator,
`$ref`s resolved in the spec) and its property names against the schema's `properties`; a
`fields=` projection naming a property the schema lacks is a 400, so a typo in the client
fails loudly. An inline query's body is checked against the spec's request body (`Query`,
without its read-only properties: the SDK's WriteQuery) and is a 422 when it breaks it; its
fields, filters and sorts must be ones System Activity has (`SYSTEM_ACTIVITY`), else 400.
The spec types that answer as a bare string, so its shape is checked here instead: a list
of flat rows keyed by exactly the asked fields.

Faults are scripted per path (`inject`): an HTTP status burst (503, 429 + Retry-After), a
slow answer, one held until the test opens its `gate`, a truncated JSON body, rows missing
a field, a connection reset; `match`
limits a fault to requests with given query values (e.g. one page's offset).
`refuse_system_activity=403` (or 404) plays an API user without the see_system_activity
permission, `refuse_projects=403` one that may not read LookML projects. Searches and
`/users` honour `sorts=`; without it they come in id order, or, with
`unstable_order=True`, in a new random order on every request (Looker documents no
default order). `latency` delays every answer, for the benchmark. `log` records every
request (with a POST's JSON body).
"""

from __future__ import annotations

import contextlib
import json
import operator
import random
import re
import secrets
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

SPEC_PATH = Path(__file__).resolve().parent / "looker_api" / "Looker.4.0.oas.json"
PREFIX = "/api/4.0"
Row = dict[str, Any]


# ----------------------------------------------------------------------------- the contract


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@cache
def _validator(schema_name: str) -> Any:
    from openapi_schema_validator import OAS30Validator

    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec()["components"]}
    return OAS30Validator(schema)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def unknown_properties(obj: Any, schema: dict[str, Any], where: str = "") -> list[str]:
    """Property names in `obj` that the schema does not declare (schemas allow extras)."""
    schema = _resolve(schema)
    if isinstance(obj, list):
        items = schema.get("items")
        return [p for x in obj for p in unknown_properties(x, items, where)] if items else []
    if not isinstance(obj, dict) or "properties" not in schema:
        return []
    bad = []
    for key, value in obj.items():
        prop = schema["properties"].get(key)
        if prop is None:
            bad.append(f"{where}{key}")
        else:
            bad += unknown_properties(value, prop, f"{where}{key}.")
    return bad


def contract_errors(obj: Any, schema_name: str) -> list[str]:
    """Why `obj` is not a valid `components.schemas.<schema_name>`; empty when it is."""
    errors = [
        f"{'/'.join(map(str, e.path))}: {e.message}"
        for e in _validator(schema_name).iter_errors(obj)
    ]
    errors += [
        f"{p}: not a property of {schema_name}"
        for p in unknown_properties(obj, {"$ref": f"#/components/schemas/{schema_name}"})
    ]
    return errors


# ----------------------------------------------------------------------------- projections


def parse_fields(text: str) -> dict[str, Any]:
    """Looker's `fields=a,b(c,d)` → {"a": None, "b": {"c": None, "d": None}}."""
    out: dict[str, Any] = {}
    stack = [out]
    name = ""
    last = ""
    for ch in text + ",":
        if ch in ",()":
            if name.strip():
                last = name.strip()
                stack[-1][last] = None
            name = ""
            if ch == "(":
                stack[-1][last] = {}
                stack.append(stack[-1][last])
            elif ch == ")":
                stack.pop()
        else:
            name += ch
    return out


class _BadRequest(Exception):
    pass


def project(obj: Any, fields: dict[str, Any] | None, schema: dict[str, Any]) -> Any:
    """`obj` cut to `fields` (all declared properties when None), checked against `schema`."""
    schema = _resolve(schema)
    if isinstance(obj, list):
        return [project(x, fields, schema.get("items", {})) for x in obj]
    if not isinstance(obj, dict):
        return obj
    props = schema.get("properties", {})
    if fields is None:
        return {k: project(v, None, props[k]) for k, v in obj.items() if k in props}
    out = {}
    for key, sub in fields.items():
        if key not in props:
            raise _BadRequest(f"unknown field {key!r}")
        if key in obj:
            out[key] = project(obj[key], sub, props[key])
    return out


# ----------------------------------------------------------------------------- data


@dataclass
class Dataset:
    """Looker's content as wire objects (the spec's property names and types)."""

    folders: list[Row] = field(default_factory=list)
    dashboards: list[Row] = field(default_factory=list)  # user-defined and LookML (`m::n`)
    looks: list[Row] = field(default_factory=list)
    users: list[Row] = field(default_factory=list)
    models: list[Row] = field(default_factory=list)
    explores: dict[tuple[str, str], Row] = field(default_factory=dict)
    # What System Activity knows of each item's queries, by (kind, id): a look's query, a
    # dashboard's tile queries; each {"model", "view" (the explore), "fields"}.
    queries: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    # System Activity's history: views in the last 90 days by (kind, id); absent = none.
    recent_views: dict[tuple[str, str], int] = field(default_factory=dict)
    # Each LookML project's deployed commit (`git_branch` `ref`), by project id; a model's
    # project is its `project_name`.
    commits: dict[str, str] = field(default_factory=dict)
    boards: list[Row] = field(default_factory=list)  # `Board`s with sections and items nested
    # The content validator's `content_with_errors`: `ContentValidatorError` objects.
    content_errors: list[Row] = field(default_factory=list)


def _wire_time(value: str | None) -> str | None:
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat(timespec="milliseconds")


def from_snapshot(path: Path) -> Dataset:
    """The seed snapshot served as Looker would send it."""
    snap = json.loads(path.read_text(encoding="utf-8"))
    owners = sorted({i["owner"] for i in snap["items"] if i.get("owner")})
    user_ids = {name: str(100 + n) for n, name in enumerate(owners)}
    data = Dataset()
    disabled = {i["owner"] for i in snap["items"] if i.get("owner_disabled")}
    data.users = [
        {
            "id": uid,
            "display_name": name,
            "first_name": name.split()[0],
            "is_disabled": name in disabled,
        }
        for name, uid in user_ids.items()
    ]
    data.folders = [dict(f) for f in snap["folders"]]
    for item in snap["items"]:
        row: Row = {
            "id": item["id"],
            "title": item["title"],
            "description": item.get("description"),
            "folder_id": item.get("folder_id"),
            "user_id": user_ids.get(item.get("owner")),
            "created_at": _wire_time(item.get("created_at")),
            "updated_at": _wire_time(item.get("updated_at")),
            "last_viewed_at": _wire_time(item.get("last_viewed_at")),
            "view_count": item.get("view_count"),
            "favorite_count": item.get("favorite_count"),
            "deleted": item.get("deleted", False),
        }
        if item.get("model"):
            row["model"] = {"id": item["model"], "label": item["model"].title()}
        if item.get("explore") and item.get("fields") and not item.get("lookml"):
            # A look is one query; a dashboard's fields are spread over tiles of two fields.
            size = len(item["fields"]) if item["kind"] == "look" else 2
            data.queries[(item["kind"], item["id"])] = [
                {
                    "model": item["model"],
                    "view": item["explore"],
                    "fields": item["fields"][n : n + size],
                }
                for n in range(0, len(item["fields"]), size)
            ]
        if item.get("recent_views"):
            data.recent_views[(item["kind"], item["id"])] = item["recent_views"]
        if item["kind"] == "look":
            row["query_id"] = str(5000 + len(data.looks))
            data.looks.append(row)
        else:
            if item.get("folder_id"):
                row["folder"] = {"id": item["folder_id"], "name": "folder"}
            data.dashboards.append(row)
    _explores_from(snap["explores"], data)
    data.boards = [board_row(b) for b in snap.get("boards", [])]
    return data


def board_row(board: Row) -> Row:
    """A snapshot board as Looker's `Board`: trashed ones carry `deleted_at`."""
    sections = []
    for s in board.get("sections", []):
        items = [
            {
                "id": f"{s['id']}{m:02d}",
                "look_id" if i["kind"] == "look" else "dashboard_id": i["id"],
                "board_section_id": s["id"],
                "order": m,
            }
            for m, i in enumerate(s.get("items", []))
        ]
        sections.append(
            {
                "id": s["id"],
                "board_id": board["id"],
                "title": s.get("title"),
                "description": s.get("description"),
                "deleted_at": None,
                "item_order": [i["id"] for i in reversed(items)][::-1],
                "board_items": items[::-1],  # out of order: the pull must apply item_order
            }
        )
    return {
        "id": board["id"],
        "title": board["title"],
        "description": board.get("description"),
        "deleted_at": "2026-01-05T10:00:00.000+00:00" if board.get("deleted") else None,
        "section_order": [s["id"] for s in sections],
        "board_sections": sections,
        "primary_homepage": False,
    }


def _explores_from(explores: list[Row], data: Dataset, project: str | None = None) -> None:
    by_model: dict[str, list[Row]] = {}
    plural = {
        "dimension": "dimensions",
        "measure": "measures",
        "filter": "filters",
        "parameter": "parameters",
    }
    for e in explores:
        by_model.setdefault(e["model"], []).append({"name": e["name"], "label": e.get("label")})
        fieldset: dict[str, list[Row]] = {v: [] for v in plural.values()}
        for f in e.get("fields", []):
            fieldset[plural[f.get("category", "dimension")]].append(
                {
                    "name": f["name"],
                    "label": f.get("label") or f["name"],
                    "description": f.get("description"),
                    "type": f.get("type"),
                    "category": f.get("category", "dimension"),
                    "hidden": f.get("hidden", False),
                    "view": f["name"].split(".")[0],
                }
            )
        data.explores[(e["model"], e["name"])] = {
            "id": f"{e['model']}::{e['name']}",
            "name": e["name"],
            "label": e.get("label"),
            "description": e.get("description"),
            "model_name": e["model"],
            "fields": fieldset,
        }
    data.models = [
        {
            "name": m,
            "label": m.title(),
            "has_content": True,
            "project_name": project or m,
            "explores": ex,
        }
        for m, ex in by_model.items()
    ]
    for m in by_model:
        data.commits.setdefault(project or m, "0f1e2d3c4b5a69788796a5b4c3d2e1f001234567")


def synthetic(
    items: int,
    *,
    folders: int = 300,
    users: int = 200,
    seed: int = 7,
    deleted_share: float = 0.02,
    lookml_dashboards: int = 5,
    explores: int = 1,
    projects: int = 1,
) -> Dataset:
    """`items` dashboards and looks (half each) in `folders` folders, deterministic.

    The first explore is `product.usage` (what the items query); further ones are spread
    over models `model_<n % projects>`, each in its own project `project_<n % projects>`.
    """
    rnd = random.Random(seed)
    data = Dataset()
    # Every 40th user has left: their account is deactivated, their content stays.
    data.users = [
        {"id": str(u + 1), "display_name": f"User {u + 1}", "is_disabled": (u + 1) % 40 == 0}
        for u in range(users)
    ]
    data.folders = [
        {
            "id": "1",
            "name": "Shared",
            "parent_id": None,
            "is_personal": False,
            "is_personal_descendant": False,
        }
    ]
    for n in range(2, folders + 1):
        data.folders.append(
            {
                "id": str(n),
                "name": f"Folder {n}",
                "parent_id": str(rnd.randint(1, n - 1)),
                "is_personal": False,
                "is_personal_descendant": False,
            }
        )
    _synthetic_items(data, rnd, items, folders, users, deleted_share)
    for n in range(lookml_dashboards):
        data.dashboards.append(
            {
                "id": f"product::board_{n}",
                "title": f"LookML board {n}",
                "description": None,
                "folder": {"id": "1", "name": "Shared"},
                "user_id": "1",
                "model": {"id": "product", "label": "Product"},
            }
        )
    _synthetic_explores(data, explores, projects)
    return data


def _synthetic_items(
    data: Dataset, rnd: random.Random, items: int, folders: int, users: int, deleted_share: float
) -> None:
    """Numbered dashboards (even) and looks (odd), with System Activity queries for each."""
    base = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(items):
        when = base + timedelta(hours=n)
        row: Row = {
            "id": str(n + 1),
            "title": f"Item {n + 1}",
            "description": f"About item {n + 1}",
            "folder_id": str(rnd.randint(1, folders)),
            "user_id": str(rnd.randint(1, users)),
            "created_at": when.isoformat(),
            "updated_at": when.isoformat(),
            "last_viewed_at": (when + timedelta(days=3)).isoformat(),
            "view_count": rnd.randint(0, 5000),
            "favorite_count": rnd.randint(0, 50),
            "deleted": rnd.random() < deleted_share,
        }
        usage = {"model": "product", "view": "usage", "fields": ["usage.month", "usage.users"]}
        if n % 5 < 3:  # the rest had no view in the last 90 days (the random stream is untouched)
            kind = "look" if n % 2 else "dashboard"
            data.recent_views[(kind, row["id"])] = (n * 37) % 400 + 1
        if n % 2:
            row["model"] = {"id": "product", "label": "Product"}
            data.looks.append(row)
            data.queries[("look", row["id"])] = [usage]
        else:
            data.dashboards.append(row)
            # Tiles on two explores: the pull keeps the one most tiles use (`usage`).
            data.queries[("dashboard", row["id"])] = [
                {**usage, "fields": ["usage.month"]},
                {**usage, "fields": ["usage.users", "usage.month"]},
                {"model": "product", "view": "accounts", "fields": ["accounts.count"]},
            ]


def _synthetic_explores(data: Dataset, explores: int, projects: int) -> None:
    usage = {
        "model": "product",
        "name": "usage",
        "label": "Usage",
        "fields": [
            {"name": "usage.month", "category": "dimension", "type": "date_month"},
            {"name": "usage.users", "category": "measure", "type": "count"},
        ],
    }
    _explores_from([usage], data, "project_0")
    for n in range(1, explores):
        extra = Dataset()
        fields = [{"name": f"view_{n}.field_{k}", "type": "string"} for k in range(20)]
        _explores_from(
            [{"model": f"model_{n % projects}", "name": f"explore_{n}", "fields": fields}],
            extra,
            f"project_{n % projects}",
        )
        _merge_models(data, extra)


def _merge_models(data: Dataset, extra: Dataset) -> None:
    """Add `extra`'s models, explores and commits to `data` (a model may be in both)."""
    data.explores.update(extra.explores)
    data.commits.update({k: v for k, v in extra.commits.items() if k not in data.commits})
    models = {m["name"]: m for m in data.models}
    for m in extra.models:
        if m["name"] in models:
            models[m["name"]]["explores"] += m["explores"]
        else:
            data.models.append(m)


# ----------------------------------------------------------------------------- content validator


def _problem(message: str, field: str | None, explore: str | None, model: str | None) -> Row:
    return {
        "message": message,
        "field_name": field,
        "model_name": model,
        "explore_name": explore,
        "removable": False,
    }


def _folder_of(row: Row) -> Row:
    """`{"folder": ContentValidationFolder}`, or nothing: the spec's folder is not nullable."""
    folder = row.get("folder_id") or (row.get("folder") or {}).get("id")
    return {"folder": {"id": str(folder), "name": "folder"}} if folder else {}


def look_error(
    look: Row, message: str, field: str | None, explore: str = "usage", model: str = "product"
) -> Row:
    """A `ContentValidatorError` for a look whose query names a field LookML lacks."""
    return {
        "id": f"look-{look['id']}-{len(message)}",
        "look": {
            "id": str(look["id"]),
            "title": look.get("title"),
            "short_url": f"/x/{look['id']}",
            **_folder_of(look),
        },
        "errors": [_problem(message, field, explore, model)],
    }


def _dashboard_part(dashboard: Row) -> Row:
    return {
        "id": str(dashboard["id"]),
        "title": dashboard.get("title"),
        "description": dashboard.get("description"),
        **_folder_of(dashboard),
        "url": f"/dashboards/{dashboard['id']}",
    }


def tile_error(
    dashboard: Row,
    tile_title: str,
    message: str,
    field: str | None,
    *,
    look_id: str | None = None,
    explore: str = "usage",
    model: str = "product",
) -> Row:
    """An error in one tile of a dashboard (a query tile, or one showing look `look_id`)."""
    element = {
        "id": f"{dashboard['id']}0{len(tile_title)}",
        "dashboard_id": str(dashboard["id"]),
        "look_id": look_id,
        "query_id": None if look_id else "4711",
        "title": tile_title,
        "title_hidden": False,
        "type": "vis",
    }
    return {
        "id": f"tile-{element['id']}",
        "dashboard": _dashboard_part(dashboard),
        "dashboard_element": element,
        "errors": [_problem(message, field, explore, model)],
    }


def filter_error(dashboard: Row, filter_title: str, message: str, field: str) -> Row:
    """An error in a dashboard filter that names a field LookML lacks."""
    return {
        "id": f"filter-{dashboard['id']}",
        "dashboard": _dashboard_part(dashboard),
        "dashboard_filter": {
            "id": "77",
            "dashboard_id": str(dashboard["id"]),
            "name": filter_title.lower().replace(" ", "_"),
            "title": filter_title,
            "type": "field",
            "model": "product",
            "explore": "usage",
            "dimension": field,
        },
        "errors": [_problem(message, field, "usage", "product")],
    }


def schedule_error(look: Row, schedule: str, message: str, field: str) -> Row:
    """An error in a schedule of a look (the entry names the schedule and its look id)."""
    return {
        "id": f"schedule-{look['id']}",
        "scheduled_plan": {"id": "31", "name": schedule, "look_id": str(look["id"])},
        "errors": [_problem(message, field, "usage", "product")],
    }


# ----------------------------------------------------------------------------- faults & log


@dataclass
class Fault:
    """One scripted misbehaviour. `times=None` repeats forever."""

    # "status" | "slow" | "truncated" | "malformed" (rows lose a key) | "reset" | "echo" |
    # "gate" (the answer waits until the test sets `gate`, at most a minute)
    kind: str
    status: int = 503
    times: int | None = 1
    retry_after: str | None = None
    delay: float = 0.0
    match: dict[str, str] = field(default_factory=dict)
    gate: threading.Event = field(default_factory=threading.Event)


@dataclass
class LoggedRequest:
    method: str
    path: str  # below /api/4.0
    query: dict[str, str]
    at: float
    status: int | None = None
    body: Any = None  # a POST's JSON body, parsed


# ----------------------------------------------------------------------------- System Activity

SYSTEM_ACTIVITY_MODEL = "system__activity"
# The fields of System Activity's `look` and `dashboard` explores that the fake serves, with
# their types: `query` is joined to the look's query, and on `dashboard` to each tile's query
# (a look tile's look's query); `query.view` is the explore, `query.formatted_fields` the
# field list as JSON text. Asking for anything else is a 400, as an unknown field is.
SYSTEM_ACTIVITY: dict[str, dict[str, str]] = {
    "look": {
        "look.id": "number",
        "look.title": "string",
        "query.id": "number",
        "query.model": "string",
        "query.view": "string",
        "query.formatted_fields": "string",
    },
    "dashboard": {
        "dashboard.id": "number",
        "dashboard.title": "string",
        "dashboard_element.id": "number",
        "look.id": "number",
        "query.id": "number",
        "query.model": "string",
        "query.view": "string",
        "query.formatted_fields": "string",
    },
    # One view of a look (source "look") or one load of a dashboard, kept for 90 days.
    # The fake stores one row per item and day with the number of views in `_views`.
    "history": {
        "look.id": "number",
        "dashboard.id": "number",
        "history.source": "string",
        "history.created_date": "date",
        "history.count": "measure",
        "history.dashboard_run_count": "measure",
    },
}
_QUERY_PATH = "/queries/run/json"
_DEFAULT_ROW_LIMIT = 5000  # what Looker applies when a query names no limit


def _history_rows(data: Dataset) -> list[Row]:
    """Views in the last 90 days: one row per item, dated yesterday, counting its views."""
    day = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    rows: list[Row] = []
    for (kind, item_id), views in sorted(data.recent_views.items()):
        if "::" in item_id:
            continue  # LookML dashboards are not in the application database
        rows.append(
            {
                "look.id": int(item_id) if kind == "look" else None,
                "dashboard.id": int(item_id) if kind == "dashboard" else None,
                "history.source": kind,
                "history.created_date": day,
                "history.count": views,
                "history.dashboard_run_count": views if kind == "dashboard" else 0,
            }
        )
    return rows


def _system_activity_rows(data: Dataset, explore: str) -> list[Row]:
    """Every row of the explore, all fields, before filters, grouping, sorts and limit."""
    if explore == "history":
        return _history_rows(data)
    rows: list[Row] = []
    kind = "look" if explore == "look" else "dashboard"
    items = data.looks if kind == "look" else data.dashboards
    element = 0
    for item in items:
        if "::" in str(item["id"]):  # LookML dashboards are not in the application database
            continue
        queries: list[Row | None] = list(data.queries.get((kind, str(item["id"])), []))
        if kind == "dashboard":
            queries.append(None)  # a text tile: no query
        for n, q in enumerate(queries):
            element += 1
            row: Row = {
                f"{kind}.id": int(item["id"]),
                f"{kind}.title": item.get("title"),
                "query.id": None if q is None else 10_000 + element,
                "query.model": None if q is None else q["model"],
                "query.view": None if q is None else q["view"],
                # REPLACE(fields, ',', ', ') over the stored JSON array
                "query.formatted_fields": None if q is None else json.dumps(q["fields"]),
            }
            if kind == "dashboard":
                row["dashboard_element.id"] = element
                row["look.id"] = None if n % 2 == 0 else 20_000 + element
            rows.append(row)
    return rows


def _predicate(expression: str, kind: str) -> Callable[[Any], bool]:
    """A Looker filter expression, the few forms the fake understands; else a 400."""
    expr = expression.strip()
    if expr.upper() == "NULL":
        return lambda v: v is None
    if expr.upper() == "-NULL":
        return lambda v: v is not None
    if kind == "date":
        days = re.fullmatch(r"(\d+) days?", expr)
        if not days:
            raise _BadRequest(f"date filter {expression!r} is not understood by the fake")
        since = (datetime.now(UTC) - timedelta(days=int(days.group(1)))).date().isoformat()
        return lambda v: v is not None and v >= since
    if kind != "number":
        return lambda v: v == expr
    for op, test in (
        (">=", operator.ge),
        ("<=", operator.le),
        (">", operator.gt),
        ("<", operator.lt),
        ("=", operator.eq),
        ("", operator.eq),
    ):
        if expr.startswith(op):
            try:
                bound = float(expr[len(op) :])
            except ValueError:
                break
            return lambda v, t=test, b=bound: v is not None and t(v, b)
    raise _BadRequest(f"filter expression {expression!r} is not understood by the fake")


def _grouped(rows: list[Row], fields: list[str], known: dict[str, str]) -> list[Row]:
    """Looker's grouping: one row per distinct dimension values, measures summed."""
    dims = [f for f in fields if known[f] != "measure"]
    measures = [f for f in fields if known[f] == "measure"]
    groups: dict[tuple, Row] = {}
    for r in rows:
        key = tuple(r[d] for d in dims)
        out = groups.setdefault(key, {**{d: r[d] for d in dims}, **dict.fromkeys(measures, 0)})
        for m in measures:
            out[m] += r[m] or 0
    return [{f: g[f] for f in fields} for g in groups.values()]


# ----------------------------------------------------------------------------- the server


_SEARCH_SCHEMA = {"/dashboards/search": "Dashboard", "/looks/search": "Look"}


class FakeLooker:
    """Start with `with FakeLooker(dataset) as looker:`; `looker.base_url` is the root."""

    def __init__(
        self,
        data: Dataset | None = None,
        *,
        client_id: str = "fake-client-id",
        client_secret: str = "fake-client-secret-do-not-leak",
        latency: float = 0.0,
        validate: bool = True,
        validate_sample: int | None = None,
        refuse_system_activity: int | None = None,
        refuse_projects: int | None = None,
        unstable_order: bool = False,
        honour_sorts: bool = True,
    ) -> None:
        self.data = data or Dataset()
        self.refuse_projects = refuse_projects
        self.unstable_order = unstable_order
        self.honour_sorts = honour_sorts  # False: a server that drops `sorts=`
        # 403 or 404: answer inline queries on System Activity so, as Looker does for an API
        # user without the see_system_activity permission.
        self.refuse_system_activity = refuse_system_activity
        # System Activity's tables, built from `data` on the first query of each explore
        # (so change `data` before that, not after).
        self._activity: dict[str, list[Row]] = {}
        self.client_id = client_id
        self.client_secret = client_secret
        self.latency = latency
        self.validate = validate
        # Check only the first N objects of each list (the benchmark's 20,000 rows would
        # otherwise measure the validator, not the client).
        self.validate_sample = validate_sample
        self.tokens: set[str] = set()
        self.log: list[LoggedRequest] = []
        self.violations: list[str] = []
        self._faults: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle
    def __enter__(self) -> FakeLooker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._server.handle_error = lambda *a: None  # type: ignore[method-assign]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self, **extra: str) -> dict[str, str]:
        """LOOKERSDK_* variables pointing the SDK at this server."""
        return {
            "LOOKERSDK_BASE_URL": self.base_url,
            "LOOKERSDK_CLIENT_ID": self.client_id,
            "LOOKERSDK_CLIENT_SECRET": self.client_secret,
            "LOOKERSDK_VERIFY_SSL": "false",
            **extra,
        }

    # -- faults and log
    def inject(self, path: str, fault: Fault) -> None:
        """Script `fault` for requests to `path` (below /api/4.0, e.g. "/looks/search")."""
        with self._lock:
            self._faults.setdefault(path, []).append(fault)

    def _take_fault(self, path: str, query: dict[str, str]) -> Fault | None:
        with self._lock:
            for fault in self._faults.get(path, []):
                if all(query.get(k) == v for k, v in fault.match.items()):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults[path].remove(fault)
                    return fault
        return None

    def requests_to(self, path: str) -> list[LoggedRequest]:
        return [r for r in self.log if r.path == path]

    # -- answers
    def answer(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        form: dict[str, str],
        auth: str | None,
        body: Any = None,
    ) -> tuple[int, Any, str | None]:
        """(status, JSON body, schema name to check it against) for one request."""
        if method == "POST" and path == "/login":
            if (form.get("client_id"), form.get("client_secret")) != (
                self.client_id,
                self.client_secret,
            ):
                return 404, _error("Not found"), "Error"
            token = secrets.token_hex(16)
            self.tokens.add(token)
            return (
                200,
                {
                    "access_token": token,
                    "token_type": "Bearer",
                    "expires_in": 3600,
                    "refresh_token": None,
                },
                "AccessToken",
            )
        if not auth or auth.split(" ", 1)[-1] not in self.tokens:
            return 401, _error("Requires authentication."), "Error"
        if method == "POST" and path == _QUERY_PATH:
            try:
                return self._run_query(query, body)
            except _BadRequest as exc:
                return 400, _error(str(exc)), "Error"
        if method != "GET":
            return 404, _error("Not found"), "Error"
        fields = parse_fields(query["fields"]) if query.get("fields") else None
        try:
            return self._get(path, query, fields)
        except _BadRequest as exc:
            return 400, _error(str(exc)), "Error"

    def _get(
        self, path: str, query: dict[str, str], fields: dict[str, Any] | None
    ) -> tuple[int, Any, str | None]:
        d = self.data
        if path == "/folders":
            return 200, self._list(d.folders, fields, "FolderBase"), "FolderBase"
        if path == "/dashboards":
            live = [r for r in d.dashboards if not r.get("deleted")]
            return 200, self._list(live, fields, "DashboardBase"), "DashboardBase"
        if path in _SEARCH_SCHEMA:
            rows = d.dashboards if path == "/dashboards/search" else d.looks
            rows = [r for r in rows if "::" not in str(r["id"])]  # no LookML dashboards
            if query.get("deleted") in ("true", "false"):
                want = query["deleted"] == "true"
                rows = [r for r in rows if bool(r.get("deleted")) == want]
            if query.get("id"):
                ids = set(query["id"].split(","))
                rows = [r for r in rows if str(r["id"]) in ids]
            name = _SEARCH_SCHEMA[path]
            rows = _page(self._ordered(rows, query, name), query)
            return 200, self._list(rows, fields, name), name
        if path == "/boards":
            return 200, self._list(d.boards, fields, "Board"), "Board"
        if path == "/content_validation":
            return 200, self._validation(fields), "ContentValidation"
        if path == "/users":
            rows = d.users
            if query.get("ids"):
                ids = set(query["ids"].split(","))
                rows = [r for r in rows if r["id"] in ids]
            rows = _page(self._ordered(rows, query, "User"), query)
            return 200, self._list(rows, fields, "User"), "User"
        if path.startswith("/projects"):
            return self._projects(path, fields)
        if path == "/lookml_models":
            return 200, self._list(_page(d.models, query), fields, "LookmlModel"), "LookmlModel"
        parts = path.split("/")
        if len(parts) == 5 and parts[1] == "lookml_models" and parts[3] == "explores":
            explore = d.explores.get((unquote(parts[2]), unquote(parts[4])))
            if explore is None:
                return 404, _error("Not found"), "Error"
            schema = {"$ref": "#/components/schemas/LookmlModelExplore"}
            return 200, project(explore, fields, schema), "LookmlModelExplore"
        return 404, _error("Not found"), "Error"

    def _validation(self, fields: dict[str, Any] | None) -> Row:
        """content_validation: the scripted errors, and what a run reports about itself."""
        d = self.data
        body = {
            "content_with_errors": d.content_errors,
            "computation_time": 1.5,
            "total_looks_validated": len(d.looks),
            "total_dashboard_elements_validated": 3 * len(d.dashboards),
            "total_dashboard_filters_validated": len(d.dashboards),
            "total_scheduled_plans_validated": 0,
            "total_alerts_validated": 0,
            "total_explores_validated": len(d.explores),
        }
        return project(body, fields, {"$ref": "#/components/schemas/ContentValidation"})

    def _ordered(self, rows: list[Row], query: dict[str, str], schema: str) -> list[Row]:
        """`sorts=a,b desc` as asked; else id order, or a fresh shuffle if unstable."""
        if not query.get("sorts") or not self.honour_sorts:
            if self.unstable_order:
                return random.Random().sample(rows, len(rows))
            return sorted(rows, key=lambda r: _sort_value(r.get("id")))
        props = _resolve({"$ref": f"#/components/schemas/{schema}"})["properties"]
        out = list(rows)
        for sort in reversed(query["sorts"].split(",")):
            name, _, order = sort.strip().partition(" ")
            if name not in props:
                raise _BadRequest(f"cannot sort by {name!r}")
            out.sort(key=lambda r, n=name: _sort_value(r.get(n)), reverse=order == "desc")
        return out

    def _projects(self, path: str, fields: dict[str, Any] | None) -> tuple[int, Any, str | None]:
        """all_projects and git_branch (the branch checked out: production, for an API user)."""
        if self.refuse_projects:
            return self.refuse_projects, _error("Not found"), "Error"
        commits = self.data.commits
        if path == "/projects":
            rows = [{"id": p, "name": p, "uses_git": True} for p in sorted(commits)]
            return 200, self._list(rows, fields, "Project"), "Project"
        parts = path.split("/")
        if len(parts) == 4 and parts[3] == "git_branch" and unquote(parts[2]) in commits:
            branch = {
                "name": "main",
                "remote": "origin",
                "remote_name": "main",
                "readonly": True,
                "personal": False,
                "is_local": True,
                "is_remote": True,
                "is_production": True,
                "ahead_count": 0,
                "behind_count": 0,
                "ref": commits[unquote(parts[2])],
                "remote_ref": commits[unquote(parts[2])],
            }
            schema = {"$ref": "#/components/schemas/GitBranch"}
            return 200, project(branch, fields, schema), "GitBranch"
        return 404, _error("Not found"), "Error"

    def _run_query(self, query: dict[str, str], body: Any) -> tuple[int, Any, str | None]:
        """run_inline_query, result format json: rows keyed by field name, as Looker sends."""
        problems = [] if isinstance(body, dict) else ["the body is not a JSON object"]
        if not problems:
            problems = contract_errors(body, "Query")
            props = _resolve({"$ref": "#/components/schemas/Query"})["properties"]
            problems += [
                f"{k}: read-only, not a property of WriteQuery"
                for k in body
                if props.get(k, {}).get("readOnly")
            ]
        if problems:
            with self._lock:
                self.violations += [f"WriteQuery: {p}" for p in problems]
            return 422, _validation_error(problems), "ValidationError"
        if body["model"] != SYSTEM_ACTIVITY_MODEL or body["view"] not in SYSTEM_ACTIVITY:
            return 404, _error(f"model {body['model']!r} or explore not found"), "Error"
        if self.refuse_system_activity == 403:
            return 403, _validation_error(["see_system_activity is required"]), "ValidationError"
        if self.refuse_system_activity:
            return self.refuse_system_activity, _error("Not found"), "Error"
        known = SYSTEM_ACTIVITY[body["view"]]
        fields = list(body.get("fields") or [])
        unknown = [f for f in fields if f not in known]
        if unknown or not fields:
            raise _BadRequest(f"unknown or missing fields: {unknown}")
        rows = self.system_activity(body["view"])
        for name, expression in (body.get("filters") or {}).items():
            if name not in known:
                raise _BadRequest(f"unknown filter field {name!r}")
            keep = _predicate(expression, known[name])
            rows = [r for r in rows if keep(r[name])]
        out = _grouped(rows, fields, known)
        for sort in reversed(body.get("sorts") or []):
            name, _, order = sort.partition(" ")
            if name not in fields:
                raise _BadRequest(f"sort {sort!r} is not on a field of the query")
            out.sort(key=lambda r, n=name: (r[n] is None, r[n]), reverse=order.strip() == "desc")
        limit = int(query.get("limit") or body.get("limit") or _DEFAULT_ROW_LIMIT)
        return 200, out if limit < 0 else out[:limit], "rows:" + ",".join(fields)

    def system_activity(self, explore: str) -> list[Row]:
        """The explore's rows (built once; the benchmark builds them before its clock)."""
        with self._lock:
            if explore not in self._activity:
                self._activity[explore] = _system_activity_rows(self.data, explore)
            return self._activity[explore]

    @staticmethod
    def _list(rows: list[Row], fields: dict[str, Any] | None, schema: str) -> list[Row]:
        return project(
            rows, fields, {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}}
        )

    def check(self, body: Any, schema: str) -> None:
        """Record (and return as 500) any answer that breaks the published contract."""
        objs = body if isinstance(body, list) else [body]
        if self.validate_sample is not None:
            objs = objs[: self.validate_sample]
        if schema.startswith("rows:"):
            problems = [f"query rows: {p}" for p in _row_errors(objs, schema[5:].split(","))]
        else:
            problems = [f"{schema}: {p}" for obj in objs for p in contract_errors(obj, schema)]
        if problems:
            with self._lock:
                self.violations += problems
            raise AssertionError(problems[0])


def _error(message: str) -> Row:
    return {"message": message, "documentation_url": "https://cloud.google.com/looker/docs/"}


def _validation_error(problems: list[str]) -> Row:
    return {
        **_error("Validation Failed"),
        "errors": [
            {
                "field": p.split(":", 1)[0],
                "code": "invalid",
                "message": p,
                "documentation_url": "https://cloud.google.com/looker/docs/",
            }
            for p in problems
        ],
    }


def _row_errors(body: Any, fields: list[str]) -> list[str]:
    """A json-format query result: a list of flat objects keyed by exactly the fields."""
    if not isinstance(body, list):
        return ["not a list"]
    bad = []
    for n, row in enumerate(body):
        if not isinstance(row, dict) or sorted(row) != sorted(fields):
            bad.append(f"row {n}: keys are not {fields}")
        elif not all(v is None or isinstance(v, str | int | float | bool) for v in row.values()):
            bad.append(f"row {n}: a value is not a scalar")
    return bad


def _sort_value(value: Any) -> tuple[int, Any]:
    """Numbers (and numeric ids, which the API types as text) numerically, then text."""
    if isinstance(value, bool) or value is None:
        return (2, str(value))
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        return (0, int(value))
    return (1, str(value))


def _page(rows: list[Row], query: dict[str, str]) -> list[Row]:
    offset = int(query.get("offset") or 0)
    limit = query.get("limit")
    return rows[offset : offset + int(limit)] if limit else rows[offset:]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeLooker
    protocol_version = "HTTP/1.1"
    # Headers and body are separate writes: without this, Nagle's algorithm and delayed
    # ACKs add ~40 ms to every answer and the benchmark would measure TCP, not the client.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        fake = self.fake
        url = urlsplit(self.path)
        path = url.path[len(PREFIX) :] if url.path.startswith(PREFIX) else url.path
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        form = {k: v[-1] for k, v in parse_qs(raw).items()}
        try:
            body = json.loads(raw) if raw and path != "/login" else None
        except ValueError:
            body = None
        entry = LoggedRequest(method, path, dict(query), time.monotonic(), body=body)
        with fake._lock:
            fake.log.append(entry)
        if fake.latency:
            time.sleep(fake.latency)
        fault = fake._take_fault(path, query)
        if fault and fault.kind == "reset":
            entry.status = -1
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if fault and fault.kind == "slow":
            time.sleep(fault.delay)
        if fault and fault.kind == "gate":
            fault.gate.wait(60)
        if fault and fault.kind == "echo":  # as some proxies and error paths answer
            echoed = f"bad request: {raw} (Authorization: {self.headers.get('Authorization')})"
            self._send(fault.status, json.dumps(_error(echoed)).encode(), {})
            return
        if fault and fault.kind == "status":
            entry.status = fault.status
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self._send(fault.status, json.dumps(_error("fault")).encode(), headers)
            return
        status, body, schema = fake.answer(
            method, path, query, form, self.headers.get("Authorization"), body
        )
        if fake.validate and schema:
            try:
                fake.check(body, schema)
            except AssertionError as exc:
                status, body = 500, _error(f"fake: answer breaks the spec: {exc}")
        entry.status = status
        data = json.dumps(body).encode()
        if fault and fault.kind == "truncated":
            data = data[: max(1, len(data) // 2)]
        if fault and fault.kind == "malformed" and isinstance(body, list):
            # Well-formed JSON whose rows lack a field: the contract broken after the check.
            data = json.dumps([dict(list(r.items())[:-1]) for r in body]).encode()
        self._send(status, data, {})

    def _send(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
