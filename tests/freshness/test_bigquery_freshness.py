"""The real google-cloud-bigquery client against a local fake BigQuery, over real HTTP."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from fakes.fake_bigquery import FakeBigQuery, FakeTable, utc
from handbook.errors import PullError
from handbook.freshness.bigquery import MAX_ATTEMPTS, check_freshness
from handbook.freshness.rules import evaluate
from handbook.project import Project
from helpers.freshness import NOW, source
from helpers.handbook import run_cli


def by_table(snapshot) -> dict:
    return {t.table: t for t in snapshot.tables}


def test_metadata_path_uses_tables_get_only(fake: FakeBigQuery) -> None:
    fake.tables["sourcegraph-dw.zendesk.tickets"] = FakeTable(modified=utc(2026, 11, 22, 3, 30))
    fake.tables["sourcegraph-dw.zendesk.users"] = FakeTable(modified=utc(2026, 11, 20, 1, 2, 3))
    snap = check_freshness(
        [
            source(
                {"table": "sourcegraph-dw.zendesk.tickets"},
                {"table": "sourcegraph-dw.zendesk.users"},
            )
        ],
        now=NOW,
    )
    got = by_table(snap)
    assert snap.checked_at == NOW
    assert got["sourcegraph-dw.zendesk.tickets"].loaded_at == utc(2026, 11, 22, 3, 30)
    assert got["sourcegraph-dw.zendesk.users"].loaded_at == utc(2026, 11, 20, 1, 2, 3)
    assert {t.method for t in snap.tables} == {"metadata"}
    assert fake.count("GET", "/tables/") == 2 and fake.count("POST") == 0
    assert [
        s.status for s in evaluate([source({"table": "sourcegraph-dw.zendesk.tickets"})], snap)
    ] == ["pass"]


def test_max_field_tables_share_one_query_and_respect_the_filter(fake: FakeBigQuery) -> None:
    fake.tables["sourcegraph-analytics.events.event_logs"] = FakeTable(
        rows=[
            {"timestamp": utc(2026, 11, 22, 6, 4), "source": "dotcom"},
            {"timestamp": utc(2026, 11, 22, 6, 9), "source": "cloud"},
        ]
    )
    fake.tables["sourcegraph-analytics.cloud.events"] = FakeTable(
        rows=[{"timestamp": utc(2026, 11, 22, 5, 58, 1)}]
    )
    src = source(
        {"table": "sourcegraph-analytics.events.event_logs", "filter": "source = 'dotcom'"},
        {"table": "sourcegraph-analytics.cloud.events"},
        loaded_at_field="timestamp",
    )
    got = by_table(check_freshness([src], now=NOW))
    assert got["sourcegraph-analytics.events.event_logs"].loaded_at == utc(2026, 11, 22, 6, 4)
    assert got["sourcegraph-analytics.cloud.events"].loaded_at == utc(2026, 11, 22, 5, 58, 1)
    assert {t.method for t in got.values()} == {"max_field"}
    assert fake.count("POST", "/queries") == 1  # one UNION ALL job for the project
    sql = fake.requests[0].body["query"]
    assert "UNION ALL" in sql and "WHERE (source = 'dotcom')" in sql


def test_missing_table_is_a_runtime_error_and_never_pass(fake: FakeBigQuery) -> None:
    fake.tables["sourcegraph-dw.salesforce.account"] = FakeTable(
        rows=[{"_loaded_at": utc(2026, 11, 22, 2, 5)}]
    )
    fake.tables["sourcegraph-dw.apollo.contacts"] = FakeTable(modified=utc(2026, 11, 22))
    src = source(
        {"table": "sourcegraph-dw.salesforce.account", "loaded_at_field": "_loaded_at"},
        {"table": "sourcegraph-dw.salesforce.gone", "loaded_at_field": "_loaded_at"},
        {"table": "sourcegraph-dw.apollo.contacts"},
        {"table": "sourcegraph-dw.apollo.sequence_events"},
    )
    snap = check_freshness([src], now=NOW)
    got = by_table(snap)
    assert got["sourcegraph-dw.salesforce.account"].error is None
    assert got["sourcegraph-dw.salesforce.gone"].error == (
        "Not found: Table sourcegraph-dw:salesforce.gone was not found in location US"
    )
    assert got["sourcegraph-dw.apollo.sequence_events"].error == (
        "Not found: Table sourcegraph-dw:apollo.sequence_events was not found in location US"
    )
    # The failed batch is re-run table by table, so the good table still gets its answer.
    assert fake.count("POST", "/queries") == 3
    (state,) = evaluate([src], snap)
    statuses = {t.table.table: t.status for t in state.tables}
    assert statuses["sourcegraph-dw.salesforce.gone"] == "runtime error"
    assert statuses["sourcegraph-dw.apollo.sequence_events"] == "runtime error"
    assert statuses["sourcegraph-dw.salesforce.account"] == "pass"
    assert state.status == "runtime error"


def test_permission_error(fake: FakeBigQuery) -> None:
    fake.tables["sourcegraph-dw.zendesk.tickets"] = FakeTable(forbidden=True)
    fake.tables["sourcegraph-dw.zendesk.users"] = FakeTable(modified=utc(2026, 11, 22))
    got = by_table(
        check_freshness(
            [
                source(
                    {"table": "sourcegraph-dw.zendesk.tickets"},
                    {"table": "sourcegraph-dw.zendesk.users"},
                )
            ],
            now=NOW,
        )
    )
    assert got["sourcegraph-dw.zendesk.tickets"].error.startswith(
        "Access Denied: Table sourcegraph-dw:zendesk.tickets: User does not have permission"
    )
    assert got["sourcegraph-dw.zendesk.users"].error is None


def test_slow_table_times_out_without_holding_up_the_rest(fake: FakeBigQuery) -> None:
    fake.tables["sourcegraph-dw.zendesk.tickets"] = FakeTable(modified=utc(2026, 11, 22), slow=4)
    fake.tables["sourcegraph-dw.zendesk.users"] = FakeTable(modified=utc(2026, 11, 22))
    got = by_table(
        check_freshness(
            [
                source(
                    {"table": "sourcegraph-dw.zendesk.tickets"},
                    {"table": "sourcegraph-dw.zendesk.users"},
                )
            ],
            now=NOW,
        )
    )
    assert got["sourcegraph-dw.zendesk.tickets"].error == (
        "timed out (no answer within 0.5s, after retries)"
    )
    assert got["sourcegraph-dw.zendesk.users"].loaded_at == utc(2026, 11, 22)
    assert fake.count("GET", "/tables/tickets") <= 4  # bounded retries


def test_server_errors_everywhere_raise_pull_error(fake: FakeBigQuery) -> None:
    fake.fail_all = True
    tables = [{"table": f"sourcegraph-dw.zendesk.t{i}"} for i in range(5)]
    with pytest.raises(PullError, match="BigQuery did not answer for any table"):
        check_freshness([source(*tables)], now=NOW)
    # Each table is tried a bounded number of times, whatever the backoff's jitter draws.
    assert 5 <= len(fake.requests) <= 5 * MAX_ATTEMPTS


def test_bigquery_down_raises_pull_error_quickly(fake: FakeBigQuery) -> None:
    fake.stop()
    tables = [{"table": f"sourcegraph-dw.zendesk.t{i}"} for i in range(20)]
    with pytest.raises(PullError) as info:
        check_freshness([source(*tables)], now=NOW)
    assert (
        info.value.message == "BigQuery did not answer for any table (cannot connect to BigQuery)"
    )


def _cli_env(endpoint: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LOOKERSDK_", "GOOGLE_", "HANDBOOK_"))
    }
    env.update(
        HANDBOOK_BIGQUERY_ENDPOINT=endpoint,
        GOOGLE_CLOUD_PROJECT="sourcegraph-dw",
        HANDBOOK_BIGQUERY_TIMEOUT="0.5",
    )
    return env


def test_refresh_during_an_outage_keeps_the_snapshot(handbook_copy: Project) -> None:
    before = handbook_copy.freshness_snapshot.read_bytes()
    bq = FakeBigQuery()  # bound, then closed: connections are refused
    endpoint = bq.endpoint
    bq.stop()
    result = run_cli(handbook_copy, "refresh", "--only", "bigquery", env=_cli_env(endpoint))
    assert result.returncode == 1, result.stderr
    assert "error: bigquery: BigQuery did not answer for any table" in result.stderr
    assert handbook_copy.freshness_snapshot.read_bytes() == before
    attempt = json.loads(handbook_copy.attempt_file("bigquery").read_text())
    assert attempt["source"] == "bigquery"
    assert attempt["error"] == "BigQuery did not answer for any table (cannot connect to BigQuery)"


def test_refresh_writes_a_new_snapshot(handbook_copy: Project) -> None:
    for path in handbook_copy.sources_dir.glob("*.yml"):
        path.unlink()
    (handbook_copy.sources_dir / "one.yml").write_text(
        "sources:\n"
        "  - name: zendesk\n    label: Zendesk\n    description: d\n    owner: Kelsey Brown\n"
        "    cadence: hourly\n    freshness: {warn_after: {count: 1, period: day}}\n"
        "    tables:\n      - table: sourcegraph-dw.zendesk.tickets\n"
        "      - table: sourcegraph-dw.zendesk.gone\n",
        encoding="utf-8",
    )
    handbook_copy.attempt_file("bigquery").write_text("{}", encoding="utf-8")
    loaded = datetime.now(UTC) - timedelta(hours=1)
    with FakeBigQuery({"sourcegraph-dw.zendesk.tickets": FakeTable(modified=loaded)}) as bq:
        result = run_cli(handbook_copy, "refresh", "--only", "bigquery", env=_cli_env(bq.endpoint))
        assert len(bq.requests) == 2
    assert result.returncode == 0, result.stderr
    assert "bigquery: 2 tables checked, 1 runtime error(s)" in result.stdout
    snap = json.loads(handbook_copy.freshness_snapshot.read_text())
    assert [t["table"] for t in snap["tables"]] == [
        "sourcegraph-dw.zendesk.tickets",
        "sourcegraph-dw.zendesk.gone",
    ]
    assert not handbook_copy.attempt_file("bigquery").exists()
