"""`scripts/bench_dbt.py` runs end to end on a small manifest and prints its rows.

The figures are not checked here (the targets live in the benchmark, as ratios against
`json.load` in the same run); this keeps the script working so its figures can be reproduced.
"""

from __future__ import annotations

import subprocess
import sys

from helpers.handbook import REPO


def test_the_manifest_benchmark_runs_and_reports_every_ratio():
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "bench_dbt.py"), "--models=40", "--runs=1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr[-3000:]  # 1: a target missed at this size
    for row in ("json.load (baseline)", "handbook read_manifest", "ratio memory", "ratio time"):
        assert row in done.stdout, done.stdout
    assert "2,000 source tables" in done.stdout
