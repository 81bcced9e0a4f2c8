"""Talk to Looker's API 4.0 with retries, request counting and errors people can act on.

The looker-sdk's own error path is unusable for a pull that must never lose data: `SDKError`
carries no HTTP status and its error-doc lookup makes more network calls. So retries, status
checks and request counting live in `_Transport`, a `RequestsTransport` subclass that never
hands a failed response back to the SDK: it retries what is transient (429 honouring
Retry-After, 5xx, timeouts, resets) and raises `PullError` otherwise. A request given its own
timeout (looker-sdk's per-request `transport_options`, e.g. the content validator's minutes)
is asked once: its timeout is final, because asking again would repeat minutes of Looker's
work. Answers are read with
`sdk.get(..., structure=str)` and parsed here, leniently, because some `fields=` projections
do not deserialize into the SDK's models. Messages are built from the method, the path and
the status, plus Looker's own `message`, which may echo the request: everything passes
`redact.scrub`, so no client id, secret or token reaches a log, a file or a page.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import requests

from handbook.errors import PullError
from handbook.progress import Progress
from handbook.redact import scrub

SOURCE = "looker"
API_VERSION = "4.0"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


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
    # Rows per search page. The spec gives `limit` no maximum, and Looker's paging notes
    # (sdk-codegen docs/paging.md) advise a large limit, a quarter or half of the total,
    # because deep offsets cost the server more than long pages: 20,000 items take two
    # pages per kind instead of ten.
    page_size: int = 5000
    max_workers: int = 6
    retry_attempts: int = 5
    retry_base_seconds: float = 1.0
    retry_max_delay: float = 30.0
    retry_budget_seconds: float = 300.0
    id_batch: int = 100
    # Seconds for the content validator's one request (HANDBOOK_CONTENT_VALIDATION_TIMEOUT).
    content_validation_timeout: int = 900

    @classmethod
    def from_env(cls, **overrides: Any) -> PullSettings:
        """What the user configured (`handbook.settings`: LOOKERSDK_*, looker.ini, the
        HANDBOOK_RETRY_* knobs and HANDBOOK_CONTENT_VALIDATION_TIMEOUT, checked there),
        with `overrides` on top."""
        from handbook.settings import load_settings

        env = load_settings()
        values: dict[str, Any] = {
            "base_url": env.looker_base_url,
            "client_id": env.looker_client_id and env.looker_client_id.get_secret_value(),
            "client_secret": env.looker_client_secret
            and env.looker_client_secret.get_secret_value(),
            "verify_ssl": env.looker_verify_ssl,
            "timeout": env.looker_timeout,
            "config_file": str(env.looker_ini),
            "retry_attempts": env.retry_attempts,
            "retry_base_seconds": env.retry_base_seconds,
            "retry_budget_seconds": env.retry_budget_seconds,
            "content_validation_timeout": env.content_validation_timeout,
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
            "base_url": settings.base_url and settings.base_url.rstrip("/"),
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
        from looker_sdk.rtl.requests_transport import RequestsTransport

        cls = type(
            "RetryingTransport",
            (RequestsTransport,),
            {
                "__doc__": "Counts every HTTP attempt, retries transient faults, raises PullError.",
                "request": _request,
                "_once": _once,
                "_wait_or_fail": _wait_or_fail,
            },
        )
        transport = cls(api, requests.Session())
        transport.api_settings = api
        transport.pull_settings = settings
        transport.requests = 0
        transport.abort = threading.Event()
        transport.lock = threading.Lock()
        transport.started = time.monotonic()
        return transport


def _request(
    self: Any,
    method: Any,
    path: str,
    query_params: Any = None,
    body: bytes | None = None,
    authenticator: Any = None,
    transport_options: Any = None,
) -> Any:
    """RequestsTransport.request with retries: a Response on success, else PullError."""
    from looker_sdk.rtl import transport as sdk_transport

    options = transport_options or {}
    headers: dict[str, str] = {}
    if authenticator:
        headers.update(authenticator(options))
    if options.get("headers"):
        headers.update(options["headers"])
    where = f"{method.name} {urlsplit(path).path}"
    own_timeout = options.get("timeout")
    attempt = 0
    while True:
        if self.abort.is_set():
            raise PullError(SOURCE, "pull abandoned after another request failed")
        attempt += 1
        with self.lock:
            self.requests += 1
        outcome = self._once(method.name, path, query_params, body, headers, where, own_timeout)
        if isinstance(outcome, sdk_transport.Response):
            return outcome
        if own_timeout and outcome.timed_out:
            raise PullError(SOURCE, f"Looker did not answer {where}: {outcome.problem}")
        self._wait_or_fail(attempt, where, outcome.problem, outcome.retry_after)


class _Failed(NamedTuple):
    """Why one attempt failed in a way worth another: the problem, and Looker's Retry-After."""

    problem: str
    retry_after: float | None = None
    timed_out: bool = False


def _once(
    self: Any,
    verb: str,
    path: str,
    params: Any,
    body: Any,
    headers: Any,
    where: str,
    timeout: float | None = None,
) -> Any:
    """One attempt: a Response to hand back, or `_Failed`; PullError when retrying is futile."""
    from looker_sdk.rtl import transport as sdk_transport
    from looker_sdk.rtl.requests_transport import NullAuth

    timeout = timeout or self.api_settings.timeout
    try:
        resp = self.session.request(
            verb,
            path,
            auth=NullAuth(),
            params=params,
            data=body,
            headers=headers,
            timeout=timeout,
        )
    except requests.Timeout:
        return _Failed(f"no answer within {timeout} s", timed_out=True)
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        return _Failed("the connection failed or was reset")
    except requests.RequestException as exc:
        raise PullError(SOURCE, f"{where}: {type(exc).__name__}") from None
    # Looker answers a bad API key on /login with 404, not 401.
    if resp.status_code in (401, 403) or (resp.status_code == 404 and where.endswith("/login")):
        raise _auth_error(resp.status_code, where)
    if resp.status_code in _RETRY_STATUSES:
        return _Failed(f"HTTP {resp.status_code}", _retry_after(resp))
    if not resp.ok:
        raise PullError(
            SOURCE,
            f"Looker answered {where} with HTTP {resp.status_code}{_looker_message(resp)}",
            status=resp.status_code,
        )
    out = sdk_transport.Response(
        True, resp.content, sdk_transport.response_mode(resp.headers.get("content-type"))
    )
    out.encoding = requests.utils.get_encoding_from_headers(resp.headers) or "utf-8"
    return out


def _wait_or_fail(
    self: Any, attempt: int, where: str, problem: str, retry_after: float | None
) -> None:
    """Sleep before the next attempt (backoff with jitter), or give up with PullError."""
    settings = self.pull_settings
    delay = min(
        settings.retry_max_delay,
        settings.retry_base_seconds * 2 ** (attempt - 1) * (0.5 + random.random() / 2),
    )
    if retry_after is not None:
        delay = max(delay, retry_after)
    spent = time.monotonic() - self.started
    if attempt >= settings.retry_attempts or spent + delay > settings.retry_budget_seconds:
        raise PullError(
            SOURCE, f"Looker did not answer {where} after {attempt} attempt(s): {problem}"
        )
    if self.abort.wait(delay):
        raise PullError(SOURCE, "pull abandoned after another request failed")


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


class MalformedAnswer(PullError):
    """Looker answered 200 with a body we cannot read (cut short, not JSON, wrong shape).

    Unlike an HTTP fault the transport never sees it, so callers that can (System
    Activity's queries) ask again before giving up.
    """


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
    """Looker's own `message`, scrubbed before it is cut short (an echo may hold secrets)."""
    try:
        msg = resp.json().get("message")
    except (ValueError, AttributeError):
        return ""
    return f": {scrub(str(msg))[:200]}" if msg else ""


class LookerClient:
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

    def get(
        self, path: str, params: dict[str, Any] | None = None, *, timeout: int | None = None
    ) -> Any:
        """Parsed JSON of one GET; `timeout` (seconds) replaces the configured one for this
        request only, and then a timeout is not retried (see the module docstring)."""
        from looker_sdk.error import SDKError

        options = {"timeout": timeout} if timeout else None
        try:
            text = self.sdk.get(path, structure=str, query_params=params, transport_options=options)
        except SDKError as exc:
            raise PullError(SOURCE, f"GET {path}: {_sdk_text(exc)}") from None
        try:
            return json.loads(text or "")
        except (ValueError, TypeError):
            raise MalformedAnswer(
                SOURCE, f"Looker answered GET {path} with a body that is not JSON (truncated?)"
            ) from None

    def run_query(self, model: str, explore: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Rows of an inline query (`run_inline_query`, result format json)."""
        from looker_sdk.error import SDKError
        from looker_sdk.sdk.api40.models import WriteQuery

        where = f"POST /queries/run/json ({model}.{explore})"
        try:
            text = self.sdk.run_inline_query("json", WriteQuery(model=model, view=explore, **body))
        except SDKError as exc:
            raise PullError(SOURCE, f"{where}: {_sdk_text(exc)}") from None
        try:
            data = json.loads(text.decode() if isinstance(text, bytes) else text or "")
        except (ValueError, TypeError):
            raise MalformedAnswer(
                SOURCE, f"Looker answered {where} with a body that is not JSON (cut short?)"
            ) from None
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            # A query error comes back as one object ({"looker_error": ...}), not rows.
            raise MalformedAnswer(
                SOURCE, f"Looker answered {where} with something not a list of rows"
            )
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
        """Every row of a search, page by page, each exactly once; else PullError.

        Offset pages are only a partition of the whole list when the order is stable, and
        Looker documents no default order, so every page asks `sorts=id` and the ids must
        come strictly ascending across pages: a duplicate or an id out of order means the
        pages overlapped (and so, as many rows were skipped), and the pull fails rather
        than publish a catalog with holes. Each page is converted (`convert`) as soon as
        it arrives, on this worker thread, so CPU work overlaps other streams' waits.
        """
        size = self.settings.page_size
        rows: list[Any] = []
        last: tuple[int, int, str] | None = None
        for page in range(100_000):
            batch = self.get_list(
                path, {**params, "sorts": "id", "limit": size, "offset": page * size}
            )
            last = _check_ascending(path, what, batch, last)
            rows.extend(convert(row) for row in batch)
            if len(batch) < size:
                break
            progress.step(f"looker: {len(rows):,} {what} so far")
        return rows


def id_sort_key(value: str) -> tuple[int, int, str]:
    """Looker ids in Looker's `sorts=id` order: numbers numerically, then other text."""
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


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


def _sdk_text(exc: Exception) -> str:
    text = str(getattr(exc, "message", "") or exc)
    return scrub(text)[:200]
