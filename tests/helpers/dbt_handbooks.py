"""Handbooks that read the committed dbt artifacts, and the fake BigQuery of the same warehouse.

The artifacts (`tests/dbt/artifacts/`) were written by the real dbt-core 1.11 + dbt-duckdb
from `tests/dbt/project/` (see `tests/dbt/make_artifacts.py`); `dbt_statuses.json` is dbt's
own verdict on every table it checked, runtime errors included. A handbook here finds them
where a team keeps them, in the dbt project's `target/` beside the handbook.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from fakes.fake_bigquery import FakeTable
from handbook.catalog import load_catalog
from handbook.dbt.sources import DbtTable
from handbook.project import Project

from helpers.dbt_warehouse import DATABASE, TABLES
from helpers.handbook import REPO, clean_env, copy_handbook, run_cli

ARTIFACTS = REPO / "tests" / "dbt" / "artifacts"
TARGET = "analytics/target"  # where the handbooks here keep dbt's artifacts, below the root


def dbt_statuses(folder: Path = ARTIFACTS) -> dict[str, str]:
    """dbt's status for every table it checked, by unique_id (from its own log)."""
    return json.loads((folder / "dbt_statuses.json").read_text(encoding="utf-8"))


def write_dbt_config(project: Project, text: str) -> Path:
    path = project.catalog_dir / "dbt.yml"
    path.write_text(text, encoding="utf-8")
    return path


def add_dbt(
    project: Project, *, results: bool = True, extra: str = "", artifacts: Path = ARTIFACTS
) -> Project:
    """`project` with dbt's artifacts in analytics/target/ and a catalog/dbt.yml naming them."""
    target = project.root / TARGET
    target.mkdir(parents=True, exist_ok=True)
    for name in ("manifest.json", "sources.json"):
        shutil.copy(artifacts / name, target / name)
    text = f"manifest: {TARGET}/manifest.json\n"
    if results:
        text += f"freshness_results: {TARGET}/sources.json\n"
    write_dbt_config(project, text + extra)
    return project


def small_handbook(
    root: Path, *, results: bool = True, extra: str = "", artifacts: Path = ARTIFACTS
) -> Project:
    """A handbook with nothing but dbt: mkdocs.yml, an empty docs/ and catalog/dbt.yml."""
    (root / "catalog").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: dbt handbook\n", encoding="utf-8")
    project = Project(root.resolve())
    return add_dbt(project, results=results, extra=extra, artifacts=artifacts)


def dbt_copy(root: Path, *, results: bool = True) -> Project:
    """The repository's handbook with dbt's sources added."""
    return add_dbt(copy_handbook(root), results=results)


def fake_tables() -> dict[str, FakeTable]:
    """The warehouse of `dbt_warehouse.TABLES` for the fake BigQuery, named as dbt names it;
    `timedelta` times count back from the moment each query runs, as DuckDB's views do."""
    return {f"{DATABASE}.{s}.{t}": FakeTable(rows=rows) for (s, t), rows in TABLES.items()}


def refresh_bigquery(project: Project, endpoint: str) -> subprocess.CompletedProcess:
    """`handbook refresh --only bigquery` against the (fake) BigQuery at `endpoint`."""
    env = clean_env(offline=False)
    env.update(
        HANDBOOK_BIGQUERY_ENDPOINT=endpoint,
        GOOGLE_CLOUD_PROJECT=DATABASE,
        HANDBOOK_BIGQUERY_TIMEOUT="5",
    )
    return run_cli(project, "refresh", "--only", "bigquery", env=env)


def statuses_by_id(project: Project) -> dict[str, str]:
    """The handbook's status of every dbt table as its check gave it, by dbt's unique_id
    (a pass whose check has since aged past its warn_after is the pass dbt wrote)."""
    catalog = load_catalog(project)
    return {
        t.table.unique_id: t.last_result or t.status
        for state in catalog.source_statuses.values()
        for t in state.tables
        if isinstance(t.table, DbtTable)
    }
