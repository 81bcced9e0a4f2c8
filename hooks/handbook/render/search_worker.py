"""The handbook's search worker in place of Material's, published beside it.

Material for MkDocs runs its search in a web worker whose address each page names in its
`__config` (`"search": ".../assets/javascripts/workers/search.<hash>.min.js"`), and documents
that a site may name its own. Ours (`assets/search-worker.js`) loads Material's, hands it
every entry but the Looker items, and scores the items itself by lunr's and Material's rules,
so results and their order are Material's while the reader's browser builds no lunr index of
20,000 items before the first result (see the script's header).

It is published in Material's worker folder, so the relative paths Material's worker uses
(its language files in `../lunr/`) still hold, and each page's `__config` names it with
Material's file as a parameter. The search index's `config` says which entries are items
(`render.search_index`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from importlib.resources import files

WORKER_NAME = "handbook-search.js"
# Material's worker among the theme's files: `assets/javascripts/workers/search.<hash>.min.js`.
_MATERIAL_WORKER = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")
# Its address in a page's `__config` (JSON written by Material's template, one line).
_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
_SEARCH = re.compile(r'("search":\s*"[^"]*?)(search\.[0-9a-f]+\.min\.js)"')


def worker_script() -> str:
    """The worker's JavaScript, as the package ships it."""
    return files("handbook.render").joinpath("assets/search-worker.js").read_text("utf-8")


def material_worker(paths: Iterable[str]) -> str | None:
    """The site path of Material's search worker among the site's files, or None (another
    theme, or a Material without one)."""
    return next((path for path in paths if _MATERIAL_WORKER.fullmatch(path)), None)


def worker_path(material: str) -> str:
    """Where ours is published: beside Material's."""
    return posixpath.join(posixpath.dirname(material), WORKER_NAME)


def use_worker(html: str) -> str:
    """A built page whose `__config` names our worker, with Material's as its parameter; a
    page without Material's `__config` is returned as it is."""
    config = _CONFIG.search(html)
    if config is None:
        return html
    named = _SEARCH.sub(rf'\g<1>{WORKER_NAME}?material=\g<2>"', config.group(2), count=1)
    if named == config.group(2):
        return html
    return html[: config.start(2)] + named + html[config.end(2) :]
