"""Which lines of which files were added since a git revision (`check-links --changed-since`).

A pull request's check should speak only about what the pull request wrote: a link on a
line it did not touch is not its author's to fix. `git diff -U0 BASE` (BASE against the
work tree, which in CI is the pull request's merge commit) lists every added line with no
context; a file git does not track yet counts as added whole. Paths are relative to the
handbook folder (`--relative`), as `check-links` shows them.
"""

from __future__ import annotations

import codecs
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class ChangedLinesError(Exception):
    """git could not compare the work tree with the revision (a usage error: exit 2)."""


@dataclass
class ChangedLines:
    """Added line numbers by file, and files that are new as a whole (untracked)."""

    lines: dict[str, set[int]] = field(default_factory=dict)
    whole: set[str] = field(default_factory=set)

    def __contains__(self, place: tuple[str, int]) -> bool:
        file, line = place
        return file in self.whole or line in self.lines.get(file, ())


def _git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args], cwd=root, capture_output=True
        )
    except OSError as exc:
        raise ChangedLinesError(f"git could not run: {exc.strerror or exc}") from None
    if done.returncode != 0:
        text = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ChangedLinesError(text[0] if text else f"git exited with {done.returncode}")
    return done.stdout


def _path(header: str) -> str | None:
    """The new file's path from a `+++ b/…` header (git C-quotes unusual names)."""
    name = header[4:].rstrip("\t")
    if name == "/dev/null":
        return None
    if name.startswith('"') and name.endswith('"'):
        raw = codecs.escape_decode(name[1:-1].encode("utf-8"))[0]
        name = raw.decode("utf-8", "surrogateescape")  # type: ignore[union-attr]
    return name.removeprefix("b/")


def parse_diff(text: str) -> dict[str, set[int]]:
    """Added line numbers per file from `git diff -U0` output."""
    added: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in text.splitlines():
        if line.startswith("+++ "):
            path = _path(line)
            current = None if path is None else added.setdefault(path, set())
        elif current is not None and (hunk := _HUNK.match(line)):
            start, count = int(hunk[1]), int(hunk[2] or "1")
            current.update(range(start, start + count))
    return added


def changed_since(root: Path, base: str) -> ChangedLines:
    """Lines added in the work tree under `root` since revision `base`."""
    if base.startswith("-"):
        raise ChangedLinesError("a revision cannot start with '-'")
    diff = _git(
        root,
        "diff",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--relative",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        base,
        "--",
    )
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard")
    whole = {name for name in untracked.decode("utf-8", "surrogateescape").split("\0") if name}
    return ChangedLines(parse_diff(diff.decode("utf-8", "surrogateescape")), whole)
