"""Fixtures shared by every test folder, thin over `helpers` (where the code is).

- `handbook_copy`: a throwaway copy of the repository's handbook, per test.
- `built_site`: the repository's handbook, committed to git and built once per session.
- `browser`: Debian's Chromium, one per test module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from handbook.project import Project
from helpers.browser import chromium
from helpers.handbook import commit_all, copy_handbook, run_build


@pytest.fixture
def handbook_copy(tmp_path: Path) -> Project:
    return copy_handbook(tmp_path / "handbook")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's handbook, committed to git, built once per test session (strict,
    offline)."""
    project = copy_handbook(tmp_path_factory.mktemp("site-build") / "handbook")
    commit_all(project.root)
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project.root / "site"


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Debian's Chromium (skipped without it, failed in CI), for the tests of one module."""
    with chromium() as launched:
        yield launched
