"""When each hand-written page last changed, from one pass over the git history.

Pages show "last updated". Asking git once per page (what mkdocs-git-revision-date-localized
does, with `--follow`) costs a process and a walk of the history per page: seconds for a
thousand pages with a long history. One `git log --name-only` over `docs/` walks the history
once and gives every file's newest commit at the same time. Generated pages are not in git
and get no date from here.

Renames start a page's history afresh (no `--follow`): a moved page counts as changed when
it moved, which is also when its address changed.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path


def last_changed(root: Path, folder: str = "docs") -> dict[str, int]:
    """Newest author time (Unix seconds) of every file under `folder`, by path inside it.

    Empty when `root` is not a git work tree or git is missing: pages get no date then, as
    a page that was never committed gets none.
    """
    try:
        done = subprocess.run(
            ["git", "log", "-z", "--format=%x01%at", "--name-only", "--no-renames", "--", folder],
            cwd=root,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return {}
    prefix = folder.rstrip("/") + "/"
    dates: dict[str, int] = {}
    for commit in done.stdout.decode("utf-8", "surrogateescape").split("\x01")[1:]:
        stamp, *names = commit.split("\0")
        for name in names:
            path = name.lstrip("\n")
            if path.startswith(prefix):
                dates.setdefault(path.removeprefix(prefix), int(stamp))  # newest first
    return dates


def head_commit(root: Path) -> str | None:
    """The commit checked out in `root` (`git rev-parse HEAD`); None outside a git work
    tree, before the first commit, or without git."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root, capture_output=True
        )
    except OSError:
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("ascii", "replace").strip() or None


class PageDates:
    """`last_changed`, asked again only when the checked-out commit moved.

    A page's date is its last commit, so the dates change only with HEAD (a commit, a
    checkout, a reset, a pull). `mkdocs serve` loads the catalog on every save; one
    `git rev-parse` instead of a walk of the whole history keeps a save's preview quick in a
    repository with years of commits.
    """

    def __init__(self) -> None:
        self.dates: dict[str, int] = {}
        self._key: tuple[str, Path, str] | None = None

    def refresh(self, root: Path, folder: str = "docs") -> dict[str, int]:
        """The dates for `root`'s `folder`, from git again if HEAD moved since last time."""
        head = head_commit(root)
        key = None if head is None else (head, root, folder)
        if key is None or key != self._key:
            self.dates = last_changed(root, folder) if head is not None else {}
            self._key = key
        return self.dates


def date_html(stamp: int) -> str:
    """A last-updated date as Material shows it in `page.meta.git_revision_date_localized`.

    The markup and classes are those of mkdocs-git-revision-date-localized (type `date`,
    English), so the theme and any CSS written for that plugin keep working.
    """
    when = datetime.fromtimestamp(stamp, UTC)
    return (
        '<span class="git-revision-date-localized-plugin '
        f'git-revision-date-localized-plugin-date" title="{when:%Y-%m-%d %H:%M:%S} UTC">'
        f"{when:%B} {when.day}, {when.year}</span>"
    )
