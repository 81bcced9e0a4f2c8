"""A site built with dbt's sources: pages, badges, references, lineage and catalog.json.

One strict `mkdocs build` of the repository's handbook with dbt's artifacts added, a metric
built from a dbt source and a page referencing one; each test reads what it produced.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from handbook.project import Project
from helpers.dbt_handbooks import dbt_copy
from helpers.handbook import run_build


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project: Project = dbt_copy(tmp_path_factory.mktemp("dbt-site") / "hb")
    metrics = project.metrics_dir / "customer.yml"
    text = metrics.read_text(encoding="utf-8")
    metrics.write_text(text.replace("sources: [hubspot, salesforce]", "sources: [stripe]", 1))
    page = project.docs_dir / "data" / "index.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\nPayments: [[freshness:stripe]]\n", encoding="utf-8"
    )
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project.root / "site"


def text(site: Path, page: str) -> str:
    raw = (site / page).read_text(encoding="utf-8").replace("<wbr>", "")  # break hints
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def test_the_freshness_board_has_a_section_per_dbt_source_with_dbts_statuses(site: Path):
    raw = (site / "data" / "freshness" / "index.html").read_text(encoding="utf-8")
    assert 'id="stripe"' in raw and 'id="web-analytics"' in raw and 'id="crm"' in raw
    board = text(site, "data/freshness/index.html")
    assert "Sources defined in dbt show dbt's own statuses, from dbt source freshness at" in board
    assert "Defined in dbt: models/sources.yml of dbt project handbook_fixture" in board
    assert "warehouse.raw_stripe.disputes" in board
    assert "legacy" not in board.split("Data freshness", 1)[1]  # no freshness, no section


def test_a_reference_to_a_dbt_source_shows_its_badge(site: Path):
    raw = (site / "data" / "index.html").read_text(encoding="utf-8")
    line = raw[raw.index("Payments:") :].split("</p>", 1)[0]
    assert '<a href="freshness/">stripe</a>' in line  # the board, as for hand-written sources
    assert "hb-badge--error" in line  # stripe.disputes is past its error_after


def test_a_metric_built_from_a_dbt_source_draws_it_in_its_lineage(site: Path):
    raw = (site / "metrics" / "nps" / "index.html").read_text(encoding="utf-8")
    start = raw.index('<svg class="hb-lineage"')
    svg = raw[start : raw.index("</svg>", start)]
    assert ">stripe<" in svg and 'href="../../data/freshness/#stripe"' in svg


def test_catalog_json_lists_dbt_sources_like_hand_written_ones(site: Path):
    data = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    stripe = next(s for s in data["sources"] if s["name"] == "stripe")
    assert stripe["defined_in"] == "dbt" and stripe["checked_by"] == "dbt source freshness"
    assert stripe["status"] == "error"
    disputes = next(t for t in stripe["tables"] if t["name"] == "disputes")
    assert disputes["unique_id"] == "source.handbook_fixture.stripe.disputes"
    assert disputes["table"] == "warehouse.raw_stripe.disputes"
    assert disputes["status"] == "error" and disputes["age_seconds"] == 86401
    assert disputes["checked_at"].endswith("Z")
    assert data["freshness"]["dbt_checked_at"].endswith("Z")
    hubspot = next(s for s in data["sources"] if s["name"] == "hubspot")
    assert hubspot["defined_in"] == "catalog" and hubspot["checked_by"] == "BigQuery"
