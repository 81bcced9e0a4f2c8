"""The real dbt, run now: it still writes what is committed, and the handbook agrees with it.

dbt lives in its own virtualenv, made on first use (`helpers/dbt_venv.py` says why and
where); where it cannot be made these tests are skipped locally and fail in CI, like the
browser tests without Chromium.

`make_artifacts.py` runs `dbt parse` and `dbt source freshness` on a temporary copy of
`tests/dbt/project/`, offline. What must match the committed artifacts is what dbt
decides (resolved sources, statuses, ages, criteria), not what changes every run
(invocation ids, times, timings, the dbt patch version).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from fakes.fake_bigquery import FakeBigQuery
from helpers.dbt_handbooks import (
    ARTIFACTS,
    dbt_statuses,
    fake_tables,
    refresh_bigquery,
    small_handbook,
    statuses_by_id,
)
from helpers.dbt_venv import dbt_python
from helpers.handbook import REPO

MAKE = Path(__file__).resolve().parent / "make_artifacts.py"
SOURCE_KEYS = (
    "database",
    "schema",
    "identifier",
    "loaded_at_field",
    "loaded_at_query",
    "freshness",
    "description",
    "source_description",
    "meta",
    "source_meta",
)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Artifacts written just now by the real dbt."""
    python = dbt_python()  # made on first use (see helpers/dbt_venv.py)
    out = tmp_path_factory.mktemp("dbt-artifacts")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "PYTHON"))}
    done = subprocess.run(
        [str(python), str(MAKE), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


def decisions(folder: Path) -> dict[str, Any]:
    """What dbt decided, read straight from its JSON (not through the handbook's reader)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    results = json.loads((folder / "sources.json").read_text(encoding="utf-8"))
    return {
        "manifest_schema": manifest["metadata"]["dbt_schema_version"],
        "project": manifest["metadata"]["project_name"],
        "sources": {
            uid: {key: node.get(key) for key in SOURCE_KEYS}
            for uid, node in manifest["sources"].items()
        },
        "results_schema": results["metadata"]["dbt_schema_version"],
        "results": {
            r["unique_id"]: (r["status"], r.get("max_loaded_at_time_ago_in_s"), r.get("criteria"))
            for r in results["results"]
        },
        "statuses": dbt_statuses(folder),
    }


def test_make_artifacts_still_reproduces_the_committed_artifacts(fresh: Path):
    assert decisions(fresh) == decisions(ARTIFACTS)


def test_the_handbook_shows_a_fresh_dbt_runs_statuses_table_for_table(fresh: Path, tmp_path):
    project = small_handbook(tmp_path / "hb", artifacts=fresh)
    expected = dict(dbt_statuses(fresh))
    # dbt-core 1.11 drops runtime errors from sources.json: shown as not checked.
    expected.update({u: "not checked" for u, s in expected.items() if s == "runtime error"})
    assert statuses_by_id(project) == expected


def test_the_handbooks_own_check_equals_a_fresh_dbt_run_table_for_table(fresh: Path, tmp_path):
    project = small_handbook(tmp_path / "hb", results=False, artifacts=fresh)
    with FakeBigQuery(fake_tables()) as bq:
        done = refresh_bigquery(project, bq.endpoint)
    assert done.returncode == 0, done.stderr
    assert statuses_by_id(project) == dbt_statuses(fresh)


def test_dbt_stays_out_of_the_handbooks_dependencies_and_imports():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"].values()
    wanted = [*project["dependencies"], *(r for extra in extras for r in extra)]
    assert not [r for r in wanted if r.lower().startswith("dbt")]
    imports = re.compile(r"^\s*(import dbt\b|from dbt\b)", re.MULTILINE)
    package = REPO / "hooks" / "handbook"
    assert not [p for p in package.rglob("*.py") if imports.search(p.read_text("utf-8"))]
