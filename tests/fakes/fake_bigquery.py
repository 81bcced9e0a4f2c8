"""A small BigQuery REST v2 server on 127.0.0.1, for driving the real client over HTTP.

It implements what the freshness check uses and nothing more: `tables.get`, `jobs.query`
(`POST .../queries`), `getQueryResults` (`GET .../queries/{jobId}`), `jobs.insert` and
`jobs.get`. Queries are answered by parsing the SQL `bigquery_freshness` generates (a
`UNION ALL` of `SELECT '<id>' AS table_id, CAST(MAX(`<field>`) AS TIMESTAMP) AS loaded_at,
CURRENT_TIMESTAMP() AS snapshotted_at ...`), so a change in that SQL that this parser does
not recognise fails the tests loudly (400).

A time may be given as a `timedelta`: that long before the request is answered, evaluated
once per query as BigQuery's `CURRENT_TIMESTAMP()` is (and answered as `snapshotted_at`),
so a table can sit one second either side of a threshold however slowly a test runs.

Faults: a per-table delay (`slow`), a per-table 403 (`forbidden`), a server-wide 500
(`fail_all`), and `stop()` for a server that is down. Every request is logged so tests can
bound how many calls a check makes.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PREFIX = "/bigquery/v2/projects/"

_PART = re.compile(
    r"^SELECT '(?P<id>[^']+)' AS table_id, CAST\(MAX\(`?(?P<field>[A-Za-z_][A-Za-z0-9_]*)`?\) "
    r"AS TIMESTAMP\) AS loaded_at, CURRENT_TIMESTAMP\(\) AS snapshotted_at "
    r"FROM `(?P<table>[^`]+)`(?: WHERE \((?P<filter>.*)\))?$"
)
_COND = re.compile(r"^\s*(?P<col>[A-Za-z_]\w*)\s*(?P<op>=|!=|<>)\s*'(?P<val>[^']*)'\s*$")


@dataclass
class FakeTable:
    """A table: its metadata time and rows (dicts of column → value) for MAX queries.

    A `timedelta` in place of a time means that long before the request is answered."""

    modified: datetime | timedelta | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    forbidden: bool = False
    slow: float = 0.0  # seconds to wait before answering anything about this table


@dataclass
class _Log:
    method: str
    path: str
    body: dict[str, Any] | None


class _QueryError(Exception):
    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


class FakeBigQuery:
    """Start with `with FakeBigQuery() as bq:`; `bq.endpoint` is the API root."""

    def __init__(self, tables: dict[str, FakeTable] | None = None) -> None:
        self.tables: dict[str, FakeTable] = dict(tables or {})
        self.fail_all = False
        # The server's clock: CURRENT_TIMESTAMP() and what `timedelta` times count back from.
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.requests: list[_Log] = []
        self._jobs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeBigQuery:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut down and close the socket: later connections are refused (BigQuery down)."""
        if self._thread:
            self._server.shutdown()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FakeBigQuery:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count(self, method: str | None = None, contains: str = "") -> int:
        with self._lock:
            return sum(
                (method is None or r.method == method) and contains in r.path for r in self.requests
            )

    # --- behaviour -------------------------------------------------------------------
    def _table(self, table_id: str) -> FakeTable:
        table = self.tables.get(table_id)
        project, _, rest = table_id.partition(".")
        shown = f"{project}:{rest}"
        if table is None:
            raise _QueryError(
                404, "notFound", f"Not found: Table {shown} was not found in location US"
            )
        if table.slow:
            time.sleep(table.slow)
        if table.forbidden:
            raise _QueryError(
                403,
                "accessDenied",
                f"Access Denied: Table {shown}: User does not have permission to query "
                f"table {shown}, or perhaps it does not exist.",
            )
        return table

    def _max(self, sql: str) -> list[tuple[str, datetime | None, datetime]]:
        now = self.clock()  # CURRENT_TIMESTAMP(): one value for the whole statement
        out = []
        for part in sql.split("\nUNION ALL\n"):
            m = _PART.match(part.strip())
            if not m:
                raise _QueryError(400, "invalidQuery", f"Syntax error: cannot parse {part!r}")
            table = self._table(m["table"])
            rows = table.rows
            for cond in filter(None, re.split(r"\s+AND\s+", m["filter"] or "", flags=re.I)):
                c = _COND.match(cond)
                if not c:
                    raise _QueryError(400, "invalidQuery", f"Unsupported filter {cond!r}")
                want, neq = c["val"], c["op"] != "="
                rows = [r for r in rows if (str(r.get(c["col"])) == want) != neq]
            if table.rows and m["field"] not in table.rows[0]:
                raise _QueryError(400, "invalidQuery", f"Unrecognized name: {m['field']}")
            values = [_at(r[m["field"]], now) for r in rows if r.get(m["field"]) is not None]
            out.append((m["id"], max(values) if values else None, now))
        return out

    def _results(self, project: str, job_id: str, int64: bool) -> dict[str, Any]:
        job = self._jobs[job_id]

        def ts(value: datetime | None) -> str | None:
            if value is None:
                return None
            micros = int(value.timestamp() * 1_000_000)
            return str(micros) if int64 else f"{micros / 1_000_000:.6f}"

        return {
            "kind": "bigquery#getQueryResultsResponse",
            "jobReference": {"projectId": project, "jobId": job_id, "location": "US"},
            "schema": {
                "fields": [
                    {"name": "table_id", "type": "STRING", "mode": "NULLABLE"},
                    {"name": "loaded_at", "type": "TIMESTAMP", "mode": "NULLABLE"},
                    {"name": "snapshotted_at", "type": "TIMESTAMP", "mode": "NULLABLE"},
                ]
            },
            "rows": [
                {"f": [{"v": tid}, {"v": ts(value)}, {"v": ts(now)}]}
                for tid, value, now in job["rows"]
            ],
            "totalRows": str(len(job["rows"])),
            "jobComplete": True,
            "cacheHit": False,
        }

    def _run(self, project: str, sql: str) -> str:
        rows = self._max(sql)
        job_id = "job_" + uuid.uuid4().hex[:12]
        with self._lock:
            self._jobs[job_id] = {"rows": rows, "sql": sql}
        return job_id

    def _job_resource(self, project: str, job_id: str) -> dict[str, Any]:
        return {
            "kind": "bigquery#job",
            "id": f"{project}:US.{job_id}",
            "jobReference": {"projectId": project, "jobId": job_id, "location": "US"},
            "configuration": {"query": {"query": self._jobs[job_id]["sql"]}},
            "status": {"state": "DONE"},
        }

    def _handle(self, method: str, path: str, query: dict[str, list[str]], body: Any):
        """(status, json) for one request; raises _QueryError for API errors."""
        if self.fail_all:
            raise _QueryError(500, "backendError", "Backend error. Please try again.")
        if not path.startswith(PREFIX):
            raise _QueryError(404, "notFound", f"Not found: URL {path}")
        parts = path[len(PREFIX) :].split("/")
        project = parts[0]
        int64 = query.get("formatOptions.useInt64Timestamp", ["false"])[0] == "true"
        if method == "GET" and len(parts) == 5 and parts[1] == "datasets" and parts[3] == "tables":
            table_id = f"{project}.{parts[2]}.{parts[4]}"
            table = self._table(table_id)
            resource: dict[str, Any] = {
                "kind": "bigquery#table",
                "id": f"{project}:{parts[2]}.{parts[4]}",
                "tableReference": {
                    "projectId": project,
                    "datasetId": parts[2],
                    "tableId": parts[4],
                },
                "type": "TABLE",
                "numRows": str(len(table.rows)),
            }
            if table.modified is not None:
                modified = _at(table.modified, self.clock())
                resource["lastModifiedTime"] = str(int(modified.timestamp() * 1000))
            return 200, resource
        if method == "POST" and parts[1:] == ["queries"]:
            job_id = self._run(project, body["query"])
            opts = body.get("formatOptions") or {}
            return 200, self._results(project, job_id, bool(opts.get("useInt64Timestamp")))
        if method == "GET" and len(parts) == 3 and parts[1] == "queries":
            if parts[2] not in self._jobs:
                raise _QueryError(404, "notFound", f"Not found: Job {project}:{parts[2]}")
            return 200, self._results(project, parts[2], int64)
        if method == "POST" and parts[1:] == ["jobs"]:
            sql = body["configuration"]["query"]["query"]
            job_id = self._run(project, sql)
            return 200, self._job_resource(project, job_id)
        if method == "GET" and len(parts) == 3 and parts[1] == "jobs":
            if parts[2] not in self._jobs:
                raise _QueryError(404, "notFound", f"Not found: Job {project}:{parts[2]}")
            return 200, self._job_resource(project, parts[2])
        raise _QueryError(404, "notFound", f"Not found: URL {path}")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

            def _serve(self, method: str) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                with fake._lock:
                    fake.requests.append(_Log(method, url.path, body))
                try:
                    status, payload = fake._handle(method, url.path, parse_qs(url.query), body)
                except _QueryError as err:
                    status = err.status
                    payload = {
                        "error": {
                            "code": err.status,
                            "message": err.message,
                            "errors": [
                                {"message": err.message, "domain": "global", "reason": err.reason}
                            ],
                            "status": {403: "PERMISSION_DENIED", 404: "NOT_FOUND"}.get(
                                err.status, "INVALID_ARGUMENT" if err.status == 400 else "INTERNAL"
                            ),
                        }
                    }
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=UTF-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout); nothing to answer

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

        return Handler


def _at(value: Any, now: datetime) -> Any:
    """A time as stored, or `now` minus it for a `timedelta` (see the module docstring)."""
    return now - value if isinstance(value, timedelta) else value


def utc(*args: int) -> datetime:
    """`datetime(..., tzinfo=UTC)`, shorter in test data."""
    return datetime(*args, tzinfo=UTC)
