"""Shared fixtures: a throwaway copy of the handbook, and a real `mkdocs build` of it.

Tests never touch the repository's own catalog/ or docs/: `handbook_copy` copies them (with
mkdocs.yml and hooks/) into a temporary folder, so a test may break YAML, replace the
snapshot or add pages and see exactly what an analyst would.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from handbook.project import Project

REPO = Path(__file__).resolve().parent.parent
# Tests live in one folder per package concern (tests/render/ for handbook/render/, ...) and
# some share helpers by module name (`from test_live_build import page_text`): every test
# folder is importable, whichever file pytest collects first.
for _folder in sorted(Path(__file__).resolve().parent.iterdir()):
    if _folder.is_dir() and _folder.name.isidentifier() and any(_folder.glob("test_*.py")):
        sys.path.insert(0, str(_folder))


def _clean_env() -> dict[str, str]:
    """The environment of a build with no credentials: live mode can never switch on."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LOOKERSDK_", "GOOGLE_", "HANDBOOK_"))
    }
    env["HANDBOOK_OFFLINE"] = "1"
    return env


def _generated_here() -> tuple[set[Path], list[str]]:
    """Files `handbook generate` wrote in this checkout, and the folders it made (its record
    lists both): left out of a copy, so that it looks like a fresh clone whether or not
    someone ran `handbook generate` here."""
    import json

    try:
        record = json.loads(Project(REPO).generate_record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set(), []
    files = {(REPO / name).resolve() for name in record.get("files", {})}
    return files, sorted(record.get("folders", []), key=len, reverse=True)


def copy_handbook(root: Path) -> Project:
    """A copy of the repository's handbook (config, pages, catalog, hooks, theme overrides)."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    generated, folders = _generated_here()
    patterns = shutil.ignore_patterns("__pycache__", "*.attempt.json", ".*.tmp")

    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = set(patterns(folder, names))
        return skip | {n for n in names if (Path(folder) / n).resolve() in generated}

    for name in ("docs", "catalog", "hooks", "overrides"):
        shutil.copytree(REPO / name, root / name, ignore=ignore)
    for folder in folders:  # deepest first; only the ones left empty
        with contextlib.suppress(OSError):
            (root / folder).rmdir()
    return Project(root)


def commit_all(root: Path, when: int = 1_763_800_000) -> None:
    """Make `root` a git repository with everything in it committed at `when` (Unix time),
    as a handbook in a real repository is: hand pages get their "last updated" date."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.com",
        "GIT_AUTHOR_DATE": f"@{when} +0000",
        "GIT_COMMITTER_DATE": f"@{when} +0000",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "handbook"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@contextmanager
def serve_directory(
    directory: Path, handler: type[SimpleHTTPRequestHandler] = SimpleHTTPRequestHandler
) -> Iterator[str]:
    """`directory` on http://127.0.0.1:<free port>/ for the duration of the block."""
    bound = functools.partial(handler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), bound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def handbook_copy(tmp_path: Path) -> Project:
    return copy_handbook(tmp_path / "handbook")


def run_build(
    project: Project, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` in `project`, as a user runs it; returns the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site", *extra],
        cwd=project.root,
        env=env or _clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_cli(
    project: Project, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """The `handbook` console script, run in `project` as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "handbook", *args],
        cwd=project.root,
        env=env or _clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's handbook, committed to git, built once per test session (strict,
    offline)."""
    project = copy_handbook(tmp_path_factory.mktemp("site-build") / "handbook")
    commit_all(project.root)
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project.root / "site"
