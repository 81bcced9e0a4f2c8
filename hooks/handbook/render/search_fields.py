"""Material's search index without a `tags` field no entry fills.

Material's `search` plugin lists three fields in `search/search_index.json` (`title`,
`text` and `tags`), and the reader's browser builds a lunr index of every field for every
entry before the first query can run, the empty ones included: each costs a field
reference, a position table and a vector per entry. At 20,000 Looker items (one entry each)
the `tags` field of a site without tags is about 9 % of that build's CPU time (Material's
worker run on the index with and without it). An entry has tags only when its page's front
matter lists `tags:`; when none has, the field goes from the index's `config`, which changes
no search result. Zensical writes its own index (`search.json`, no fields): nothing to do
there.
"""

from __future__ import annotations

import json
from pathlib import Path

INDEX_PATH = Path("search/search_index.json")  # below the site folder, where Material writes it
# Material writes the index compactly (`separators=(",", ":")`): an entry with tags holds this
# key, and since a quote inside a JSON string is always escaped, no title or text can. The
# index is handled as UTF-8 bytes: at 20,000 items it is megabytes, rewritten on every
# `serve` rebuild, and nothing here needs it decoded.
ENTRY_TAGS = b'"tags":['
CONFIG_START = b'{"config":'
DOCS_START = b',"docs":['  # the first one ends `config` (quotes in its strings are escaped too)


def without_empty_tags(index: bytes) -> bytes | None:
    """The index with `tags` taken out of its fields, or None when it stays: an entry has
    tags, the index lists no such field, or it is not in the shape Material writes."""
    if ENTRY_TAGS in index:
        return None
    head, found, rest = index.partition(DOCS_START)
    if not found or not head.startswith(CONFIG_START):
        return None
    try:
        config = json.loads(head[len(CONFIG_START) :])
    except ValueError:
        return None
    fields = config.get("fields") if isinstance(config, dict) else None
    if not isinstance(fields, dict) or "tags" not in fields:
        return None
    del fields["tags"]
    lean = json.dumps(config, separators=(",", ":")).encode("utf-8")  # as Material writes it
    return b"".join((CONFIG_START, lean, found, rest))


def drop_empty_tags_field(site_dir: Path) -> bool:
    """Rewrite the built site's search index without an unused `tags` field; True if it
    did. A site without Material's index (another theme, search off) is left alone."""
    path = site_dir / INDEX_PATH
    try:
        index = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return False
    lean = without_empty_tags(index)
    if lean is None:
        return False
    path.write_bytes(lean)
    return True
