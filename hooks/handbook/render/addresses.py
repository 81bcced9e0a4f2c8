"""Where each generated page is, relative to the generated pages' folder below docs/: the one
place a page's address, and an anchor on it, is spelled.

As Material's blog plugin formats each kind of page path in one function
(`_format_path_for_post`, `_format_path_for_archive`, …), every generated page here has one
constant or one function, and every module that writes a page, links to it, exports its
address or checks it against a hand page asks this module: the page modules, `[[…]]`
references, `catalog.json`, `handbook validate`, `handbook generate` and the MkDocs plugin.

Parts made from untrusted text (a folder's name, an item's id) are slugs of `[a-z0-9-]`, so no
address or anchor needs escaping wherever it lands.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, get_args
from urllib.parse import quote

from handbook.snapshot.model import ItemKind

if TYPE_CHECKING:
    from handbook.catalog import Catalog
    from handbook.snapshot.model import LookerBoard, LookerExplore, LookerFolder, LookerItem

LOOKER_INDEX = "looker/index.md"
LOOKER_BOARDS = "looker/boards.md"
LOOKER_EXPLORES = "looker/explores.md"
LOOKER_UNUSED = "looker/unused.md"
LOOKER_BROKEN = "looker/broken.md"
LOOKER_CHANGES = "looker/changes.md"
LOOKER_FEED = "looker/changes.xml"  # the Atom feed of the changes page
CATALOG_EXPORT = "catalog.json"  # the whole catalog as data, at the site root, whatever the engine
METRICS_INDEX = "metrics/index.md"
FRESHNESS_BOARD = "data/freshness.md"
REPORTS_INDEX = "reports/index.md"
# The stylesheet and table script the package ships, published beside the pages.
CSS_PATH = "assets/handbook/handbook.css"
JS_PATH = "assets/handbook/filters.js"

FOLDERS_DIR = "looker/folders"  # one page per published Looker folder
UNFILED = "unfiled"  # the page of items whose folder is not published
UNUSED_DIR = "looker/unused"  # one page per owner of unused content, beside LOOKER_UNUSED
NO_OWNER = "no-owner"  # the page of unused items without an owner
_OWNER_TAG = 8  # hex digits of an owner's name digest in the address of their page
_SLUG_MAX = 60  # a folder name's share of its page's file name


def slug(value: object) -> str:
    """A stable, URL-safe slug of untrusted text: `[a-z0-9-]`, never empty."""
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "item"


def _short_slug(value: str) -> str:
    return slug(value)[:_SLUG_MAX].strip("-") or "item"


def metric_page(name: str) -> str:
    """A metric's page (metric names are identifiers, checked when the YAML is read)."""
    return f"metrics/{name}.md"


def folder_slug(folder: LookerFolder) -> str:
    return f"{_short_slug(folder.id)}-{_short_slug(folder.name)}"


def folder_page(folder: LookerFolder | None) -> str:
    """The page of a Looker folder; `None` means the page of items without one."""
    return f"{FOLDERS_DIR}/{folder_slug(folder) if folder else UNFILED}.md"


def unused_owner_pages(owners: Iterable[str]) -> dict[str, str]:
    """The page of each owner's unused content, e.g. `looker/unused/ann-lee-1f0c9a2e.md`.

    A slug of the name, which readers recognise in the address, then 8 hex digits of the
    exact name's SHA-256, so "Ann Lee" and "ann-lee" never share a page and a page keeps its
    address from pull to pull. Two names whose slugs and 8 digits both match (one pair in
    four billion) take all 64 digits instead. No owner (`""`) has `no-owner.md`, which no
    owner's page can be (theirs end in the digits): the same goes for `index.md`, which
    would be the summary's own address under directory URLs.
    """
    names = set(owners)
    short = {name: _owner_page(name, _OWNER_TAG) for name in names}
    taken: dict[str, int] = {}
    for page in short.values():
        taken[page] = taken.get(page, 0) + 1
    return {
        name: page if taken[page] == 1 else _owner_page(name, 64) for name, page in short.items()
    }


def _owner_page(name: str, digits: int) -> str:
    if not name:
        return f"{UNUSED_DIR}/{NO_OWNER}.md"
    tag = hashlib.sha256(name.encode("utf-8")).hexdigest()[:digits]
    return f"{UNUSED_DIR}/{_short_slug(name)}-{tag}.md"


def item_anchor(item: LookerItem) -> str:
    """The id of a look's or dashboard's heading on its folder page, e.g. `look-729`."""
    return f"{item.kind}-{_short_slug(item.id)}"


def item_entry(catalog: Catalog, item: LookerItem) -> str:
    """Where a published item's entry is: its folder's page and anchor, e.g.
    `looker/folders/120-company-metrics.md#look-729` (the unfiled page when its folder is
    not published)."""
    return f"{folder_page(catalog.folders.get(item.folder_id or ''))}#{item_anchor(item)}"


def item_entry_pattern(pages_dir: str, directory_urls: bool) -> str:
    """Where a published item's entry is in the built site's search index, as a regular
    expression that reads the same in Python and JavaScript: its folder page's URL (below
    the generated pages' folder, a folder per page or `.html`), `#`, then its anchor.

    Folder pages hold no other headings a search entry could start at, and their slugs
    are `[a-z0-9-]`, so the pattern names the items' entries and nothing else."""
    prefix = f"{pages_dir.strip('/')}/" if pages_dir.strip("/") else ""
    folder = quote(f"{prefix}{FOLDERS_DIR}/")  # as MkDocs writes a page's URL (`File.url`)
    page = "/" if directory_urls else r"\.html"
    kinds = "|".join(get_args(ItemKind))
    return f"^{_regex_literal(folder)}[a-z0-9-]+{page}#(?:{kinds})-"


def _regex_literal(text: str) -> str:
    """`text` matched literally, in Python's and JavaScript's regular expressions alike."""
    return re.sub(r"([\\^$.|?*+()\[\]{}/])", r"\\\1", text)


def board_anchor(board: LookerBoard) -> str:
    """The id of a board's heading on the boards page."""
    return f"board-{_short_slug(board.id)}"


def board_entry(board: LookerBoard) -> str:
    return f"{LOOKER_BOARDS}#{board_anchor(board)}"


def explore_anchor(explore: LookerExplore) -> str:
    """The id of an explore's heading on the explores page."""
    return f"explore-{_short_slug(explore.model)}-{_short_slug(explore.name)}"


def relative_to(page: str, target: str) -> str:
    """`target` (an address here, perhaps with `#anchor`) as a Markdown link from `page`."""
    path, mark, fragment = target.partition("#")
    return relative_path(path, posixpath.dirname(page) or ".") + mark + fragment


@lru_cache(maxsize=4096)
def relative_path(path: str, start: str) -> str:
    """`posixpath.relpath`, worked out once per pair: pages in a few folders link to the
    same few hundred folder and metric pages 20,000 times a build, and `relpath` makes both
    paths absolute against the working directory on every call."""
    return posixpath.relpath(path, start)
