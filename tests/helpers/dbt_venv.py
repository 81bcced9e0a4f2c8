"""The real dbt for the tests that run it, in a virtualenv of its own, made on first use.

dbt-core 1.11 pins protobuf below 7, which the BigQuery client beside the handbook has
outgrown, so dbt never shares the handbook's environment (`tests/dbt/requirements.txt` says
more). The README's one test command must still run every test on a fresh machine, so the
first test that needs dbt creates `.venv-dbt/` beside pyproject.toml (git-ignored; about a
minute of pip) and later runs reuse it. `HANDBOOK_DBT_PYTHON` names another interpreter that
has dbt.

When it cannot be made (no package index) the tests that need it are skipped locally and
fail in CI, like the browser tests without Chromium.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from helpers.handbook import REPO

VENV = REPO / ".venv-dbt"
REQUIREMENTS = REPO / "tests" / "dbt" / "requirements.txt"


def _python() -> Path:
    named = os.environ.get("HANDBOOK_DBT_PYTHON")
    return Path(named) if named else VENV / "bin" / "python"


def _has_dbt(python: Path) -> bool:
    if not python.is_file():
        return False
    found = subprocess.run(
        [str(python), "-c", "import dbt.cli.main, dbt.adapters.duckdb"],
        capture_output=True,
        timeout=300,
    )
    return found.returncode == 0


def _create() -> str | None:
    """Make `.venv-dbt` with the pinned dbt; None when done, else why it failed."""
    with open(REPO / ".venv-dbt.lock", "w") as lock:  # one maker at a time (git-ignored)
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _has_dbt(VENV / "bin" / "python"):
            return None
        steps = (
            [sys.executable, "-m", "venv", "--clear", str(VENV)],
            [str(VENV / "bin" / "pip"), "install", "-q", "-r", str(REQUIREMENTS)],
        )
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, timeout=1800)
            if done.returncode != 0:
                return f"{' '.join(step[:3])} failed:\n{done.stdout}{done.stderr}"[-4000:]
    return None


@cache
def _ensure() -> tuple[Path | None, str]:
    python = _python()
    if _has_dbt(python):
        return python, ""
    if os.environ.get("HANDBOOK_DBT_PYTHON"):
        return None, f"HANDBOOK_DBT_PYTHON={python} has no dbt-core and dbt-duckdb"
    why = _create()
    return (python, "") if why is None and _has_dbt(python) else (None, why or "no dbt")


def dbt_python() -> Path:
    """An interpreter with dbt-core and dbt-duckdb; skips (fails in CI) when none can be made."""
    python, why = _ensure()
    if python is None:
        message = f"dbt could not be installed for the tests: {why}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return python
