"""Generated pages kept between builds, keyed by what they show.

Under `mkdocs serve` every save rebuilds the site. Re-rendering 1,000 catalog pages because
an analyst fixed a typo on a hand page is what made the edit loop take a minute. So each page
module describes a page as a `PageSpec`: its path, a `key` (a digest of every input the page
shows: the metric, the Looker items in a folder, the notice text…) and a `render` function.
`RenderCache.render` calls `render` only for pages whose key changed, and records which
pages' Markdown actually changed, so an engine adapter can rewrite and re-render just those.

The key must cover everything the template reads; `digest` makes that cheap to say. A key
that misses an input shows a stale page, so page modules build keys from the same values
they pass to the template, never from a summary of them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic_core import to_jsonable_python

from handbook.render.page import Page, PageSpec

T = TypeVar("T")


def _plain(value: Any) -> Any:
    """JSON for what `json.dumps` does not know: models, dataclasses (a `LookerItem`),
    times, sets (sorted, so the key does not depend on their order); else the text."""
    if isinstance(value, set | frozenset):
        return sorted(map(str, value))
    return to_jsonable_python(value, fallback=str)


@cache
def templates_version() -> str:
    """A digest of every template, so editing one invalidates what it rendered."""
    folder = resources.files("handbook.render") / "templates"
    hasher = hashlib.sha256()
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".j2"):
            hasher.update(entry.name.encode())
            hasher.update(entry.read_bytes())
    return hasher.hexdigest()


def digest(*parts: Any) -> str:
    """A stable key for `parts` (models, lists, dicts, strings, times) and the templates."""
    text = json.dumps([templates_version(), *parts], default=_plain, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def once(compute: Callable[[], T]) -> Callable[[], T]:
    """`compute`, run at most once: a value both a page's key and its render need (or
    several pages' keys), worked out only when one of them first asks."""
    done: list[T] = []

    def get() -> T:
        if not done:
            done.append(compute())
        return done[0]

    return get


@dataclass(frozen=True)
class RenderReport:
    """What the last `RenderCache.render` did."""

    rendered: list[str] = field(default_factory=list)  # render() was called
    changed: list[str] = field(default_factory=list)  # new, or Markdown differs from before
    removed: list[str] = field(default_factory=list)  # no longer generated


class RenderCache:
    """Generated pages by path, with the key they were rendered from. One per process."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, Page]] = {}
        self.last = RenderReport()

    def render(self, specs: Iterable[PageSpec]) -> list[Page]:
        """Every page of this build; only those whose key changed are rendered again."""
        pages: list[Page] = []
        report = RenderReport()
        seen: set[str] = set()
        for spec in specs:
            seen.add(spec.path)
            cached = self._entries.get(spec.path)
            key = spec.key()
            if cached is not None and cached[0] == key:
                pages.append(cached[1])
                continue
            page = spec.render()
            report.rendered.append(spec.path)
            if cached is None or cached[1] != page:
                report.changed.append(spec.path)
            self._entries[spec.path] = (key, page)
            pages.append(page)
        for path in [p for p in self._entries if p not in seen]:
            del self._entries[path]
            report.removed.append(path)
        self.last = report
        return pages


# What `write_changed` last wrote (or found) at each path: the text (the very string) and
# the file's modification time, size and inode then.
Written = dict[str, tuple[str, tuple[int, int, int]]]


def write_changed(
    pages: Iterable[Page], directory: Path, written: Written | None = None
) -> set[str]:
    """Make `directory` hold exactly `pages`; rewrite only files whose text differs.

    Unchanged files keep their modification time, which is what incremental builds go by
    (`mkdocs serve --dirty` rebuilds a page when its source is newer than its HTML; Zensical
    keeps its own cache). Returns the paths written or deleted, relative to `directory`.

    A process that writes the same folder again and again (`mkdocs serve`) passes the same
    `written` each time: a page whose text is the very string this wrote or found last time,
    at a file with the same modification time, size and inode, is not read again (41 MB of
    generated pages at 20,000 Looker items, on every metric save). Without `written` (one
    build per process) nothing is kept: a page's text is dropped once it is written, so the
    generated Markdown (about 100 MB at 60,000 items) is never in memory all at once.
    """
    known: Written = written if written is not None else {}
    keep = written is not None
    touched: set[str] = set()
    wanted: set[Path] = set()
    for page in pages:
        target = directory / page.path
        wanted.add(target)
        last = known.get(page.path)
        if last is not None and last[0] is page.content and _stamp(target) == last[1]:
            continue
        try:
            current = target.read_text(encoding="utf-8") == page.content
        except OSError:  # not there yet
            target.parent.mkdir(parents=True, exist_ok=True)
            current = False
        if not current:
            target.write_text(page.content, encoding="utf-8")
            touched.add(page.path)
        if keep:
            info = target.stat()
            known[page.path] = (page.content, (info.st_mtime_ns, info.st_size, info.st_ino))
    # Every file here is a generated page or file (the feed), so any other one is stale.
    for stale in [p for p in directory.rglob("*") if p.is_file() and p not in wanted]:
        stale.unlink()
        path = stale.relative_to(directory).as_posix()
        touched.add(path)
        known.pop(path, None)
    return touched


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino
