"""Talk to Looker's API 4.0: log in, GET parsed JSON, run inline queries, count requests.

`LookerClient` is the real looker-sdk client (`Looker40SDK`) on our `RetryingTransport`
(`sdk`), which retries, checks statuses and counts every attempt, so a method here either
returns what Looker answered or raises `PullError`. Answers are read with
`sdk.get(..., structure=str)` and parsed here, leniently, because some `fields=`
projections do not deserialize into the SDK's models; a 200 whose body is not what was
asked is a `MalformedAnswer`. What the SDK itself raises (`SDKError`) is scrubbed and cut
short, so no secret reaches a message.

looker-sdk is imported when a client is made, not when this module is: importing it
costs about 1.5 s, which only a pull should pay.
"""

from __future__ import annotations

import json
from typing import Any

from handbook.errors import PullError
from handbook.looker.faults import NOT_JSON, SOURCE, malformed
from handbook.looker.pull_settings import PullSettings
from handbook.redact import scrub

API_VERSION = "4.0"


class LookerClient:
    """The real looker-sdk client with our transport; every GET returns parsed JSON."""

    def __init__(self, settings: PullSettings) -> None:
        from looker_sdk.rtl import auth_session, serialize
        from looker_sdk.sdk.api40.methods import Looker40SDK

        from handbook.looker.sdk import RetryingTransport, api_settings

        self.settings = settings
        api = api_settings(settings)
        if not api.base_url:
            raise PullError(
                SOURCE,
                "Looker is not configured: set LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID and "
                "LOOKERSDK_CLIENT_SECRET (or a looker.ini)",
            )
        self.base_url = api.base_url.rstrip("/")
        self.transport = RetryingTransport(api, settings)
        auth = auth_session.AuthSession(api, self.transport, serialize.deserialize40, API_VERSION)
        self.sdk = Looker40SDK(
            auth, serialize.deserialize40, serialize.serialize40, self.transport, API_VERSION
        )

    @property
    def requests(self) -> int:
        """HTTP requests so far, every retry counted."""
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
        request only, and then a timeout is not retried (see `sdk`)."""
        from looker_sdk.error import SDKError

        options = {"timeout": timeout} if timeout else None
        try:
            text = self.sdk.get(path, structure=str, query_params=params, transport_options=options)
        except SDKError as exc:
            raise PullError(SOURCE, f"GET {path}: {_sdk_text(exc)}") from None
        try:
            return json.loads(text or "")
        except (ValueError, TypeError):
            raise malformed(f"GET {path}", NOT_JSON) from None

    def get_list(self, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """One GET whose answer must be a JSON list of objects."""
        data = self.get(path, params)
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            raise malformed(f"GET {path}", "something not a list")
        return data

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
            raise malformed(where, NOT_JSON) from None
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            # A query error comes back as one object ({"looker_error": ...}), not rows.
            raise malformed(where, "something not a list of rows")
        return data


def _sdk_text(exc: Exception) -> str:
    text = str(getattr(exc, "message", "") or exc)
    return scrub(text)[:200]
