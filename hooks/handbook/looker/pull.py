"""Pull the whole Looker content catalog in a few tens of HTTP requests, whatever its size.

Round trips, not items, are what a pull costs: every list comes from a paginated search with
a `fields=` projection (`PullSettings.page_size` rows a page, `sorts=id`, each id checked to
come once), owners (and whether their account is deactivated) from one paginated user list,
trashed items from one cheap extra pass, and independent lists are fetched side by side on
a few threads. Nothing is fetched per item, and nothing is asked twice; explores, which
Looker only serves one by one, are fetched only for LookML projects whose deployed commit
changed or could not be read (`lookml`). Any failure stops the whole pull with a
`PullError`, so a partial snapshot is never returned. The optional parts never stop it:
System Activity's explore and fields per item (`activity`) are kept from the previous
snapshot when Looker cannot answer (`carried_over`), and so is the content validator's
answer (`validation`, one slow request with its own timeout); a missing permission is said
once per pull.

Talking to Looker (retries, status checks, request counting, no secrets in messages) is
`client`. This module maps Looker's rows onto the snapshot model.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from handbook.errors import PullError
from handbook.looker.activity import USAGE_QUERIES, UsageAnswer, item_usage, refusal_warning
from handbook.looker.boards import LIVE_BOARD_FIELDS, pull_boards
from handbook.looker.client import SOURCE, LookerClient, PullSettings, id_sort_key
from handbook.looker.lookml import (
    EXPLORE_FIELDS,
    MODEL_FIELDS,
    LookmlState,
    deployed_commit,
    explore,
    plan,
    project_models,
    quoted,
    text_or_none,
    validated,
)
from handbook.looker.recent_views import QUERIES as VIEW_QUERIES
from handbook.looker.recent_views import ViewCounts, recent_views
from handbook.looker.validation import (
    ValidationAnswer,
    ValidationMode,
    fetch_validation,
    validation_part,
)
from handbook.progress import Progress
from handbook.snapshot.model import (
    CarriedPart,
    ContentValidation,
    LookerBoard,
    LookerExplore,
    LookerFolder,
    LookerItem,
    LookerSnapshot,
)

__all__ = ["PullSettings", "pull_snapshot", "verify_ids"]

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
USER_FIELDS = "id,display_name,is_disabled"


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
        "title": text_or_none(row.get("title")) or "",
        "description": text_or_none(row.get("description")) or None,
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
        data["model"] = text_or_none(query.get("model")) or data["model"]
        data["explore"] = text_or_none(query.get("view"))
        data["fields"] = [str(f) for f in query.get("fields") or []]
    return validated(LookerItem, data, f"{kind} {item_id}")


_USER_KEY = "\x00user:"


def _owner_key(row: dict[str, Any]) -> str | None:
    user_id = row.get("user_id")
    return None if user_id in (None, "") else f"{_USER_KEY}{user_id}"


def _with_owners(items: Iterable[LookerItem], owners: dict[str, str], disabled: set[str]) -> None:
    """Owner names from the user list, and whether the owner's account is deactivated."""
    for item in items:
        if item.owner is not None and item.owner.startswith(_USER_KEY):
            user_id = item.owner[len(_USER_KEY) :]
            item.owner = owners.get(user_id)
            item.owner_disabled = user_id in disabled


def _converter(kind: str, *, deleted: bool = False) -> Callable[[dict[str, Any]], LookerItem]:
    return lambda row: _item(kind, row, deleted=deleted)


def _folder(row: dict[str, Any]) -> LookerFolder:
    return validated(
        LookerFolder,
        {
            "id": _str_id(row.get("id")),
            "name": text_or_none(row.get("name")) or "",
            "parent_id": _str_id(row.get("parent_id")),
            "is_personal": row.get("is_personal") is True,
            "is_personal_descendant": row.get("is_personal_descendant") is True,
        },
        f"folder {row.get('id')!r}",
    )


class _Pool:
    """A thread pool where the first failure stops everything and is re-raised."""

    def __init__(self, client: LookerClient, workers: int) -> None:
        self.client = client
        self.executor = ThreadPoolExecutor(max_workers=max(1, workers))
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        fut = self.executor.submit(fn, *args)
        self.futures.append(fut)
        return fut

    def submit_detached(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """`fn` on a daemon thread of its own, for a request that may take minutes (the
        content validator): when the pull fails meanwhile, the process can still exit at
        once instead of waiting for that answer, as it must for the pool's threads."""
        fut: Future[Any] = Future()

        def run() -> None:
            try:
                fut.set_result(fn(*args))
            except BaseException as exc:  # handed to whoever waits, as the pool does
                fut.set_exception(exc)

        threading.Thread(target=run, name="looker-slow-request", daemon=True).start()
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


@dataclass
class _Content:
    """The pull's independent requests, in flight: each a Future on the pool."""

    usage: dict[str, Future[UsageAnswer]]
    views: dict[str, Future[ViewCounts]]  # views in the last 90 days, by kind
    folders: Future[list[dict[str, Any]]]
    models: Future[list[dict[str, Any]]]
    users: Future[list[dict[str, Any]]]
    live: list[Future[list[LookerItem]]]  # dashboards, looks
    trashed: list[Future[list[LookerItem]]]  # dashboards, looks
    validation: Future[ValidationAnswer] | None  # None: the validator is not asked


@dataclass
class _Lookml:
    """Explores (fetched or copied) and LookML dashboards (None: copied from previous)."""

    state: LookmlState
    kept: dict[tuple[str, str], LookerExplore]
    fetched: dict[tuple[str, str], Future[Any]]
    dashboards: Future[list[dict[str, Any]]] | None


def _start_content(
    pool: _Pool, client: LookerClient, progress: Progress, validation_timeout: int | None
) -> _Content:
    """Submit every request that needs nothing else first, slowest first: the content
    validator (unless `validation_timeout` is None), then System Activity."""

    def search(path: str, params: dict[str, str], what: str, kind: str, trashed: bool) -> Any:
        convert = _converter(kind, deleted=trashed)
        return pool.submit(client.paginate, path, params, progress, what, convert)

    live = {"deleted": "false", "fields": ITEM_FIELDS}
    gone = {"deleted": "true", "fields": DELETED_FIELDS}
    checked = None
    if validation_timeout is not None:
        checked = pool.submit_detached(fetch_validation, client, validation_timeout)
    return _Content(
        usage={kind: pool.submit(item_usage, client, kind) for kind in USAGE_QUERIES},
        views={kind: pool.submit(recent_views, client, kind) for kind in VIEW_QUERIES},
        folders=pool.submit(client.get_list, "/folders", {"fields": FOLDER_FIELDS}),
        models=pool.submit(client.get_list, "/lookml_models", {"fields": MODEL_FIELDS}),
        users=pool.submit(client.paginate, "/users", {"fields": USER_FIELDS}, progress, "users"),
        live=[
            search("/dashboards/search", live, "dashboards", "dashboard", False),
            search("/looks/search", {**live, "fields": LOOK_FIELDS}, "looks", "look", False),
        ],
        trashed=[
            search("/dashboards/search", gone, "deleted dashboards", "dashboard", True),
            search("/looks/search", gone, "deleted looks", "look", True),
        ],
        validation=checked,
    )


def _commit_or_refusal(client: LookerClient, project: str) -> str | PullError | None:
    """A project's deployed commit, or the refusal (403/404) when we may not read it."""
    try:
        return deployed_commit(client, project)
    except PullError as exc:
        if exc.status in (403, 404):
            return exc
        raise


def _start_lookml(
    pool: _Pool,
    client: LookerClient,
    content: _Content,
    previous: LookerSnapshot | None,
    progress: Progress,
) -> _Lookml:
    """Ask each project's commit, then fetch the explores (and LookML dashboards) it changed."""
    pool.wait_all([content.models])
    models = content.models.result()
    asked = {p: pool.submit(_commit_or_refusal, client, p) for p in project_models(models)}
    pool.wait_all(asked.values())
    state = plan(models, {project: fut.result() for project, fut in asked.items()}, previous)
    if state.note:
        progress.step(state.note)
    before = {(e.model, e.name): e for e in previous.explores} if previous else {}
    kept = {p: before[p] for p in state.pairs if p[0] in state.unchanged_models and p in before}
    fetched = {
        (m, e): pool.submit(
            client.get,
            f"/lookml_models/{quoted(m)}/explores/{quoted(e)}",
            {"fields": EXPLORE_FIELDS},
        )
        for m, e in state.pairs
        if (m, e) not in kept
    }
    dashboards = None
    if previous is None or not state.nothing_changed:
        dashboards = pool.submit(
            client.get_list, "/dashboards", {"fields": LOOKML_DASHBOARD_FIELDS}
        )
    if fetched or kept:
        progress.step(f"looker: {len(fetched)} explores fetched, {len(kept)} unchanged")
    return _Lookml(state, kept, fetched, dashboards)


def pull_snapshot(
    *,
    progress: Progress | None = None,
    base_url_hint: str | None = None,
    settings: PullSettings | None = None,
    previous: LookerSnapshot | None = None,
    validation: ValidationMode = "run",
) -> LookerSnapshot:
    """The whole catalog, or PullError; never a partial snapshot.

    `previous` (the last good snapshot) supplies explores of LookML projects whose deployed
    commit did not change, and System Activity's part and the content validation when
    Looker cannot answer them now. `base_url_hint` (the policy's public Looker URL) becomes
    the snapshot's `base_url`, the address links on the site point at; the API may live
    elsewhere (a port, a proxy). `validation`: "run" asks the content validator, "skip"
    keeps the previous snapshot's validation (`mkdocs serve`), "off" asks nothing.
    """
    progress = progress or _NoProgress()
    settings = settings or PullSettings.from_env()
    client = LookerClient(settings)
    progress.step(f"looker: logging in to {client.base_url}")
    client.login()
    pool = _Pool(client, settings.max_workers)
    try:
        timeout = settings.content_validation_timeout if validation == "run" else None
        content = _start_content(pool, client, progress, timeout)
        lookml = _start_lookml(pool, client, content, previous, progress)
        boards = pool.submit(pull_boards, client)
        pool.wait_all(pool.futures)
    except BaseException:
        pool.fail()
        raise
    pool.executor.shutdown(wait=True)

    items = _items(content, lookml, previous)
    carried = _apply_usage(items, content.usage, previous, progress)
    _apply_recent_views(items, content.views, progress)
    _say_refusals(content, progress)
    explores = [
        lookml.kept[pair] if pair in lookml.kept else explore(*pair, lookml.fetched[pair].result())
        for pair in lookml.state.pairs
    ]
    pulled_at = datetime.now(UTC).replace(microsecond=0)
    answer = content.validation.result() if content.validation else None
    validated = validation_part(validation, answer, previous, pulled_at)
    _say_validation(validated, progress)
    snapshot = LookerSnapshot(
        pulled_at=pulled_at,
        base_url=(base_url_hint or client.base_url).rstrip("/"),
        folders=sorted((_folder(r) for r in content.folders.result()), key=_folder_key),
        items=sorted(items.values(), key=lambda i: (i.kind, id_sort_key(i.id))),
        explores=sorted(explores, key=lambda x: (x.model, x.name)),
        boards=boards.result(),
        requests=client.requests,
        projects=lookml.state.projects,
        carried_over=carried,
        content_validation=validated,
    )
    progress.step(f"looker: pulled in {client.requests} requests")
    return snapshot


def _folder_key(folder: LookerFolder) -> tuple[int, int, str]:
    return id_sort_key(folder.id)


def _items(
    content: _Content, lookml: _Lookml, previous: LookerSnapshot | None
) -> dict[tuple[str, str], LookerItem]:
    """Every look and dashboard by (kind, id), owners filled in."""
    items: dict[tuple[str, str], LookerItem] = {}
    # Trashed first, so an id that is both (a race during the pull) ends up live.
    for fut in (*content.trashed, *content.live):
        for item in fut.result():
            items[(item.kind, item.id)] = item
    if lookml.dashboards is not None:
        for row in lookml.dashboards.result():
            if "::" in str(row.get("id", "")):
                item = _item("dashboard", row)
                items[("dashboard", item.id)] = item
    elif previous is not None:  # LookML unchanged: its dashboards are too
        for item in previous.items:
            if item.lookml:
                items[(item.kind, item.id)] = item.model_copy(deep=True)
    users = content.users.result()
    owners = {str(u.get("id")): str(u["display_name"]) for u in users if u.get("display_name")}
    disabled = {str(u.get("id")) for u in users if u.get("is_disabled") is True}
    _with_owners(items.values(), owners, disabled)
    return items


def _apply_usage(
    items: dict[tuple[str, str], LookerItem],
    usage: dict[str, Future[UsageAnswer]],
    previous: LookerSnapshot | None,
    progress: Progress,
) -> list[CarriedPart]:
    """Put System Activity's explore and fields on each item; keep the old ones on failure."""
    carried: list[CarriedPart] = []
    for kind, fut in usage.items():
        answer = fut.result()
        if answer.degraded:
            carried.append(_carry_usage(kind, items, previous, answer.warning or ""))
            progress.step(f"looker: error: {answer.warning}; {_kept_text(carried[-1])}")
            continue
        if answer.warning:
            progress.step(answer.warning)
        for item_id, use in answer.found.items():
            item = items.get((kind, item_id))
            if item is not None:
                item.model, item.explore, item.fields = use.model, use.explore, list(use.fields)
    return carried


def _apply_recent_views(
    items: dict[tuple[str, str], LookerItem],
    views: dict[str, Future[ViewCounts]],
    progress: Progress,
) -> None:
    """Set `recent_views` (no history row: 0); left unset where System Activity failed."""
    for kind, fut in views.items():
        answer = fut.result()
        if answer.warning:
            progress.step(answer.warning)
        counts = answer.counts
        if counts is None:
            continue
        for (item_kind, item_id), item in items.items():
            if item_kind == kind and not item.lookml and "::" not in item_id:
                item.recent_views = counts.get(item_id, 0)


def _say_validation(validated: ContentValidation, progress: Progress) -> None:
    """One line on the content validator, unless it simply answered."""
    if validated.state == "unavailable":
        progress.step(f"looker: warning: content validation is unavailable: {validated.reason}")
    elif validated.state in ("kept", "skipped"):
        kept = (
            f"the errors are kept from the pull at {validated.validated_at:%Y-%m-%d %H:%M} UTC"
            if validated.validated_at
            else "there was no earlier validation to keep"
        )
        level = "error: content validation failed" if validated.state == "kept" else "note"
        progress.step(f"looker: {level}: {validated.reason}; {kept}")
    elif validated.state == "ok":
        progress.step(f"looker: content validation: {len(validated.items)} broken item(s)")


def _say_refusals(content: _Content, progress: Progress) -> None:
    """One warning for every System Activity query refused (no see_system_activity)."""
    statuses: list[int] = []
    missing: dict[str, list[str]] = {}
    for what, answers in (
        ("the explore and fields", content.usage),
        ("the views in the last 90 days", content.views),
    ):
        for kind, fut in answers.items():
            status = fut.result().refused
            if status is not None:
                statuses.append(status)
                missing.setdefault(what, []).append(kind)
    if statuses:
        progress.step(refusal_warning(statuses[0], missing))


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
        for key, item in items.items():
            old = before.get(key)
            if old is not None and not item.lookml:
                item.model, item.explore, item.fields = old.model, old.explore, list(old.fields)
    return CarriedPart(part=part, pulled_at=since, reason=reason)


def _kept_text(part: CarriedPart) -> str:
    if part.pulled_at is None:
        return f"there was no earlier {part.part} to keep, so the snapshot has none"
    return f"the {part.part} are kept from the pull at {part.pulled_at:%Y-%m-%d %H:%M} UTC"


def verify_ids(
    ids: dict[str, set[str]], *, settings: PullSettings | None = None
) -> tuple[dict[tuple[str, str], LookerItem | LookerBoard], int]:
    """Which of these look, dashboard and board ids Looker knows (trashed ones deleted=True).

    Ids go `id=1,2,3` in batches, never one request per id. A batch is asked once without a
    `deleted` filter and once more with `deleted=true` for the ids it did not return, so it
    works whether or not the server includes trashed content by default. LookML dashboard
    ids (`model::name`) are not searchable; one `all_dashboards` call covers them. Boards
    have no search by id: one `all_boards` call with a small `fields=` covers them all.
    """
    settings = settings or PullSettings.from_env()
    client = LookerClient(settings)
    client.login()
    found: dict[tuple[str, str], LookerItem | LookerBoard] = {}
    found.update(_verify_searchable(client, ids, settings.id_batch))
    lookml_ids = {i for i in ids.get("dashboard", set()) if "::" in i}
    if lookml_ids:
        for row in client.get_list("/dashboards", {"fields": "id,title,model(id)"}):
            if str(row.get("id")) in lookml_ids:
                item = _item("dashboard", row, {})
                found[("dashboard", item.id)] = item
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
                item = _item(kind, row, {})
                if item.id in batch:
                    found[(kind, item.id)] = item
    return found
