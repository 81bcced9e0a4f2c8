"""A plain `mkdocs build` prints the project's own messages, not third-party banners."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from handbook.project import Project

BANNER_WORDS = ("end of life", "ProperDocs", "Zensical", "NO_MKDOCS_2_WARNING", "MkDocs 2")


@pytest.mark.slow
def test_build_output_has_no_banner_lines(handbook_copy: Project):
    mkdocs = shutil.which("mkdocs")
    assert mkdocs, "the mkdocs console script is installed with the package"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LOOKERSDK_", "GOOGLE_", "HANDBOOK_"))
        and k not in ("NO_MKDOCS_2_WARNING", "DISABLE_MKDOCS_2_WARNING")
    }
    env["HANDBOOK_OFFLINE"] = "1"
    # The console script, as a user types it (both banners check sys.argv[0] for `mkdocs`).
    result = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", "site"],
        cwd=handbook_copy.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert not [line for line in output.splitlines() if any(w in line for w in BANNER_WORDS)]
    lines = [line for line in output.splitlines() if line.strip()]
    assert all(line.startswith(("INFO", "WARNING", " ")) for line in lines), lines
    assert (Path(handbook_copy.root) / "site" / "index.html").is_file()
