"""Regenerate the committed dbt artifacts in `tests/dbt/artifacts/` with the real dbt.

dbt-core pins protobuf below 7 while google-cloud-bigquery's stack runs on 7, so dbt lives in
its own virtualenv rather than in the handbook's test extra. Run this with *that* Python:

    python3.11 -m venv .venv-dbt
    .venv-dbt/bin/pip install -r tests/dbt/requirements.txt
    .venv-dbt/bin/python tests/dbt/make_artifacts.py            # rewrite tests/dbt/artifacts/
    .venv-dbt/bin/python tests/dbt/make_artifacts.py --out DIR  # somewhere else (the test)

It copies `tests/dbt/project/` to a temporary folder (dbt writes `logs/` and `target/` into
its project), creates `warehouse.duckdb` from `tests/helpers/dbt_warehouse.py` (the tables
the tests' fake BigQuery serves too), runs `dbt parse` and `dbt source freshness` offline
with anonymous usage statistics off, and writes:

- `manifest.json`: from `dbt parse`, as dbt wrote it;
- `sources.json`: from `dbt source freshness`, as dbt wrote it (dbt-core 1.11 leaves the
  runtime error of `crm.ghost` out of it: dbt-core issue 12812);
- `dbt_statuses.json`: every checked table's status as dbt logged it, runtime errors
  included: `{unique_id: status}`, the table the handbook's own check must equal.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "project"
ARTIFACTS = HERE / "artifacts"
WAREHOUSE = HERE.parent / "helpers" / "dbt_warehouse.py"


def duckdb_sql() -> list[str]:
    """The warehouse's statements, from the file the tests import as `helpers.dbt_warehouse`
    (loaded by its path: this script runs under dbt's Python, outside pytest)."""
    spec = importlib.util.spec_from_file_location("dbt_warehouse", WAREHOUSE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.duckdb_sql()


def _dbt(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """One dbt command in `project`, offline, with this Python's dbt."""
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_PROFILES_DIR": str(project),
        "DBT_PROJECT_DIR": str(project),
    }
    command = [sys.executable, "-c", "from dbt.cli.main import cli; cli()", *args]
    return subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=600
    )


def _statuses(log: str) -> dict[str, str]:
    """{unique_id: status} from dbt's JSON log lines (LogFreshnessResult events)."""
    found = {}
    for line in log.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("info", {}).get("name") != "LogFreshnessResult":
            continue
        data = event["data"]
        found[data["node_info"]["unique_id"]] = data["status"]
    return dict(sorted(found.items()))


def make(out: Path) -> None:
    import duckdb

    with tempfile.TemporaryDirectory(prefix="handbook-dbt-") as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(PROJECT, project)
        with duckdb.connect(str(project / "warehouse.duckdb")) as con:
            for statement in duckdb_sql():
                con.execute(statement)
        parsed = _dbt(project, "parse")
        if parsed.returncode != 0:
            sys.exit(f"dbt parse failed:\n{parsed.stdout}\n{parsed.stderr}")
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(project / "target" / "manifest.json", out / "manifest.json")
        checked = _dbt(project, "--log-format", "json", "source", "freshness")
        results = project / "target" / "sources.json"
        if not results.is_file():  # exit code 1 is expected: the fixture has errors
            sys.exit(f"dbt source freshness wrote no sources.json:\n{checked.stdout}")
        shutil.copy(results, out / "sources.json")
        statuses = _statuses(checked.stdout)
        (out / "dbt_statuses.json").write_text(json.dumps(statuses, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ARTIFACTS, help="folder to write into")
    make(parser.parse_args().out)


if __name__ == "__main__":
    main()
