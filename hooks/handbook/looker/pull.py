"""Pull the whole Looker content catalog in a few tens of HTTP requests, whatever its size.

Round trips, not items, are what a pull costs: every list comes from a paginated search with
a `fields=` projection (`paging.search_pages`: `PullSettings.page_size` rows a page,
`sorts=id`, each id checked to come once), owners (and whether their account is
deactivated) from one paginated user list, trashed items from one cheap extra pass, and
independent lists are fetched side by side on a few threads (`pool`). Nothing is fetched
per item, and nothing is asked twice; explores, which Looker only serves one by one, are
fetched only for LookML projects whose deployed commit changed or could not be read
(`lookml`). Any failure stops the whole pull with a `PullError`, so a partial snapshot is
never returned. The optional parts never stop it: System Activity's explore and fields per
item (`activity`) are kept from the previous snapshot when Looker cannot answer
(`carried_over`), and so is the content validator's answer (`validation`, one slow request
with its own timeout); a missing permission is said once per pull.

This module only orchestrates: which requests, in what order, and how their answers make
one snapshot. Talking to Looker is `client`; turning its rows into the snapshot's models is
`rows`.
"""

from __future__ import annotations

import copy
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from handbook.looker.activity import PART as USAGE_PART
from handbook.looker.activity import (
    USAGE_QUERIES,
    UsageAnswer,
    apply_usage,
    item_usage,
    refusal_warning,
)
from handbook.looker.boards import pull_boards
from handbook.looker.client import LookerClient
from handbook.looker.lookml import (
    MODEL_FIELDS,
    LookmlState,
    deployed_commit,
    explore_path,
    plan,
    project_models,
)
from handbook.looker.paging import search_pages
from handbook.looker.pool import Pool
from handbook.looker.pull_settings import PullSettings
from handbook.looker.recent_views import PART as VIEWS_PART
from handbook.looker.recent_views import QUERIES as VIEW_QUERIES
from handbook.looker.recent_views import ViewCounts, apply_recent_views, recent_views
from handbook.looker.rows import (
    DELETED_FIELDS,
    EXPLORE_FIELDS,
    FOLDER_FIELDS,
    ITEM_FIELDS,
    LOOK_FIELDS,
    LOOKML_DASHBOARD_FIELDS,
    USER_FIELDS,
    explore,
    folder,
    id_sort_key,
    item,
    with_owners,
)
from handbook.looker.validation import (
    ValidationAnswer,
    ValidationMode,
    fetch_validation,
    say_validation,
    validation_part,
)
from handbook.progress import Progress, Silent
from handbook.snapshot.model import LookerBoard, LookerExplore, LookerItem, LookerSnapshot

__all__ = ["PullSettings", "pull_snapshot"]


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
    pool: Pool, client: LookerClient, progress: Progress, validation_timeout: int | None
) -> _Content:
    """Submit every request that needs nothing else first, slowest first: the content
    validator (unless `validation_timeout` is None), then System Activity."""

    def search(path: str, params: dict[str, str], what: str, kind: str, trashed: bool) -> Any:
        convert = partial(item, kind, deleted=trashed)
        return pool.submit(search_pages, client, path, params, progress, what, convert)

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
        users=pool.submit(
            search_pages, client, "/users", {"fields": USER_FIELDS}, progress, "users"
        ),
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


def _start_lookml(
    pool: Pool,
    client: LookerClient,
    content: _Content,
    previous: LookerSnapshot | None,
    progress: Progress,
) -> _Lookml:
    """Ask each project's commit, then fetch the explores (and LookML dashboards) it changed."""
    pool.wait_all([content.models])
    models = content.models.result()
    asked = {p: pool.submit(deployed_commit, client, p) for p in project_models(models)}
    pool.wait_all(asked.values())
    state = plan(models, {project: fut.result() for project, fut in asked.items()}, previous)
    if state.note:
        progress.step(state.note)
    before = {(e.model, e.name): e for e in previous.explores} if previous else {}
    kept = {p: before[p] for p in state.pairs if p[0] in state.unchanged_models and p in before}
    fetched = {
        (m, e): pool.submit(client.get, explore_path(m, e), {"fields": EXPLORE_FIELDS})
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


def _fetch(
    client: LookerClient,
    previous: LookerSnapshot | None,
    validation_timeout: int | None,
    progress: Progress,
) -> tuple[_Content, _Lookml, list[LookerBoard]]:
    """Every request of the pull, side by side on the pool; the first failure stops all."""
    pool = Pool(client, client.settings.max_workers)
    try:
        content = _start_content(pool, client, progress, validation_timeout)
        lookml = _start_lookml(pool, client, content, previous, progress)
        boards = pool.submit(pull_boards, client)
        pool.wait_all(pool.futures)
    except BaseException:
        pool.fail()
        raise
    pool.executor.shutdown(wait=True)
    return content, lookml, boards.result()


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
    progress = progress or Silent()
    settings = settings or PullSettings.from_env()
    client = LookerClient(settings)
    progress.step(f"looker: logging in to {client.base_url}")
    client.login()
    timeout = settings.content_validation_timeout if validation == "run" else None
    content, lookml, boards = _fetch(client, previous, timeout, progress)

    items = _items(content, lookml, previous)
    usage = {kind: fut.result() for kind, fut in content.usage.items()}
    views = {kind: fut.result() for kind, fut in content.views.items()}
    carried = apply_usage(items, usage, previous, progress)
    apply_recent_views(items, views, progress)
    refused = refusal_warning({USAGE_PART: usage, VIEWS_PART: views})
    if refused:
        progress.step(refused)
    explores = [
        lookml.kept[pair] if pair in lookml.kept else explore(*pair, lookml.fetched[pair].result())
        for pair in lookml.state.pairs
    ]
    pulled_at = datetime.now(UTC).replace(microsecond=0)
    answer = content.validation.result() if content.validation else None
    validated = validation_part(validation, answer, previous, pulled_at)
    say_validation(validated, progress)
    snapshot = LookerSnapshot(
        pulled_at=pulled_at,
        base_url=(base_url_hint or client.base_url).rstrip("/"),
        folders=sorted(map(folder, content.folders.result()), key=lambda f: id_sort_key(f.id)),
        items=sorted(items.values(), key=lambda i: (i.kind, id_sort_key(i.id))),
        explores=sorted(explores, key=lambda x: (x.model, x.name)),
        boards=boards,
        requests=client.requests,
        projects=lookml.state.projects,
        carried_over=carried,
        content_validation=validated,
    )
    progress.step(f"looker: pulled in {client.requests} requests")
    return snapshot


def _items(
    content: _Content, lookml: _Lookml, previous: LookerSnapshot | None
) -> dict[tuple[str, str], LookerItem]:
    """Every look and dashboard by (kind, id), owners filled in."""
    items: dict[tuple[str, str], LookerItem] = {}
    # Trashed first, so an id that is both (a race during the pull) ends up live.
    for fut in (*content.trashed, *content.live):
        for found in fut.result():
            items[(found.kind, found.id)] = found
    if lookml.dashboards is not None:
        for row in lookml.dashboards.result():
            if "::" in str(row.get("id", "")):
                dashboard = item("dashboard", row)
                items[("dashboard", dashboard.id)] = dashboard
    elif previous is not None:  # LookML unchanged: its dashboards are too
        for kept in previous.items:
            if kept.lookml:
                items[(kept.kind, kept.id)] = copy.deepcopy(kept)
    with_owners(items.values(), content.users.result())
    return items
