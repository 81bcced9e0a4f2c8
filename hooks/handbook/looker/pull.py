"""Pull the whole Looker content catalog in tens of HTTP requests, whatever its size.

Round trips, not items, are what a pull costs: every list comes from a paginated search with
a `fields=` projection (1,000 rows a page), owners from one paginated user list, trashed
items from one cheap extra pass, and independent lists are fetched side by side on a few
threads. Nothing is fetched per item; only explores are fetched one by one, because Looker
has no bulk call for their fields. Any failure stops the whole pull with a `PullError`, so a
partial snapshot is never returned.

Talking to Looker (retries, status checks, request counting, no secrets in messages) is
`looker_client`; which fields each item queries comes from System Activity in
`looker_activity`. This module maps Looker's rows onto the snapshot model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from handbook.errors import PullError
from handbook.looker.activity import USAGE_QUERIES, _id_key, _usage
from handbook.looker.client import SOURCE, PullSettings, _Client
from handbook.looker.recent_views import QUERIES as VIEW_QUERIES
from handbook.looker.recent_views import recent_views
from handbook.progress import Progress
from handbook.snapshot.model import (
    LookerExplore,
    LookerField,
    LookerFolder,
    LookerItem,
    LookerSnapshot,
)

# Projections: only what the snapshot keeps, so 20,000 items stay a few megabytes.
FOLDER_FIELDS = "id,name,parent_id,is_personal,is_personal_descendant"
ITEM_FIELDS = (
    "id,title,description,folder_id,user_id,created_at,updated_at,last_viewed_at,"
    "view_count,favorite_count,deleted"
)
LOOK_FIELDS = ITEM_FIELDS + ",model(id)"
DELETED_FIELDS = "id,title,folder_id,deleted"
# FolderBase requires `name`, so the nested projection must ask for it too.
LOOKML_DASHBOARD_FIELDS = "id,title,description,folder(id,name),user_id,model(id)"
USER_FIELDS = "id,display_name"
MODEL_FIELDS = "name,explores(name)"
EXPLORE_FIELDS = (
    "name,label,description,"
    "fields(dimensions(name,label,description,type,category,hidden),"
    "measures(name,label,description,type,category,hidden),"
    "filters(name,label,description,type,category,hidden),"
    "parameters(name,label,description,type,category,hidden))"
)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _str_id(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _nested_id(value: object) -> str | None:
    return _str_id(value.get("id")) if isinstance(value, dict) else None


def _item(
    kind: str, row: dict[str, Any], owners: dict[str, str] | None = None, *, deleted: bool = False
) -> LookerItem:
    item_id = _str_id(row.get("id"))
    if item_id is None:
        raise PullError(SOURCE, f"Looker returned a {kind} without an id")
    lookml = "::" in item_id
    model = _nested_id(row.get("model"))
    if lookml and model is None:
        model = item_id.split("::", 1)[0]
    data = {
        "kind": kind,
        "id": item_id,
        "title": _text(row.get("title")) or "",
        "description": _text(row.get("description")) or None,
        "folder_id": _str_id(row.get("folder_id")) or _nested_id(row.get("folder")),
        # Owners are filled in later from the one user list (`_with_owners`); user_id is
        # parked in `owner` meanwhile so the page can be converted before users arrive.
        "owner": _owner_key(row) if owners is None else owners.get(str(row.get("user_id"))),
        "created_at": row.get("created_at"),
        "updated_at": row.get("updated_at"),
        "last_viewed_at": row.get("last_viewed_at"),
        "view_count": _count(row.get("view_count")),
        "favorite_count": _count(row.get("favorite_count")),
        "deleted": deleted or row.get("deleted") is True,
        "lookml": lookml,
        "model": model,
    }
    query = row.get("query")
    if isinstance(query, dict):  # only where a projection gives it; never fetched per item
        data["model"] = _text(query.get("model")) or data["model"]
        data["explore"] = _text(query.get("view"))
        data["fields"] = [str(f) for f in query.get("fields") or []]
    return _validated(LookerItem, data, f"{kind} {item_id}")


_USER_KEY = "\x00user:"


def _owner_key(row: dict[str, Any]) -> str | None:
    user_id = row.get("user_id")
    return None if user_id in (None, "") else f"{_USER_KEY}{user_id}"


def _with_owners(items: Iterable[LookerItem], owners: dict[str, str]) -> None:
    for item in items:
        if item.owner is not None and item.owner.startswith(_USER_KEY):
            item.owner = owners.get(item.owner[len(_USER_KEY) :])


def _converter(kind: str, *, deleted: bool = False) -> Callable[[dict[str, Any]], LookerItem]:
    return lambda row: _item(kind, row, deleted=deleted)


def _validated(model: Any, data: dict[str, Any], what: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PullError(
            SOURCE, f"Looker sent an unreadable {what}: {where}: {first['msg']}"
        ) from None


def _folder(row: dict[str, Any]) -> LookerFolder:
    return _validated(
        LookerFolder,
        {
            "id": _str_id(row.get("id")),
            "name": _text(row.get("name")) or "",
            "parent_id": _str_id(row.get("parent_id")),
            "is_personal": row.get("is_personal") is True,
            "is_personal_descendant": row.get("is_personal_descendant") is True,
        },
        f"folder {row.get('id')!r}",
    )


_CATEGORIES = {
    "dimensions": "dimension",
    "measures": "measure",
    "filters": "filter",
    "parameters": "parameter",
}


def _explore(model: str, name: str, row: dict[str, Any]) -> LookerExplore:
    fields: list[LookerField] = []
    fieldset = row.get("fields") if isinstance(row.get("fields"), dict) else {}
    for group, default in _CATEGORIES.items():
        for f in fieldset.get(group) or []:
            if not isinstance(f, dict) or not f.get("name"):
                continue
            category = f.get("category") if f.get("category") in _CATEGORIES.values() else default
            fields.append(
                _validated(
                    LookerField,
                    {
                        "name": str(f["name"]),
                        "label": _text(f.get("label")),
                        "description": _text(f.get("description")) or None,
                        "type": _text(f.get("type")),
                        "category": category,
                        "hidden": f.get("hidden") is True,
                    },
                    f"field of explore {model}.{name}",
                )
            )
    return _validated(
        LookerExplore,
        {
            "model": model,
            "name": name,
            "label": _text(row.get("label")),
            "description": _text(row.get("description")) or None,
            "fields": fields,
        },
        f"explore {model}.{name}",
    )


def _explore_names(models: list[dict[str, Any]]) -> list[tuple[str, str]]:
    pairs = []
    for m in models:
        for e in m.get("explores") or []:
            if isinstance(e, dict) and m.get("name") and e.get("name"):
                pairs.append((str(m["name"]), str(e["name"])))
    return pairs


class _Pool:
    """A thread pool where the first failure stops everything and is re-raised."""

    def __init__(self, client: _Client, workers: int) -> None:
        self.client = client
        self.executor = ThreadPoolExecutor(max_workers=max(1, workers))
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        fut = self.executor.submit(fn, *args)
        self.futures.append(fut)
        return fut

    def wait_all(self, futures: Iterable[Future[Any]]) -> None:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for fut in done:
                if fut.exception() is not None:
                    self.fail()
                    exc = fut.exception()
                    if isinstance(exc, PullError):
                        raise exc
                    raise PullError(SOURCE, f"unexpected {type(exc).__name__}: {exc}") from exc

    def fail(self) -> None:
        self.client.transport.abort.set()
        self.executor.shutdown(wait=False, cancel_futures=True)


class _NoProgress:
    def step(self, message: str) -> None:
        pass


def pull_snapshot(
    *,
    progress: Progress | None = None,
    base_url_hint: str | None = None,
    settings: PullSettings | None = None,
) -> LookerSnapshot:
    """The whole catalog, or PullError; never a partial snapshot.

    `base_url_hint` (the policy's public Looker URL) becomes the snapshot's `base_url`,
    the address links on the site point at; the API may live elsewhere (a port, a proxy).
    """
    progress = progress or _NoProgress()
    settings = settings or PullSettings.from_env()
    client = _Client(settings)
    progress.step(f"looker: logging in to {client.base_url}")
    client.login()
    pool = _Pool(client, settings.max_workers)
    deleted = {"deleted": "true", "fields": DELETED_FIELDS}
    try:
        # First: System Activity queries are the slowest answers, so they start first.
        usage = {kind: pool.submit(_usage, client, kind) for kind in USAGE_QUERIES}
        views = {kind: pool.submit(recent_views, client, kind) for kind in VIEW_QUERIES}
        folders = pool.submit(client.get_list, "/folders", {"fields": FOLDER_FIELDS})
        models = pool.submit(client.get_list, "/lookml_models", {"fields": MODEL_FIELDS})
        users = pool.submit(client.paginate, "/users", {"fields": USER_FIELDS}, progress, "users")
        streams = [
            pool.submit(
                client.paginate,
                "/dashboards/search",
                {"deleted": "false", "fields": ITEM_FIELDS},
                progress,
                "dashboards",
                _converter("dashboard"),
            ),
            pool.submit(
                client.paginate,
                "/looks/search",
                {"deleted": "false", "fields": LOOK_FIELDS},
                progress,
                "looks",
                _converter("look"),
            ),
            pool.submit(
                client.paginate,
                "/dashboards/search",
                deleted,
                progress,
                "deleted dashboards",
                _converter("dashboard", deleted=True),
            ),
            pool.submit(
                client.paginate,
                "/looks/search",
                deleted,
                progress,
                "deleted looks",
                _converter("look", deleted=True),
            ),
        ]
        lookml = pool.submit(client.get_list, "/dashboards", {"fields": LOOKML_DASHBOARD_FIELDS})
        pool.wait_all([models])
        pairs = _explore_names(models.result())
        explore_futs = [
            pool.submit(
                client.get, f"/lookml_models/{_q(m)}/explores/{_q(e)}", {"fields": EXPLORE_FIELDS}
            )
            for m, e in pairs
        ]
        pool.wait_all(pool.futures)
    except BaseException:
        pool.fail()
        raise
    pool.executor.shutdown(wait=True)

    items: dict[tuple[str, str], LookerItem] = {}
    # Trashed first, so an id that is both (a race during the pull) ends up live.
    for fut in (streams[2], streams[3], streams[0], streams[1]):
        for item in fut.result():
            items[(item.kind, item.id)] = item
    for row in lookml.result():
        if "::" in str(row.get("id", "")):
            item = _item("dashboard", row)
            items[("dashboard", item.id)] = item
    owners = {
        str(u.get("id")): str(u["display_name"]) for u in users.result() if u.get("display_name")
    }
    _with_owners(items.values(), owners)
    for kind, fut in usage.items():
        found, warning = fut.result()
        if warning:
            progress.step(warning)
        for item_id, use in found.items():
            item = items.get((kind, item_id))
            if item is not None:
                item.model, item.explore, item.fields = use.model, use.explore, list(use.fields)
    for kind, fut in views.items():
        counts, warning = fut.result()
        if warning:
            progress.step(warning)
        for (item_kind, item_id), item in items.items():
            if counts is not None and item_kind == kind and "::" not in item_id:
                item.recent_views = counts.get(item_id, 0)
    explores = []
    for (m, e), fut in zip(pairs, explore_futs, strict=True):
        row = fut.result()
        if not isinstance(row, dict):
            raise PullError(SOURCE, f"Looker answered explore {m}.{e} with something not an object")
        explores.append(_explore(m, e, row))
    snapshot = LookerSnapshot(
        pulled_at=datetime.now(UTC).replace(microsecond=0),
        base_url=(base_url_hint or client.base_url).rstrip("/"),
        folders=sorted((_folder(r) for r in folders.result()), key=lambda f: _id_key(f.id)),
        items=sorted(items.values(), key=lambda i: (i.kind, _id_key(i.id))),
        explores=sorted(explores, key=lambda x: (x.model, x.name)),
        requests=client.requests,
    )
    progress.step(f"looker: pulled in {client.requests} requests")
    return snapshot


def _q(part: str) -> str:
    from urllib.parse import quote

    return quote(part, safe="")


def verify_ids(
    ids: dict[str, set[str]], *, settings: PullSettings | None = None
) -> tuple[dict[tuple[str, str], LookerItem], int]:
    """Which of these look/dashboard ids Looker knows (trashed ones with deleted=True).

    Ids go `id=1,2,3` in batches, never one request per id. A batch is asked once without a
    `deleted` filter and once more with `deleted=true` for the ids it did not return, so it
    works whether or not the server includes trashed content by default. LookML dashboard
    ids (`model::name`) are not searchable; one `all_dashboards` call covers them.
    """
    settings = settings or PullSettings.from_env()
    client = _Client(settings)
    client.login()
    found: dict[tuple[str, str], LookerItem] = {}
    paths = {"look": "/looks/search", "dashboard": "/dashboards/search"}
    for kind, path in paths.items():
        wanted = sorted(i for i in ids.get(kind, set()) if "::" not in i)
        for start in range(0, len(wanted), settings.id_batch):
            batch = wanted[start : start + settings.id_batch]
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
                item = _item(kind, row, {})
                if item.id in batch:
                    found[(kind, item.id)] = item
    lookml_ids = {i for i in ids.get("dashboard", set()) if "::" in i}
    if lookml_ids:
        for row in client.get_list("/dashboards", {"fields": "id,title,model(id)"}):
            if str(row.get("id")) in lookml_ids:
                item = _item("dashboard", row, {})
                found[("dashboard", item.id)] = item
    return found, client.requests
