"""A plain `mkdocs build` prints the project's own messages, not third-party banners."""

from __future__ import annotations

from pathlib import Path

import pytest
from handbook.project import Project
from helpers.handbook import clean_env, run_build

BANNER_WORDS = ("end of life", "ProperDocs", "Zensical", "NO_MKDOCS_2_WARNING", "MkDocs 2")


@pytest.mark.slow
def test_build_output_has_no_banner_lines(handbook_copy: Project):
    env = clean_env()
    for banner_off in ("NO_MKDOCS_2_WARNING", "DISABLE_MKDOCS_2_WARNING"):
        env.pop(banner_off, None)
    # The console script, as a user types it (both banners check sys.argv[0] for `mkdocs`).
    result = run_build(handbook_copy, env=env, console_script=True)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert not [line for line in output.splitlines() if any(w in line for w in BANNER_WORDS)]
    lines = [line for line in output.splitlines() if line.strip()]
    assert all(line.startswith(("INFO", "WARNING", " ")) for line in lines), lines
    assert (Path(handbook_copy.root) / "site" / "index.html").is_file()
