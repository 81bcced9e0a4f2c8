"""A failed or killed `mkdocs build` leaves the last good `site/` byte for byte.

The build writes into a staging folder beside `site/` and swaps it in only at the very end,
so these tests build once, then break the build in ways that fail late (after MkDocs has
written pages) or kill it half-way, and compare every file of `site/` with before.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from handbook.project import Project
from helpers.handbook import copy_handbook, run_build, start_build


def fingerprint(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def leftovers(project: Project) -> list[str]:
    return sorted(p.name for p in project.root.glob(".site.*"))


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, dict[str, str]]:
    project = copy_handbook(tmp_path_factory.mktemp("publish") / "handbook")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project, fingerprint(project.root / "site")


def test_a_build_that_fails_after_writing_pages_keeps_the_old_site(published):
    project, before = published
    page = project.docs_dir / "team" / "broken-link.md"
    # A link to a page that does not exist is a warning MkDocs logs while writing pages;
    # --strict turns it into an abort after every page was written.
    page.write_text("# Broken\n\nSee [the plan](no-such-page.md).\n", encoding="utf-8")
    try:
        result = run_build(project)
    finally:
        page.unlink()
    assert result.returncode != 0
    assert "no-such-page.md" in result.stderr
    assert fingerprint(project.root / "site") == before
    assert leftovers(project) == []


def test_a_page_that_is_not_utf8_fails_with_its_name_and_keeps_the_old_site(published):
    project, before = published
    page = project.docs_dir / "team" / "latin1.md"
    page.write_bytes(b"# Caf\xe9\n\nMen\xfc\n")
    try:
        result = run_build(project)
    finally:
        page.unlink()
    assert result.returncode != 0
    assert "docs/team/latin1.md:1" in result.stderr
    assert "UTF-8" in result.stderr
    assert "Traceback" not in result.stderr
    assert fingerprint(project.root / "site") == before


def test_a_build_killed_half_way_keeps_the_old_site_and_the_next_build_cleans_up(published):
    project, before = published
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    proc = start_build(project, start_new_session=True, **quiet)
    staging = project.root / f".site.building-{proc.pid}"
    deadline = time.monotonic() + 300
    # Kill it once it has written pages into its staging folder (never a fixed sleep).
    while not (staging / "team").is_dir() and proc.poll() is None:
        assert time.monotonic() < deadline, "the build never started writing pages"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the build finished before it could be killed"
    assert fingerprint(project.root / "site") == before
    assert leftovers(project) == [staging.name]  # what a killed build leaves behind
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert leftovers(project) == []
    assert fingerprint(project.root / "site").keys() == before.keys()


def test_a_build_killed_between_the_two_renames_is_repaired_by_the_next(published):
    project, _ = published
    site = project.root / "site"
    before = fingerprint(site)  # the previous test published a new build
    # The state a kill between "old site aside" and "new site in" leaves: no site/, the
    # previous one beside it under the name of a process that is gone.
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    aside = project.root / f".site.previous-{dead.stdout.strip()}"
    site.rename(aside)
    from handbook.adapters.site_publish import recover

    recover(site.resolve())
    assert fingerprint(site) == before
    assert leftovers(project) == []
