"""Keep what `handbook generate` writes out of `git status`, without touching a user's file.

Each written file is listed, by exact path, in a `.gitignore` that generate itself creates and
owns: the one in the shallowest folder along the file's path (below docs/) that has no
`.gitignore` of the user's. That file lists itself too, so nothing of generate's shows up as
untracked; and since it names files rather than patterns (but for generate's own temporary
files), a page the user adds beside the generated ones still shows up (a `*` would silently
hide it from git). Where every folder
already has a `.gitignore` of the user's (say docs/data/ holds one), the paths go into the
repository's own exclude file (`git rev-parse --git-path info/exclude`, never committed), in a
block of generate's between two marker lines; the rest of that file is left byte for byte.
Neither MkDocs nor Zensical publishes a dotfile from docs/, so the `.gitignore` files stay off
the site.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from handbook.generate.files import TEMP_SUFFIX, create_file, replace_file

NAME = ".gitignore"
HEADER = (
    "# Written by `handbook generate`: the files it generated below this folder, and this\n"
    "# file. It is rewritten on each run; once you edit it, it is yours and left alone.\n"
)
BEGIN = "# >>> handbook generate: files it wrote (this block is rewritten on each run)"
END = "# <<< handbook generate"
_SPECIAL = re.compile(r"([\\*?\[\]!#])")
# What a run killed between writing a file and renaming it leaves (handbook.generate.files):
# the one pattern in generate's ignore files, matching only names of that shape.
TEMPORARY = f".*{TEMP_SUFFIX}"


def pattern(path: str) -> str:
    """A gitignore line matching exactly `path` (POSIX, relative to the ignore file's folder).

    File names come from untrusted text (Looker folder names, metric names): glob and
    comment characters are escaped, and trailing spaces kept.
    """
    text = _SPECIAL.sub(r"\\\1", path)
    stripped = text.rstrip(" ")
    text = stripped + "\\ " * (len(text) - len(stripped))
    return "/" + text


def candidate_folders(base: Path, path: Path) -> list[Path]:
    """Where an ignore file for `path` may go: the folders from just below `base` down to the
    file's own, shallowest first (`base` itself only for a file directly inside it)."""
    parts = path.relative_to(base).parts[:-1]
    if not parts:
        return [base]
    return [base.joinpath(*parts[: i + 1]) for i in range(len(parts))]


@dataclass
class IgnorePlan:
    files: dict[Path, str] = field(default_factory=dict)  # .gitignore → its text
    unplaced: list[Path] = field(default_factory=list)  # for git's info/exclude


def plan_ignores(
    targets: Iterable[tuple[Path, list[Path]]], usable: Callable[[Path], bool]
) -> IgnorePlan:
    """Place each (file, candidate folders) in the first folder whose `.gitignore` is
    `usable` (absent, or generate's own); see the module docstring."""
    listed: dict[Path, list[str]] = {}
    plan = IgnorePlan()
    for path, folders in targets:
        folder = next((f for f in folders if usable(f / NAME)), None)
        if folder is None:
            plan.unplaced.append(path)
            continue
        listed.setdefault(folder, []).append(path.relative_to(folder).as_posix())
    for folder, names in sorted(listed.items()):
        lines = [pattern(NAME), TEMPORARY, *sorted(pattern(n) for n in names)]
        plan.files[folder / NAME] = HEADER + "\n".join(lines) + "\n"
    return plan


def ignore_whole_folder(folder: Path) -> None:
    """Make `folder` (a cache of ours, like `.cache/handbook/`) invisible to git: a `.gitignore`
    with `*` in it, written once and only if there is none, as Zensical does for `.cache/`."""
    path = folder / NAME
    if not os.path.lexists(path):
        folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another build got there first
            create_file(path, b"# A cache of the handbook package: nothing here to commit.\n*\n")


def _git(cwd: Path, *args: str) -> list[str] | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.splitlines() if done.returncode == 0 else None


def exclude_block(text: str, lines: list[str]) -> str:
    """`text` (an exclude file) with generate's block replaced by `lines` (dropped if none)."""
    kept, inside = [], False
    for line in text.splitlines(keepends=True):
        marker = line.rstrip("\r\n")
        if marker == BEGIN:
            inside = True
        elif marker == END and inside:
            inside = False
        elif not inside:
            kept.append(line)
    out = "".join(kept)
    if lines:
        if out and not out.endswith("\n"):
            out += "\n"
        out += "\n".join([BEGIN, *lines, END]) + "\n"
    return out


def update_git_exclude(cwd: Path, paths: list[Path], before: list[str]) -> list[str]:
    """List `paths` in git's info/exclude for the repository holding `cwd`; returns the lines
    now in generate's block. Nothing is run or written when there is nothing to list and
    nothing was listed `before`; outside a git repository nothing is needed."""
    if not paths and not before:
        return []
    found = _git(cwd, "rev-parse", "--show-toplevel", "--git-path", "info/exclude")
    if not found or len(found) != 2:
        return []
    top, exclude = Path(found[0]), cwd / found[1]
    lines = sorted(
        pattern(Path(os.path.relpath(p, top)).as_posix())
        for p in paths
        if Path(os.path.abspath(p)).is_relative_to(top)
    )
    try:
        text = exclude.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    new = exclude_block(text, lines)
    if new != text:
        exclude.parent.mkdir(parents=True, exist_ok=True)
        replace_file(exclude, new.encode("utf-8"))
    return lines
