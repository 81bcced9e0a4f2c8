"""Ask BigQuery when each source table was last loaded.

Two ways, as dbt does on BigQuery:

* no `loaded_at_field`: the table's metadata (`tables.get` → `lastModifiedTime`). It is
  free and fast, so those calls run concurrently on a small bounded pool.
* a `loaded_at_field`: `SELECT MAX(field)` (with the optional `filter`). Queries cost a job
  each and have start-up latency, so all such tables of one project go into one
  `UNION ALL` query; only when that batch fails for a table-level reason (a missing table,
  a bad column) or times out (one slow table) are its tables re-run one by one, so one bad
  or slow table cannot hide the rest.

Each (table, loaded_at_field, filter) is its own check with its own answer, as dbt judges
each source table with its own filter: two sources reading one table with different
filters get different load times. Each answer keeps when it was true, as dbt's
`snapshotted_at`: the query's own `CURRENT_TIMESTAMP()` for `MAX(field)` (as dbt's
`collect_freshness` reads it), the moment the metadata came back otherwise (as dbt-bigquery
does), so an age is never stretched by the time other tables took.

A failure for one table (not found, forbidden, timed out) becomes that table's runtime
error in the snapshot. BigQuery being unreachable as a whole, or no credentials, raises
`PullError`, so `refresh` keeps the last snapshot rather than committing a page of red.
Every call has a timeout and a bounded retry deadline so an outage cannot hang a build.

Connection settings: standard Application Default Credentials and GOOGLE_CLOUD_PROJECT.
`HANDBOOK_BIGQUERY_ENDPOINT` (an API root such as http://127.0.0.1:9050) points the real
client at another server with anonymous credentials: tests and local fakes use it.
`HANDBOOK_BIGQUERY_TIMEOUT` (seconds per call, default 30) scales every limit.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from handbook.curated.sources import Source
from handbook.errors import PullError
from handbook.progress import Progress
from handbook.redact import scrub
from handbook.settings import load_settings
from handbook.snapshot.model import FreshnessSnapshot, TableFreshness, freshness_key

MAX_WORKERS = 8
MAX_ATTEMPTS = 4  # tries per API call, first one included
MAX_TABLES_PER_QUERY = 50


@dataclass(frozen=True)
class _Target:
    table: str
    field: str | None
    filter: str | None

    def result(self, **values: Any) -> TableFreshness:
        return TableFreshness(
            table=self.table,
            method="max_field" if self.field else "metadata",
            loaded_at_field=self.field,
            filter=self.filter,
            **values,
        )


@dataclass(frozen=True)
class _Failure:
    reason: str
    outage: bool  # the service, not the table, failed: connection, 5xx, deadline
    kind: str = ""  # what went wrong, whatever the table: "not found", "access denied", ...
    timed_out: bool = False


def _timeout() -> float:
    return load_settings().bigquery_timeout


def _short(text: Any, limit: int = 160) -> str:
    text = scrub(" ".join(str(text).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _api_message(exc: Any) -> str:
    """BigQuery's own message, without the `GET http://...:` prefix api_core adds."""
    for error in getattr(exc, "errors", None) or []:
        if isinstance(error, dict) and error.get("message"):
            return _short(error["message"])
    return _short(getattr(exc, "message", exc))


def _classify(exc: BaseException, timeout: float) -> _Failure:
    """A short reason a reader understands, whether it blames the service, and its kind."""
    import requests
    from google.api_core import exceptions as gexc
    from google.auth import exceptions as auth_exc

    if isinstance(exc, gexc.RetryError):
        cause = exc.cause
        if cause is None or isinstance(cause, requests.exceptions.Timeout):
            return _Failure(
                f"timed out (no answer within {timeout:g}s, after retries)", True, timed_out=True
            )
        return _classify(cause, timeout)
    if isinstance(exc, requests.exceptions.Timeout | TimeoutError):
        return _Failure(f"timed out (no answer within {timeout:g}s)", True, timed_out=True)
    if isinstance(exc, requests.exceptions.ConnectionError | ConnectionError):
        return _Failure("cannot connect to BigQuery", True)
    if isinstance(exc, auth_exc.GoogleAuthError):
        return _Failure("Google credentials were refused or could not be refreshed", True)
    if isinstance(exc, gexc.GoogleAPICallError) and _is_web_page(exc):
        return _Failure(
            "the endpoint answered with a web page, not the BigQuery API "
            "(check HANDBOOK_BIGQUERY_ENDPOINT)",
            True,
        )
    for kind, label, outage in _KINDS:
        if isinstance(exc, getattr(gexc, kind)):
            message = _api_message(exc)
            if label.endswith("{code}"):
                label = label.format(code=exc.code)  # type: ignore[attr-defined]
            reason = message if message.lower().startswith(label) else f"{label}: {message}"
            return _Failure(reason, outage, kind)
    return _Failure(f"unexpected error: {type(exc).__name__}", False, "unexpected")


# (google.api_core exception, how the reason starts, whether it blames the service)
_KINDS = (
    ("NotFound", "not found", False),
    ("Forbidden", "access denied", False),
    ("BadRequest", "query failed", False),
    ("ServerError", "BigQuery server error {code}", True),
    ("GoogleAPICallError", "BigQuery error {code}", False),
)


def _is_web_page(exc: Any) -> bool:
    text = str(getattr(exc, "message", "") or exc).lower()
    return "<html" in text or "<!doctype" in text


def make_client(default_project: str | None) -> Any:
    """A BigQuery client from the environment; PullError when no credentials can be found."""
    from google.api_core.client_options import ClientOptions
    from google.auth import exceptions as auth_exc
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery

    settings = load_settings()
    project = settings.google_project or default_project
    endpoint = settings.bigquery_endpoint  # an http(s) URL, checked by settings
    try:
        if endpoint:
            return bigquery.Client(
                project=project,
                credentials=AnonymousCredentials(),
                client_options=ClientOptions(api_endpoint=endpoint),
            )
        return bigquery.Client(project=project)
    except auth_exc.DefaultCredentialsError:
        raise PullError(
            "bigquery",
            # No backticks: this text reaches pages, where it is shown literally.
            "no Google credentials found (run gcloud auth application-default login, "
            "or set GOOGLE_APPLICATION_CREDENTIALS)",
        ) from None
    except (OSError, ValueError) as exc:  # e.g. no project could be determined
        raise PullError("bigquery", f"cannot create a BigQuery client: {_short(exc)}") from None


def _sql(targets: list[_Target]) -> str:
    """One UNION ALL over `targets`. Table ids and `loaded_at_field` column names are
    validated by the schema (no backticks, quotes or spaces), and the column is quoted here
    as an identifier, so neither can change the query.

    Each part is labelled with its position in `targets`, not its table name: one table may
    be in a batch twice, with different filters.
    """
    parts = []
    for n, t in enumerate(targets):
        where = f" WHERE ({t.filter})" if t.filter else ""
        parts.append(
            f"SELECT '{n}' AS table_id, CAST(MAX(`{t.field}`) AS TIMESTAMP) AS loaded_at, "
            f"CURRENT_TIMESTAMP() AS snapshotted_at FROM `{t.table}`{where}"
        )
    return "\nUNION ALL\n".join(parts)


class _Checker:
    """One run's shared state: the client, limits, and whether BigQuery is reachable."""

    def __init__(
        self,
        client: Any,
        timeout: float,
        progress: Progress | None,
        clock: Callable[[], datetime],
    ) -> None:
        from google.cloud.bigquery.retry import DEFAULT_RETRY

        self.client = client
        self.clock = clock  # when a metadata answer came back
        self.timeout = timeout
        # Bounded retries: transient 5xx/connection errors get a few tries within 2x the
        # call timeout, never the library's default ten minutes.
        self._base_retry = DEFAULT_RETRY.with_timeout(2 * timeout).with_delay(
            initial=min(0.25, timeout / 4), maximum=min(2.0, timeout), multiplier=2.0
        )
        self.progress = progress
        self.unreachable = threading.Event()
        self.any_success = threading.Event()
        self.results: dict[_Target, TableFreshness] = {}
        self.failures: dict[_Target, _Failure] = {}
        self.lock = threading.Lock()

    @property
    def retry(self) -> Any:
        """A fresh retry policy for one call: the deadline above *and* at most
        `MAX_ATTEMPTS` tries. The library's backoff has full jitter, so a deadline alone
        allows any number of tries when the jitter draws short sleeps; the count cap keeps
        an outage's cost to a known number of requests per table.
        """
        base = self._base_retry._predicate
        tries = itertools.count(2)  # the predicate is asked after each failed try

        def predicate(exc: Exception) -> bool:
            return base(exc) and next(tries) <= MAX_ATTEMPTS

        return self._base_retry.with_predicate(predicate)

    def _done(self, target: _Target, result: TableFreshness, failure: _Failure | None) -> None:
        with self.lock:
            self.results[target] = result
            if failure:
                self.failures[target] = failure
            else:
                self.any_success.set()

    def _fail(self, target: _Target, exc: BaseException) -> None:
        failure = _classify(exc, self.timeout)
        if failure.reason == "cannot connect to BigQuery" and not self.any_success.is_set():
            self.unreachable.set()  # stop starting new calls; the outage is reported once
        self._done(target, target.result(error=failure.reason), failure)

    def _skip(self, target: _Target) -> bool:
        if not self.unreachable.is_set():
            return False
        failure = _Failure("not checked: BigQuery could not be reached", True)
        self._done(target, target.result(error=failure.reason), failure)
        return True

    def metadata(self, target: _Target) -> None:
        if self._skip(target):
            return
        try:
            table = self.client.get_table(target.table, retry=self.retry, timeout=self.timeout)
        except Exception as exc:  # every failure becomes a reason on the page
            self._fail(target, exc)
            return
        answered = self.clock()
        modified = table.modified
        if modified is None:
            reason = "BigQuery returned no modified time"
            self._done(target, target.result(error=reason), _Failure(reason, False))
            return
        self._done(target, target.result(loaded_at=modified, checked_at=answered), None)

    def query(self, targets: list[_Target], submit: Callable[[list[_Target]], None]) -> None:
        if all(self._skip(t) for t in targets):
            return
        try:
            rows = self.client.query_and_wait(
                _sql(targets),
                api_timeout=self.timeout,
                wait_timeout=4 * self.timeout,
                retry=self.retry,
                job_retry=None,
            )
            found = {row["table_id"]: (row["loaded_at"], row["snapshotted_at"]) for row in rows}
        except Exception as exc:
            failure = _classify(exc, self.timeout)
            # A timeout is split too: one slow table must not fail its batch-mates.
            if len(targets) > 1 and (not failure.outage or failure.timed_out):
                for target in targets:  # isolate the table that broke the batch
                    submit([target])
                return
            for target in targets:
                self._fail(target, exc)
            return
        for n, target in enumerate(targets):
            loaded, answered = found.get(str(n), (None, None))
            if loaded is None:
                reason = (
                    "no rows: MAX("
                    + (target.field or "")
                    + ") is empty"
                    + (" with this filter" if target.filter else "")
                )
                self._done(target, target.result(error=reason), _Failure(reason, False))
            else:
                self._done(
                    target, target.result(loaded_at=_utc(loaded), checked_at=_utc(answered)), None
                )


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _targets(sources: list[Source]) -> list[_Target]:
    """One check per distinct (table, loaded_at_field, filter), in the order first named;
    tables the check cannot run (`own_check_refusal`) are left out and show why."""
    seen: dict[tuple[str, str | None, str | None], _Target] = {}
    for source in sources:
        for table in source.tables:
            if table.own_check_refusal:
                continue
            key = freshness_key(
                table.table, source.loaded_at_field_for(table), source.filter_for(table)
            )
            seen.setdefault(key, _Target(*key))
    return list(seen.values())


def _fail_if_nothing_worked(failures: dict[Any, _Failure], targets: int) -> None:
    """Every table failing for the same reason means the source, not the tables, is wrong
    (an endpoint that is not BigQuery, no access at all): a failed pull, snapshot kept."""
    if not failures or len(failures) < targets:
        return
    first = next(iter(failures.values()))
    if all(f.outage for f in failures.values()):
        raise PullError("bigquery", f"BigQuery did not answer for any table ({first.reason})")
    kinds = {f.kind for f in failures.values()}
    if len(kinds) == 1 and "" not in kinds and targets > 1:
        raise PullError(
            "bigquery",
            f"every one of the {targets} tables failed the same way ({first.reason}); "
            "check HANDBOOK_BIGQUERY_ENDPOINT, GOOGLE_CLOUD_PROJECT and the credentials",
        )
    if "unexpected" in kinds:
        raise PullError("bigquery", f"BigQuery could not be asked about any table ({first.reason})")


def check_freshness(
    sources: list[Source],
    *,
    progress: Progress | None = None,
    client: Any = None,
    now: datetime | None = None,
) -> FreshnessSnapshot:
    """Check every table of `sources`; per-table failures are recorded, outages raise.

    `now` fixes the clock (the snapshot's `checked_at` and metadata answers' times) for tests;
    `MAX(field)` answers carry BigQuery's own `CURRENT_TIMESTAMP()` either way.
    """
    targets = _targets(sources)
    checked_at = now or datetime.now(UTC)
    if not targets:
        return FreshnessSnapshot(checked_at=checked_at)
    if client is None:
        client = make_client(targets[0].table.split(".", 1)[0])
    clock = (lambda: now) if now else (lambda: datetime.now(UTC))
    checker = _Checker(client, _timeout(), progress, clock)
    metadata = [t for t in targets if not t.field]
    batches: dict[str, list[_Target]] = {}
    for t in targets:
        if t.field:
            batches.setdefault(t.table.split(".", 1)[0], []).append(t)
    if progress:
        progress.step(
            f"bigquery: checking {len(targets)} tables ({len(metadata)} by metadata, "
            f"{len(targets) - len(metadata)} by MAX(field) in {len(batches)} project batch(es))"
        )
    with ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="bq") as pool:
        futures = []
        lock = threading.Lock()

        def submit(batch: list[_Target]) -> None:
            with lock:
                futures.append(pool.submit(checker.query, batch, submit))

        for project_targets in batches.values():
            for i in range(0, len(project_targets), MAX_TABLES_PER_QUERY):
                submit(project_targets[i : i + MAX_TABLES_PER_QUERY])
        for t in metadata:
            with lock:
                futures.append(pool.submit(checker.metadata, t))
        i = 0
        while True:  # batches may add per-table queries while we wait
            with lock:
                if i >= len(futures):
                    break
                future = futures[i]
            future.result()
            i += 1
    _fail_if_nothing_worked(dict(checker.failures), len(targets))
    if progress:
        progress.step(
            f"bigquery: {len(targets) - len(checker.failures)} ok, "
            f"{len(checker.failures)} runtime error(s)"
        )
    return FreshnessSnapshot(checked_at=checked_at, tables=[checker.results[t] for t in targets])
