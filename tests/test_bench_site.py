"""`scripts/bench_site.py` runs end to end on a tiny organisation and prints its rows.

The benchmark's figures are not checked here (speed targets live in the benchmark itself,
as ratios against a baseline of the same run); this only keeps the script working, so the
next person can reproduce the figures the closing notes quote.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers.handbook import REPO


def test_the_site_benchmark_runs_its_edit_and_zensical_rows(tmp_path):
    pytest.importorskip("zensical")
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "bench_site.py"),
            "--quick",
            "--pages=3",
            "--items=40",
            "--commits=2",
            "--skip=build,growth",
            "--timeout=120",
            f"--keep={tmp_path}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for row in (
        "edit-to-preview, project hand",
        "edit-to-preview, project metric",
        "edit-to-preview, baseline hand",
        "hand-page edit vs serve --dirty    ratio of medians",
        "generate && zensical build, cold cache",
        "generate && zensical build, warm cache",
        "zensical serve, edit hand page",
    ):
        assert row in out, out
    assert "timed out" not in out, out  # every edit showed up in its preview
