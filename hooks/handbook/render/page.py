"""A generated page, rendered (`Page`) or not yet (`PageSpec`): plain data both engines share.

Page modules (`render.pages.*`) describe their pages as `PageSpec`s; `render.cache` renders
only those whose key changed; the MkDocs plugin serves the `Page`s and `handbook generate`
writes them to files. Kept apart from all three so none of them imports another for its types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """A generated page (a `.md` path), or another generated file the site publishes as it
    is (the Atom feed, `looker/changes.xml`): engines copy a file that is not Markdown."""

    path: str  # relative to docs/, POSIX, e.g. "looker/index.md" (see `render.addresses`)
    content: str
    edit_path: str | None = None  # the file an editor should change, relative to the repo


@dataclass(frozen=True)
class PageSpec:
    """A generated page before rendering: where it goes, what it shows, how to render it."""

    path: str
    key: Callable[[], str]  # called only by the cache: a plain build does not pay for keys
    render: Callable[[], Page]
