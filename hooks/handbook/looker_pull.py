"""Pull the whole Looker content catalog in tens of HTTP requests, whatever its size.

Why it looks like this:

- Round trips, not items, are what a pull costs: every list comes from a paginated search
  with a `fields=` projection (1,000 rows a page), owners from one paginated user list, and
  independent lists are fetched side by side on a few threads. Nothing is fetched per item;
  only explores are fetched one by one, because Looker has no bulk call for their fields.
- The looker-sdk's own error path is unusable for us: `SDKError` carries no HTTP status and
  its error-doc lookup makes more network calls. So retries, status checks and request
  counting live in `_Transport`, a `RequestsTransport` subclass that never hands a failed
  response back to the SDK: it retries what is transient and raises `PullError` otherwise.
- Answers are read with `sdk.get(..., structure=str)` and parsed here, leniently, because
  some `fields=` projections do not deserialize into the SDK's models; any garbage becomes
  a `PullError`, never a crash and never a partial snapshot.
- No message ever contains the client secret or the access token: messages are built from
  the method, the path and the status only.
- Which explore and LookML fields each look and dashboard queries comes from System
  Activity (`_usage`): searches never return an item's query and per-item GETs are out of
  budget, so two inline queries (one per kind, paged only past 50,000 rows) answer it for
  all items at once. That part is optional: without the see_system_activity permission the
  snapshot is written without it, with a warning (see `_usage`).
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from pydantic import ValidationError

from .errors import PullError
from .model import LookerExplore, LookerField, LookerFolder, LookerItem, LookerSnapshot
from .progress import Progress

SOURCE = "looker"
API_VERSION = "4.0"

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

_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# System Activity (model `system__activity`): which explore and fields each item queries.
# Explore `look` joins `query` on look.query_id; explore `dashboard` joins `query` on the
# tile's own query, else its look's query, else a merged query's sources (COALESCE), so
# one row per (dashboard, distinct tile query). `query.view` is the explore's name and
# `query.formatted_fields` the query's field list as JSON text (`["v.a", "v.b"]`).
SYSTEM_ACTIVITY = "system__activity"
USAGE_QUERIES = {"look": ("look", "look.id"), "dashboard": ("dashboard", "dashboard.id")}
USAGE_MODEL, USAGE_EXPLORE, USAGE_FIELDS = "query.model", "query.view", "query.formatted_fields"
USAGE_LIMIT = 50_000
_FIELD_NAME = re.compile(r"[A-Za-z0-9_]+\.[A-Za-z0-9_]+")


@dataclass(frozen=True)
class PullSettings:
    """Where Looker is and how hard to try; `from_env()` reads what a user configures.

    Credentials left as None come from the looker-sdk's own configuration (LOOKERSDK_* or
    looker.ini), so the SDK's documented setup keeps working; tests pass them explicitly.
    """

    base_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    verify_ssl: bool | None = None
    timeout: int | None = None
    config_file: str = "looker.ini"
    page_size: int = 1000
    max_workers: int = 6
    retry_attempts: int = 5
    retry_base_seconds: float = 1.0
    retry_max_delay: float = 30.0
    retry_budget_seconds: float = 300.0
    id_batch: int = 100

    @classmethod
    def from_env(cls, **overrides: Any) -> PullSettings:
        """Retry knobs from HANDBOOK_RETRY_*, so tests and CI can make failures fast."""

        def num(name: str, default: float) -> float:
            raw = os.environ.get(name)
            try:
                return float(raw) if raw else default
            except ValueError:
                raise PullError(SOURCE, f"{name} must be a number, got {raw!r}") from None

        values: dict[str, Any] = {
            "retry_attempts": int(num("HANDBOOK_RETRY_ATTEMPTS", 5)),
            "retry_base_seconds": num("HANDBOOK_RETRY_BASE_SECONDS", 1.0),
            "retry_budget_seconds": num("HANDBOOK_RETRY_BUDGET_SECONDS", 300.0),
        }
        values.update(overrides)
        return cls(**values)


def _api_settings(settings: PullSettings) -> Any:
    """The SDK's ApiSettings: its file/env reading, with our explicit values on top."""
    from looker_sdk.rtl.api_settings import ApiSettings
    from looker_sdk.sdk import constants

    explicit = {
        k: v
        for k, v in {
            "base_url": settings.base_url,
            "client_id": settings.client_id,
            "client_secret": settings.client_secret,
            "verify_ssl": None if settings.verify_ssl is None else str(settings.verify_ssl),
            "timeout": None if settings.timeout is None else str(settings.timeout),
        }.items()
        if v is not None
    }

    class _Settings(ApiSettings):
        def read_config(self) -> Any:
            data = dict(super().read_config())
            data.update(explicit)
            return data

    try:
        return _Settings(
            filename=settings.config_file,
            sdk_version=constants.sdk_version,
            env_prefix=constants.environment_prefix,
        )
    except (OSError, ValueError, TypeError, KeyError, IndexError) as exc:
        raise PullError(SOURCE, f"cannot read the Looker configuration: {exc}") from None


class _Transport:
    """Factory for the retrying transport; a function so looker_sdk imports stay lazy."""

    @staticmethod
    def make(api: Any, settings: PullSettings) -> Any:
        from looker_sdk.rtl import transport as sdk_transport
        from looker_sdk.rtl.requests_transport import NullAuth, RequestsTransport

        class RetryingTransport(RequestsTransport):
            """Counts every HTTP attempt, retries transient faults, raises PullError."""

            def __init__(self) -> None:
                super().__init__(api, requests.Session())
                self.requests = 0
                self.abort = threading.Event()
                self._lock = threading.Lock()
                self._started = time.monotonic()

            def request(  # type: ignore[override]
                self,
                method: Any,
                path: str,
                query_params: Any = None,
                body: bytes | None = None,
                authenticator: Any = None,
                transport_options: Any = None,
            ) -> Any:
                headers: dict[str, str] = {}
                if authenticator:
                    headers.update(authenticator(transport_options or {}))
                if transport_options and transport_options.get("headers"):
                    headers.update(transport_options["headers"])
                where = f"{method.name} {urlsplit(path).path}"
                attempt = 0
                while True:
                    if self.abort.is_set():
                        raise PullError(SOURCE, "pull abandoned after another request failed")
                    attempt += 1
                    with self._lock:
                        self.requests += 1
                    problem, retry_after = self._once(
                        method.name, path, query_params, body, headers, where
                    )
                    if isinstance(problem, sdk_transport.Response):
                        return problem
                    self._wait_or_fail(attempt, where, problem, retry_after)

            def _once(
                self, verb: str, path: str, params: Any, body: Any, headers: Any, where: str
            ) -> tuple[Any, float | None]:
                """One attempt: a Response to hand back, or (why it failed, Retry-After)."""
                try:
                    resp = self.session.request(
                        verb,
                        path,
                        auth=NullAuth(),
                        params=params,
                        data=body,
                        headers=headers,
                        timeout=api.timeout,
                    )
                except requests.Timeout:
                    return f"no answer within {api.timeout} s", None
                except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                    return "the connection failed or was reset", None
                except requests.RequestException as exc:
                    raise PullError(SOURCE, f"{where}: {type(exc).__name__}") from None
                # Looker answers a bad API key on /login with 404, not 401.
                if resp.status_code in (401, 403) or (
                    resp.status_code == 404 and where.endswith("/login")
                ):
                    raise _auth_error(resp.status_code, where)
                if resp.status_code in _RETRY_STATUSES:
                    return f"HTTP {resp.status_code}", _retry_after(resp)
                if not resp.ok:
                    raise PullError(
                        SOURCE,
                        f"Looker answered {where} with HTTP {resp.status_code}"
                        f"{_looker_message(resp)}",
                        status=resp.status_code,
                    )
                out = sdk_transport.Response(
                    True,
                    resp.content,
                    sdk_transport.response_mode(resp.headers.get("content-type")),
                )
                out.encoding = requests.utils.get_encoding_from_headers(resp.headers) or "utf-8"
                return out, None

            def _wait_or_fail(
                self, attempt: int, where: str, problem: str, retry_after: float | None
            ) -> None:
                delay = min(
                    settings.retry_max_delay,
                    settings.retry_base_seconds * 2 ** (attempt - 1) * (0.5 + random.random() / 2),
                )
                if retry_after is not None:
                    delay = max(delay, retry_after)
                spent = time.monotonic() - self._started
                if (
                    attempt >= settings.retry_attempts
                    or spent + delay > settings.retry_budget_seconds
                ):
                    raise PullError(
                        SOURCE,
                        f"Looker did not answer {where} after {attempt} attempt(s): {problem}",
                    )
                if self.abort.wait(delay):
                    raise PullError(SOURCE, "pull abandoned after another request failed")

        return RetryingTransport()


def _auth_error(status: int, where: str) -> PullError:
    if where.endswith("/login"):
        text = (
            f"Looker rejected the credentials ({status}): check LOOKERSDK_CLIENT_ID / "
            "LOOKERSDK_CLIENT_SECRET"
        )
    elif status == 401:
        text = f"Looker rejected the access token ({status}) on {where}: log in again"
    else:
        text = (
            f"Looker refused {where} ({status}): the API user needs permission to see "
            "all content (e.g. the see_looks, see_user_dashboards and explore permissions)"
        )
    return PullError(SOURCE, text, status=status)


def _retry_after(resp: requests.Response) -> float | None:
    raw = resp.headers.get("Retry-After")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(raw) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _looker_message(resp: requests.Response) -> str:
    """Looker's own `message`, short; it never holds credentials (they travel in bodies)."""
    try:
        msg = resp.json().get("message")
    except (ValueError, AttributeError):
        return ""
    return f": {str(msg)[:200]}" if msg else ""


class _Client:
    """The real looker-sdk client with our transport; every GET returns parsed JSON."""

    def __init__(self, settings: PullSettings) -> None:
        from looker_sdk.rtl import auth_session, serialize
        from looker_sdk.sdk.api40.methods import Looker40SDK

        self.settings = settings
        api = _api_settings(settings)
        if not api.base_url:
            raise PullError(
                SOURCE,
                "Looker is not configured: set LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID and "
                "LOOKERSDK_CLIENT_SECRET (or a looker.ini)",
            )
        self.base_url = api.base_url.rstrip("/")
        self.transport = _Transport.make(api, settings)
        auth = auth_session.AuthSession(api, self.transport, serialize.deserialize40, API_VERSION)
        self.sdk = Looker40SDK(
            auth, serialize.deserialize40, serialize.serialize40, self.transport, API_VERSION
        )

    @property
    def requests(self) -> int:
        return self.transport.requests

    def login(self) -> None:
        """Log in once up front, so worker threads never race to refresh the token."""
        from looker_sdk.error import SDKError

        try:
            self.sdk.auth.authenticate({})
        except SDKError as exc:
            raise PullError(SOURCE, f"cannot log in to Looker: {_sdk_text(exc)}") from None
        except (ValueError, TypeError, AssertionError):
            raise PullError(SOURCE, "Looker answered the login with an unexpected body") from None

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        from looker_sdk.error import SDKError

        try:
            text = self.sdk.get(path, structure=str, query_params=params)
        except SDKError as exc:
            raise PullError(SOURCE, f"GET {path}: {_sdk_text(exc)}") from None
        try:
            return json.loads(text or "")
        except (ValueError, TypeError):
            raise PullError(
                SOURCE, f"Looker answered GET {path} with a body that is not JSON (truncated?)"
            ) from None

    def run_query(self, explore: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Rows of an inline System Activity query (`run_inline_query`, result format json)."""
        from looker_sdk.error import SDKError
        from looker_sdk.sdk.api40.models import WriteQuery

        where = f"POST /queries/run/json ({SYSTEM_ACTIVITY}.{explore})"
        try:
            text = self.sdk.run_inline_query(
                "json", WriteQuery(model=SYSTEM_ACTIVITY, view=explore, **body)
            )
        except SDKError as exc:
            raise PullError(SOURCE, f"{where}: {_sdk_text(exc)}") from None
        try:
            data = json.loads(text.decode() if isinstance(text, bytes) else text or "")
        except (ValueError, TypeError):
            raise PullError(
                SOURCE, f"Looker answered {where} with a body that is not JSON"
            ) from None
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            # A query error comes back as one object ({"looker_error": ...}), not rows.
            raise PullError(SOURCE, f"Looker answered {where} with something not a list of rows")
        return data

    def get_list(self, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        data = self.get(path, params)
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            raise PullError(SOURCE, f"Looker answered GET {path} with something not a list")
        return data

    def paginate(
        self,
        path: str,
        params: dict[str, Any],
        progress: Progress,
        what: str,
        convert: Callable[[dict[str, Any]], Any] = lambda row: row,
    ) -> list[Any]:
        """Every row of a search, page by page; any failed page fails the whole pull.

        Each page is converted (`convert`) as soon as it arrives, on this worker thread,
        so the CPU work overlaps the other streams' network waits instead of following them.
        """
        size = self.settings.page_size
        rows: list[Any] = []
        previous_first: object = object()
        for page in range(100_000):
            batch = self.get_list(path, {**params, "limit": size, "offset": page * size})
            if batch and batch[0].get("id") == previous_first:
                raise PullError(SOURCE, f"GET {path} ignores offset: the same page came twice")
            rows.extend(convert(row) for row in batch)
            if len(batch) < size:
                break
            previous_first = batch[0].get("id")
            progress.step(f"looker: {len(rows):,} {what} so far")
        return rows


def _sdk_text(exc: Exception) -> str:
    text = str(getattr(exc, "message", "") or exc)
    return text[:200]


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


def _id_key(value: str) -> tuple[int, int, str]:
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


@dataclass(frozen=True)
class _Usage:
    """What one look or dashboard queries: one model and explore, and their fields."""

    model: str
    explore: str
    fields: list[str]


def _usage(client: _Client, kind: str) -> tuple[dict[str, _Usage], str | None]:
    """Explore and fields of every look (or dashboard), by id, from System Activity.

    One inline query per kind, whatever the number of items (a further one per 50,000 rows,
    see `_usage_rows`). Never raises: it answers ({}, warning) when it cannot, because the
    rest of the snapshot is good without it and only the metric pages' "content using this
    field" lists shrink. That covers
    - a refusal: 403 (no see_system_activity permission) or 404 (model not visible), or
      any other HTTP error such as a 400/422 on a field this Looker version lacks;
    - garbage: a body that is not JSON, not a list of rows, or rows without the asked
      fields (a query error comes back as one `looker_error` object);
    - transport faults: a 5xx, a 429, a timeout or a reset is first retried by the shared
      transport exactly like every other call (attempts, backoff, Retry-After, budget), and
      only what is still failing after that degrades here. Degrading rather than failing
      the pull keeps an optional, slow, internal-database query from costing the whole
      refresh; retrying first keeps a blip from silently dropping the links.
    If another call fails the pull, this one is abandoned with it (the pull fails anyway).

    LookML dashboards (`model::name`) are not rows of System Activity's `dashboard`
    explore (it reads the application database's dashboards, numeric ids), so they keep
    whatever the search gave (their model) and no fields.
    """
    explore, id_field = USAGE_QUERIES[kind]
    try:
        rows = _usage_rows(client, explore, id_field)
    except PullError as exc:
        if exc.status in (403, 404):
            why = (
                f"refused the {kind} query (HTTP {exc.status}); the API user needs the "
                "see_system_activity permission"
            )
        else:
            why = f"could not answer the {kind} query: {exc.message}"
        return {}, (
            f"looker: warning: System Activity {why}. The snapshot is written without the "
            f"explore and fields of {kind}s, so metric pages will not list them as using "
            "their field until a refresh can read them."
        )
    return _usage_by_item(rows), None


def _usage_rows(
    client: _Client, explore: str, id_field: str
) -> list[tuple[int, str, str, list[str], str]]:
    """(id, model, explore, fields, raw fields text) rows, page by page if the limit is hit.

    Inline queries have no offset, so pages are keyed on the id: rows come sorted by id, a
    full page drops its last id (its rows may continue) and the next page asks `>=` it.
    The limit is explicit (USAGE_LIMIT rows): without one Looker stops at 5,000 silently.
    """
    limit = USAGE_LIMIT
    wanted = [id_field, USAGE_MODEL, USAGE_EXPLORE, USAGE_FIELDS]
    parsed: dict[str, list[str]] = {}  # many items query the same fields
    out: list[tuple[int, str, str, list[str], str]] = []
    lower: int | None = None
    for _ in range(10_000):
        filters = {USAGE_MODEL: "-NULL"}  # text and button tiles have no query
        if lower is not None:
            filters[id_field] = f">={lower}"
        body = {"fields": wanted, "filters": filters, "sorts": [id_field], "limit": str(limit)}
        page = []
        for row in client.run_query(explore, body):
            if any(name not in row for name in wanted):
                raise PullError(SOURCE, f"System Activity rows lack {', '.join(wanted)}")
            item_id = _int_id(row[id_field])
            model, view = row[USAGE_MODEL], row[USAGE_EXPLORE]
            if item_id is None or not isinstance(model, str) or not isinstance(view, str):
                continue  # e.g. a LookML dashboard's id, a tile without a query
            raw = row[USAGE_FIELDS]
            text = raw if isinstance(raw, str) else json.dumps(raw)
            if text not in parsed:
                parsed[text] = _parse_fields(raw)
            page.append((item_id, model, view, parsed[text], text))
        ids = [r[0] for r in page]
        if lower is not None and any(i < lower for i in ids):
            raise PullError(SOURCE, f"System Activity ignored the {id_field} filter")
        if len(page) < limit:
            return out + page
        if ids != sorted(ids) or ids[-1] == lower:
            raise PullError(SOURCE, f"System Activity rows cannot be paged by {id_field}")
        out += [r for r in page if r[0] != ids[-1]]
        lower = ids[-1]
    raise PullError(SOURCE, "System Activity pages never end")


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


def _usage_by_item(rows: list[tuple[int, str, str, list[str], str]]) -> dict[str, _Usage]:
    """One `_Usage` per item: its most used explore and the union of that explore's fields.

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
    out: dict[str, _Usage] = {}
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
        out[str(item_id)] = _Usage(model, view, union)
    return out


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
