"""looker-sdk's two extension points, subclassed for a pull that must never lose data.

`ConfiguredApiSettings` is the SDK's own configuration reading (looker.ini, LOOKERSDK_*)
with the values a `PullSettings` gives explicitly on top, the way the SDK's docs override
`read_config`. `RetryingTransport` is the SDK's `RequestsTransport` with retries, status
checks and request counting, because the SDK's error path is unusable here: `SDKError`
carries no HTTP status and its error-doc lookup makes more network calls. The transport
therefore never hands a failed response back to the SDK: it retries what is transient
(429 honouring Retry-After, 5xx, timeouts, resets) and raises `PullError` otherwise. A
request given its own timeout (looker-sdk's per-request `transport_options`, e.g. the
content validator's minutes) is asked once: its timeout is final, because asking again
would repeat minutes of Looker's work. Messages are built from the method, the path and
the status, plus Looker's own `message`, which may echo the request: `PullError` scrubs
them, and Looker's message is scrubbed before it is cut short, so no client id, secret
or token reaches a log, a file or a page.

This module imports looker-sdk (about 1.5 s) at its top, so `client` imports it only when
a client is made: importing the rest of `handbook.looker` stays cheap.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import MutableMapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import requests
from looker_sdk.rtl import transport as sdk_transport
from looker_sdk.rtl.api_settings import ApiSettings, SettingsConfig
from looker_sdk.rtl.requests_transport import NullAuth, RequestsTransport
from looker_sdk.sdk import constants

from handbook.errors import PullError
from handbook.looker.faults import SOURCE, abandoned
from handbook.looker.pull_settings import PullSettings
from handbook.redact import scrub

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class ConfiguredApiSettings(ApiSettings):
    """The SDK's settings from looker.ini and LOOKERSDK_*, with `PullSettings`' own values
    (those not None) on top."""

    def __init__(self, settings: PullSettings) -> None:
        explicit = {
            "base_url": settings.base_url and settings.base_url.rstrip("/"),
            "client_id": settings.client_id,
            "client_secret": settings.client_secret,
            "verify_ssl": None if settings.verify_ssl is None else str(settings.verify_ssl),
            "timeout": None if settings.timeout is None else str(settings.timeout),
        }
        # Set before the SDK's __init__, which calls `read_config`.
        self.explicit = {k: v for k, v in explicit.items() if v is not None}
        super().__init__(
            filename=settings.config_file,
            sdk_version=constants.sdk_version,
            env_prefix=constants.environment_prefix,
        )

    def read_config(self) -> SettingsConfig:
        """The SDK's reading of looker.ini and LOOKERSDK_*, our explicit values over it."""
        data: Any = dict(super().read_config())
        data.update(self.explicit)
        return data


def api_settings(settings: PullSettings) -> ConfiguredApiSettings:
    """`ConfiguredApiSettings`, or a PullError when the configuration cannot be read."""
    try:
        return ConfiguredApiSettings(settings)
    except (OSError, ValueError, TypeError, KeyError, IndexError) as exc:
        raise PullError(SOURCE, f"cannot read the Looker configuration: {exc}") from None


class Failed(NamedTuple):
    """Why one attempt failed in a way worth another: the problem, and Looker's Retry-After."""

    problem: str
    retry_after: float | None = None
    timed_out: bool = False


class RetryingTransport(RequestsTransport):
    """Counts every HTTP attempt (`requests`), retries transient faults, raises PullError.

    `abort` is set when the pull fails: every request of the pull then stops, between
    attempts and during a backoff, instead of finishing work nobody will use.
    """

    def __init__(self, api: ApiSettings, settings: PullSettings) -> None:
        super().__init__(api, requests.Session())
        self.pull_settings = settings
        self.requests = 0
        self.abort = threading.Event()
        self._lock = threading.Lock()
        self._started = time.monotonic()

    def request(
        self,
        method: sdk_transport.HttpMethod,
        path: str,
        query_params: MutableMapping[str, str] | None = None,
        body: bytes | None = None,
        authenticator: sdk_transport.TAuthenticator = None,
        transport_options: sdk_transport.TransportOptions | None = None,
    ) -> sdk_transport.Response:
        """RequestsTransport.request with retries: a Response on success, else PullError."""
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
                raise abandoned()
            attempt += 1
            with self._lock:
                self.requests += 1
            outcome = self._once(method.name, path, query_params, body, headers, where, own_timeout)
            if isinstance(outcome, sdk_transport.Response):
                return outcome
            if own_timeout and outcome.timed_out:
                raise PullError(SOURCE, f"Looker did not answer {where}: {outcome.problem}")
            self._wait_or_fail(attempt, where, outcome.problem, outcome.retry_after)

    def _once(
        self,
        verb: str,
        path: str,
        params: MutableMapping[str, str] | None,
        body: bytes | None,
        headers: dict[str, str],
        where: str,
        timeout: float | None = None,
    ) -> sdk_transport.Response | Failed:
        """One attempt: a Response to hand back, or `Failed`; PullError when retrying is futile."""
        timeout = timeout or self.settings.timeout
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
            return Failed(f"no answer within {timeout} s", timed_out=True)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
            return Failed("the connection failed or was reset")
        except requests.RequestException as exc:
            raise PullError(SOURCE, f"{where}: {type(exc).__name__}") from None
        # Looker answers a bad API key on /login with 404, not 401.
        if resp.status_code in (401, 403) or (resp.status_code == 404 and where.endswith("/login")):
            raise auth_error(resp.status_code, where)
        if resp.status_code in RETRY_STATUSES:
            return Failed(f"HTTP {resp.status_code}", retry_after(resp))
        if not resp.ok:
            raise PullError(
                SOURCE,
                f"Looker answered {where} with HTTP {resp.status_code}{looker_message(resp)}",
                status=resp.status_code,
            )
        out = sdk_transport.Response(
            True, resp.content, sdk_transport.response_mode(resp.headers.get("content-type"))
        )
        out.encoding = requests.utils.get_encoding_from_headers(resp.headers) or "utf-8"
        return out

    def _wait_or_fail(
        self, attempt: int, where: str, problem: str, retry_after: float | None
    ) -> None:
        """Sleep before the next attempt (backoff with jitter), or give up with PullError."""
        settings = self.pull_settings
        delay = min(
            settings.retry_max_delay,
            settings.retry_base_seconds * 2 ** (attempt - 1) * (0.5 + random.random() / 2),
        )
        if retry_after is not None:
            delay = max(delay, retry_after)
        spent = time.monotonic() - self._started
        if attempt >= settings.retry_attempts or spent + delay > settings.retry_budget_seconds:
            raise PullError(
                SOURCE, f"Looker did not answer {where} after {attempt} attempt(s): {problem}"
            )
        if self.abort.wait(delay):
            raise abandoned()


def auth_error(status: int, where: str) -> PullError:
    """What a 401/403 (or /login's 404) means, and which setting or permission to check."""
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


def retry_after(resp: requests.Response) -> float | None:
    """Seconds Looker asked us to wait (Retry-After, in seconds or as an HTTP date)."""
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


def looker_message(resp: requests.Response) -> str:
    """Looker's own `message`, scrubbed before it is cut short (an echo may hold secrets)."""
    try:
        msg = resp.json().get("message")
    except (ValueError, AttributeError):
        return ""
    return f": {scrub(str(msg))[:200]}" if msg else ""
