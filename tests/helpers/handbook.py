"""The repository's handbook, copied where a test may break it, and the commands users run.

Tests never touch the repository's own catalog/ or docs/: `copy_handbook` copies them (with
mkdocs.yml and hooks/) into a temporary folder, so a test may break YAML, replace the
snapshot or add pages and see exactly what an analyst would. Every `mkdocs build`,
`handbook …` and `zensical build` a test runs is started here, as a user types it, in a
clean environment unless the test gives its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from handbook.project import Project

REPO = Path(__file__).resolve().parents[2]

Place = Project | Path  # a handbook, or any folder a command runs in


def clean_env(*, offline: bool = True) -> dict[str, str]:
    """This environment without credentials or handbook settings. `offline` (the default)
    sets HANDBOOK_OFFLINE=1, so live mode can never switch on; without it a test adds the
    settings of a fake Looker or BigQuery and the command pulls from it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LOOKERSDK_", "GOOGLE_", "HANDBOOK_"))
    }
    if offline:
        env["HANDBOOK_OFFLINE"] = "1"
    return env


def _generated_here() -> tuple[set[Path], list[str]]:
    """Files `handbook generate` wrote in this checkout, and the folders it made (its record
    lists both): left out of a copy, so that it looks like a fresh clone whether or not
    someone ran `handbook generate` here."""
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


def git_env(when: int) -> dict[str, str]:
    """The environment for a git commit by a fixed author at `when` (Unix time, UTC)."""
    return {
        **os.environ,
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.com",
        "GIT_AUTHOR_DATE": f"@{when} +0000",
        "GIT_COMMITTER_DATE": f"@{when} +0000",
    }


def commit_all(root: Path, when: int = 1_763_800_000) -> None:
    """Make `root` a git repository with everything in it committed at `when` (Unix time),
    as a handbook in a real repository is: hand pages get their "last updated" date."""
    env = git_env(when)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "handbook"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def folder_of(place: Place) -> Path:
    """The folder a command runs in: a handbook's root, or the folder itself."""
    return place.root if isinstance(place, Project) else place


def build_command(
    *extra: str,
    strict: bool = True,
    site_dir: str = "site",
    console_script: bool = False,
) -> list[str]:
    """`mkdocs build` as typed: `--strict` unless `strict` is false, into `site_dir`.
    `console_script` runs the installed `mkdocs` script rather than `python -m mkdocs`
    (banners check sys.argv[0])."""
    if console_script:
        found = shutil.which("mkdocs")
        assert found, "the mkdocs console script is installed with the package"
        program = [found]
    else:
        program = [sys.executable, "-m", "mkdocs"]
    options = ["--strict"] if strict else []
    return [*program, "build", *options, "--site-dir", site_dir, *extra]


def run_build(
    place: Place,
    *extra: str,
    env: dict[str, str] | None = None,
    strict: bool = True,
    site_dir: str = "site",
    console_script: bool = False,
    prefix: Sequence[str] = (),
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """`mkdocs build` in `place` (strict, into `site/`, unless told otherwise; see
    `build_command`), run under `prefix` (say, `unshare …`) when given; the finished process."""
    command = build_command(*extra, strict=strict, site_dir=site_dir, console_script=console_script)
    return _run([*prefix, *command], place, env, timeout)


def start_build(
    place: Place, *extra: str, env: dict[str, str] | None = None, **popen: Any
) -> subprocess.Popen:
    """`mkdocs build --strict --site-dir site` started in `place`, not waited for (a test
    that kills it); `popen` overrides the output pipes or adds, say, `start_new_session`."""
    return _start(build_command(*extra), place, env, popen)


def run_cli(
    place: Place, *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """The `handbook` console script, run in `place` as a user would."""
    return _run([sys.executable, "-m", "handbook", *args], place, env, timeout)


def start_cli(
    place: Place, *args: str, env: dict[str, str] | None = None, **popen: Any
) -> subprocess.Popen:
    """`handbook …` started in `place` and left running (a watcher, a pull held mid-way)."""
    return _start([sys.executable, "-m", "handbook", *args], place, env, popen)


def run_zensical(
    place: Place, *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """`zensical build` (with `args`, say `--strict`) in `place`."""
    return _run([sys.executable, "-m", "zensical", "build", *args], place, env, timeout)


def _run(
    command: list[str], place: Place, env: dict[str, str] | None, timeout: float
) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=folder_of(place),
        env=clean_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _start(
    command: list[str], place: Place, env: dict[str, str] | None, popen: dict[str, Any]
) -> subprocess.Popen:
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, **popen}
    return subprocess.Popen(
        command, cwd=folder_of(place), env=clean_env() if env is None else env, **options
    )
