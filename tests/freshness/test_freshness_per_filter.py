"""Freshness per (table, filter), and a timed-out MAX query failing only its own table.

The real google-cloud-bigquery client against the local fake BigQuery, over real HTTP.
"""

from __future__ import annotations

from fakes.fake_bigquery import FakeBigQuery, FakeTable, utc
from handbook.curated.sources import Source
from handbook.freshness.bigquery import check_freshness
from handbook.freshness.rules import evaluate
from helpers.freshness import NOW, source

EVENTS = "sourcegraph-analytics.events.event_logs"


def _named(name: str, src: Source) -> Source:
    return src.model_copy(update={"name": name})


def test_two_sources_reading_one_table_with_different_filters_each_get_their_own_answer(
    fake: FakeBigQuery,
) -> None:
    fake.tables[EVENTS] = FakeTable(
        rows=[
            {"timestamp": utc(2026, 11, 22, 6, 4), "source": "dotcom"},
            {"timestamp": utc(2026, 11, 19, 0, 0), "source": "cloud"},
        ]
    )
    dotcom = _named(
        "dotcom",
        source({"table": EVENTS, "filter": "source = 'dotcom'"}, loaded_at_field="timestamp"),
    )
    cloud = _named(
        "cloud",
        source({"table": EVENTS, "filter": "source = 'cloud'"}, loaded_at_field="timestamp"),
    )
    snap = check_freshness([dotcom, cloud], now=NOW)
    assert sorted((t.filter, t.loaded_at) for t in snap.tables) == [
        ("source = 'cloud'", utc(2026, 11, 19, 0, 0)),
        ("source = 'dotcom'", utc(2026, 11, 22, 6, 4)),
    ]
    assert fake.count("POST", "/queries") == 1  # still one UNION ALL job
    statuses = {s.source.name: s for s in evaluate([dotcom, cloud], snap)}
    assert statuses["dotcom"].status == "pass"  # 6 minutes old, warn after 12 hours
    assert statuses["cloud"].status == "warn"  # 3 days old
    assert statuses["cloud"].tables[0].loaded_at == utc(2026, 11, 19, 0, 0)


def test_a_max_query_that_times_out_fails_only_its_own_table(fake: FakeBigQuery) -> None:
    fake.tables["sourcegraph-dw.zendesk.tickets"] = FakeTable(
        rows=[{"_loaded_at": utc(2026, 11, 22, 2, 0)}], slow=4
    )
    fake.tables["sourcegraph-dw.zendesk.users"] = FakeTable(
        rows=[{"_loaded_at": utc(2026, 11, 22, 5, 0)}]
    )
    fake.tables["sourcegraph-dw.zendesk.orgs"] = FakeTable(
        rows=[{"_loaded_at": utc(2026, 11, 22, 4, 0)}]
    )
    src = source(
        {"table": "sourcegraph-dw.zendesk.tickets"},
        {"table": "sourcegraph-dw.zendesk.users"},
        {"table": "sourcegraph-dw.zendesk.orgs"},
        loaded_at_field="_loaded_at",
    )
    got = {t.table: t for t in check_freshness([src], now=NOW).tables}
    assert got["sourcegraph-dw.zendesk.tickets"].error is not None
    assert "timed out" in got["sourcegraph-dw.zendesk.tickets"].error
    assert got["sourcegraph-dw.zendesk.users"].loaded_at == utc(2026, 11, 22, 5, 0)
    assert got["sourcegraph-dw.zendesk.orgs"].loaded_at == utc(2026, 11, 22, 4, 0)
    assert got["sourcegraph-dw.zendesk.users"].error is None
