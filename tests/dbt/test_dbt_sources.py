"""dbt's sources in the handbook: as dbt resolved them, with dbt's statuses or our own check.

The artifacts are real dbt output (see `make_artifacts.py`); the statuses the handbook shows
must be dbt's, table for table, whether it reads them from `sources.json` or checks the same
warehouse itself through `handbook refresh --only bigquery`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fakes.fake_bigquery import FakeBigQuery
from handbook.catalog import load_catalog
from helpers.dbt_handbooks import (
    ARTIFACTS,
    dbt_statuses,
    fake_tables,
    refresh_bigquery,
    small_handbook,
    statuses_by_id,
    write_dbt_config,
)

FIXTURE = "source.handbook_fixture"


def test_dbt_source_tables_with_freshness_are_handbook_tables_as_dbt_resolved_them(tmp_path):
    catalog = load_catalog(small_handbook(tmp_path / "hb"))
    sources = {s.name: s for s in catalog.sources}
    assert list(sources) == ["stripe", "web_analytics", "crm"]  # legacy has no freshness
    stripe = sources["stripe"]
    assert stripe.description == "Payments, invoices and payouts from Stripe."
    assert stripe.owner == "Finance Data"  # the source's meta.owner
    tables = {t.name: t for t in stripe.tables}
    assert "refunds" not in tables  # `freshness: null`
    charges = tables["charges"]
    assert charges.table == "warehouse.raw_stripe.charges"
    assert charges.loaded_at_field == "_loaded_at"  # from the source's config: block
    assert str(charges.freshness) == "warn after 6 hours, error after 1 day"
    # dbt merges a table's freshness into the source's field by field.
    assert str(tables["balance_transactions"].freshness) == "warn after 6 hours, error after 2 days"
    web = {t.name: t for t in sources["web_analytics"].tables}
    assert str(web["pageviews"].freshness) == "error after 30 minutes"  # error-only
    assert web["pageviews"].filter == "platform = 'web'"
    assert web["app_events"].filter == "platform = 'app'"  # the table's own filter
    assert web["pageviews"].table == "warehouse.raw_web.pageviews"  # Jinja schema, resolved
    crm = {t.name: t for t in sources["crm"].tables}
    assert str(crm["deals"].freshness) == "warn after 2 days"  # warn-only, dbt_project.yml
    assert crm["contacts"].owner == "Revenue Operations"  # a table's own meta.owner
    assert sources["crm"].owner is None  # its tables do not agree on one


def test_statuses_come_from_dbt_source_freshness_table_for_table(tmp_path):
    project = small_handbook(tmp_path / "hb")
    found = statuses_by_id(project)
    results = json.loads((ARTIFACTS / "sources.json").read_text(encoding="utf-8"))["results"]
    for result in results:
        assert found[result["unique_id"]] == result["status"], result["unique_id"]
    # dbt-core 1.11 leaves its runtime errors out of sources.json: not checked, never pass.
    assert found[f"{FIXTURE}.crm.ghost"] == "not checked"
    assert set(found) == {r["unique_id"] for r in results} | {f"{FIXTURE}.crm.ghost"}


def test_a_status_from_dbt_keeps_dbts_load_time_age_and_check_time(tmp_path):
    catalog = load_catalog(small_handbook(tmp_path / "hb"))
    state = catalog.source_statuses["stripe"]
    charges = next(t for t in state.tables if t.table.name == "charges")
    result = next(
        r
        for r in json.loads((ARTIFACTS / "sources.json").read_text("utf-8"))["results"]
        if r["unique_id"].endswith(".stripe.charges")
    )
    assert charges.age == timedelta(hours=6) - timedelta(seconds=1)
    assert charges.loaded_at.isoformat() == result["max_loaded_at"]
    assert charges.checked_at.isoformat() == result["snapshotted_at"]
    assert state.checked_by == "dbt source freshness"
    assert state.checked_at == catalog.dbt.results.checked_at


@pytest.fixture
def fake_warehouse():
    with FakeBigQuery(fake_tables()) as bq:
        yield bq


def test_without_dbts_results_refresh_checks_the_tables_itself_and_agrees_with_dbt(
    tmp_path, fake_warehouse
):
    project = small_handbook(tmp_path / "hb", results=False)
    assert set(statuses_by_id(project).values()) == {"not checked"}  # before any check
    result = refresh_bigquery(project, fake_warehouse.endpoint)
    assert result.returncode == 0, result.stderr
    # Every table dbt checked, runtime errors included (crm.ghost is in neither warehouse).
    assert statuses_by_id(project) == dbt_statuses()


def test_the_filter_is_part_of_each_check(tmp_path, fake_warehouse):
    project = small_handbook(tmp_path / "hb", results=False)
    assert refresh_bigquery(project, fake_warehouse.endpoint).returncode == 0
    snapshot = json.loads(project.freshness_snapshot.read_text(encoding="utf-8"))
    checks = {t["table"]: t for t in snapshot["tables"]}
    assert checks["warehouse.raw_web.pageviews"]["filter"] == "platform = 'web'"
    assert checks["warehouse.raw_web.app_events"]["filter"] == "platform = 'app'"
    # Ages are measured at each query's own CURRENT_TIMESTAMP(), as dbt's snapshotted_at.
    pageviews = checks["warehouse.raw_web.pageviews"]
    assert pageviews["checked_at"] is not None
    assert "warehouse.raw_stripe.refunds" not in checks  # no SLA, not checked


def test_with_dbts_results_refresh_leaves_dbts_tables_to_dbt(tmp_path, fake_warehouse):
    project = small_handbook(tmp_path / "hb")
    assert refresh_bigquery(project, fake_warehouse.endpoint).returncode == 0
    assert fake_warehouse.count() == 0
    assert statuses_by_id(project)[f"{FIXTURE}.stripe.disputes"] == "error"


def test_include_and_exclude_choose_dbt_sources(tmp_path):
    project = small_handbook(tmp_path / "hb")
    config = project.catalog_dir / "dbt.yml"
    write_dbt_config(project, config.read_text() + "include: [stripe, crm]\nexclude: [crm]\n")
    assert [s.name for s in load_catalog(project).sources] == ["stripe"]


def test_a_table_dbt_checks_with_sql_of_its_own_shows_why_the_handbook_cannot(tmp_path: Path):
    project = small_handbook(tmp_path / "hb", results=False)
    manifest_path = project.root / "analytics/target/manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    node = manifest["sources"][f"{FIXTURE}.stripe.charges"]
    node["loaded_at_query"] = "select max(_loaded_at) from {{ this }}"
    node["loaded_at_field"] = None
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    state = load_catalog(project).source_statuses["stripe"]
    charges = next(t for t in state.tables if t.table.name == "charges")
    assert charges.status == "not checked"
    assert "loaded_at_query" in charges.reason and "freshness_results" in charges.reason


def test_a_runtime_error_dbt_writes_down_is_shown_with_its_message(tmp_path: Path):
    """dbt-core 1.12 and later keep runtime errors in sources.json (v3's runtime error
    entry): the table shows as a runtime error with dbt's message."""
    project = small_handbook(tmp_path / "hb")
    path = project.root / "analytics/target/sources.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["results"].append(
        {
            "unique_id": f"{FIXTURE}.crm.ghost",
            "status": "runtime error",
            "error": "Catalog Error: Table with name ghost does not exist!",
        }
    )
    path.write_text(json.dumps(data), encoding="utf-8")
    state = load_catalog(project).source_statuses["crm"]
    ghost = next(t for t in state.tables if t.table.name == "ghost")
    assert ghost.status == "runtime error" and ghost.reason.startswith("Catalog Error: Table")
    assert state.status == "runtime error"  # worse than the source's warns


def test_text_from_the_manifest_is_escaped_on_the_board(tmp_path: Path):
    from handbook.render.pages.freshness_pages import board

    project = small_handbook(tmp_path / "hb")
    path = project.root / "analytics/target/manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    node = manifest["sources"][f"{FIXTURE}.stripe.charges"]
    node["description"] = "<img src=x onerror=alert(1)> | `code` [link](javascript:x)"
    node["source_description"] = "<script>alert(2)</script>"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    text = board(load_catalog(project))
    assert "<img" not in text and "<script" not in text and "](javascript" not in text
    assert "&#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62;" in text


def test_dbts_verdicts_age_like_any_check(tmp_path: Path):
    """A pass dbt wrote longer ago than the table's warn_after (its error_after when it has
    none) is "not checked since" dbt's snapshotted_at, with the pass as its last result; a
    warn or error keeps its status, marked as of that time."""
    project = small_handbook(tmp_path / "hb")
    results = json.loads((ARTIFACTS / "sources.json").read_text(encoding="utf-8"))["results"]
    checked = {r["unique_id"]: r["snapshotted_at"] for r in results}

    def table(now_after: timedelta, source: str, name: str):
        at = datetime.fromisoformat(checked[f"{FIXTURE}.{source}.{name}"]) + now_after
        state = load_catalog(project, now=at).source_statuses[source]
        return next(t for t in state.tables if t.table.name == name)

    # stripe.charges: a pass, warn_after 6 hours.
    charges = table(timedelta(hours=6), "stripe", "charges")
    assert (charges.status, charges.last_result) == ("pass", None)
    charges = table(timedelta(hours=6, seconds=1), "stripe", "charges")
    assert (charges.status, charges.last_result) == ("not checked since", "pass")
    assert charges.checked_at.isoformat() == checked[f"{FIXTURE}.stripe.charges"]
    # web_analytics.sessions: a pass with only error_after (30 minutes).
    sessions = table(timedelta(minutes=30, seconds=1), "web_analytics", "sessions")
    assert sessions.status == "not checked since"
    # crm.companies: a warn stays a warn, marked as outdated.
    companies = table(timedelta(days=20), "crm", "companies")
    assert (companies.status, companies.last_result) == ("warn", "warn")
