"""`handbook export --dbt-exposures PATH`: the notable reports as dbt exposures, read by dbt.

The handbook here is the repository's with dbt's sources added and the NPS metric (on the
`customer.nps_responses` explore, which dashboard 128 queries) built from dbt's `stripe`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from handbook.project import Project
from helpers.dbt_handbooks import dbt_copy
from helpers.dbt_venv import dbt_python
from helpers.handbook import run_cli

PROJECT = Path(__file__).resolve().parent / "project"
STRIPE = ["charges", "invoices", "payouts", "disputes", "balance_transactions"]


@pytest.fixture
def handbook(tmp_path: Path) -> Project:
    project = dbt_copy(tmp_path / "hb")
    metrics = project.metrics_dir / "customer.yml"
    text = metrics.read_text(encoding="utf-8")
    metrics.write_text(text.replace("sources: [hubspot, salesforce]", "sources: [stripe]", 1))
    return project


def export(project: Project, path: Path) -> subprocess.CompletedProcess:
    return run_cli(project, "export", "--dbt-exposures", str(path))


def test_each_notable_report_is_an_exposure_on_the_dbt_sources_it_reads(handbook, tmp_path):
    path = tmp_path / "exposures.yml"
    done = export(handbook, path)
    assert done.returncode == 0, done.stderr
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert document["version"] == 2
    found = {e["name"]: e for e in document["exposures"]}
    assert done.stdout.startswith(f"wrote {len(found)} dbt exposures to {path}")
    nps = found["looker_dashboard_128"]
    assert nps["label"] == "NPS score by customer" and nps["type"] == "dashboard"
    # The report's kept filters stay on the link, as on the reports page.
    assert nps["url"] == (
        "https://sourcegraph.looker.com/dashboards/128?Unique+Server+ID=Uber&Time=48+months"
    )
    assert nps["owner"] == {"name": "Kelsey Brown"}
    assert nps["depends_on"] == [f"source('stripe', '{t}')" for t in STRIPE]
    look = found["looker_look_729"]
    assert look["type"] == "analysis" and look["depends_on"] == []  # no dbt source behind it
    names = [e["name"] for e in document["exposures"]]
    assert names.count("looker_dashboard_177") == 1  # listed twice in reports.yml: once here


def test_export_never_replaces_a_file_it_did_not_write(handbook, tmp_path):
    path = tmp_path / "exposures.yml"
    path.write_text("version: 2\nexposures: []  # by hand\n", encoding="utf-8")
    done = export(handbook, path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{path}: error: exists and was not written by" in done.stderr
    assert path.read_text(encoding="utf-8") == "version: 2\nexposures: []  # by hand\n"
    path.unlink()
    assert export(handbook, path).returncode == 0
    assert export(handbook, path).returncode == 0  # its own file: replaced


def test_dbt_parse_reads_the_exposures_and_links_them_to_the_sources(handbook, tmp_path):
    python = dbt_python()
    project = tmp_path / "dbt"
    shutil.copytree(PROJECT, project)
    assert export(handbook, project / "models" / "handbook_exposures.yml").returncode == 0
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "PYTHON"))},
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(project),
    }
    done = subprocess.run(
        [str(python), "-c", "from dbt.cli.main import cli; cli()", "parse"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    manifest = json.loads((project / "target" / "manifest.json").read_text(encoding="utf-8"))
    nps = manifest["exposures"]["exposure.handbook_fixture.looker_dashboard_128"]
    assert nps["type"] == "dashboard" and nps["owner"]["name"] == "Kelsey Brown"
    assert nps["depends_on"]["nodes"] == [f"source.handbook_fixture.stripe.{t}" for t in STRIPE]
    assert len(manifest["exposures"]) > 10
