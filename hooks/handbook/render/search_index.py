"""Material's search index, its `config` made right for this site once Material wrote it.

Two changes, both to the small `config` object at the head of `search/search_index.json`;
the entries stay byte for byte as Material wrote them:

- No `tags` field that no entry fills. Material lists three fields (`title`, `text` and
  `tags`), and the reader's browser builds a lunr index of every field for every entry
  before the first query can run, the empty ones included: each costs a field reference, a
  position table and a vector per entry. At 20,000 Looker items (one entry each) an unused
  `tags` field is about 9 % of that build's CPU time. An entry has tags only when its
  page's front matter lists `tags:`; when none has, the field goes, which changes no result.
- `handbook.items`: the pattern of the Looker items' entries, for the handbook's search
  worker (`render.search_worker`), which scores them without a lunr index. Material's own
  worker ignores keys it does not know.

Zensical writes its own index (`search.json`, no fields): nothing to do there.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import BinaryIO

INDEX_PATH = Path("search/search_index.json")  # below the site folder, where Material writes it
# Material writes the index compactly (`separators=(",", ":")`): an entry with tags holds this
# key, and since a quote inside a JSON string is always escaped, no title or text can. The
# index is megabytes at 20,000 items and this runs at the end of a build, when MkDocs still
# holds every page: it is streamed in chunks, never held whole (three copies of it were the
# build's peak memory).
ENTRY_TAGS = b'"tags":['
CONFIG_START = b'{"config":'
DOCS_START = b',"docs":['  # the first one ends `config` (quotes in its strings are escaped too)
CHUNK = 1 << 20  # bytes read at a time; `config` is a few hundred bytes, in the first chunk
ITEMS_KEY = "handbook"  # {"items": pattern} in the index's config, read by our search worker


def new_config(config_json: bytes, *, drop_tags: bool, items: str | None) -> bytes | None:
    """Material's `config` object, as Material writes JSON, without its `tags` field (when
    `drop_tags`) and naming the items' pattern (when given); None when neither changes it
    or it is not in the shape Material writes."""
    try:
        config = json.loads(config_json)
    except ValueError:
        return None
    fields = config.get("fields") if isinstance(config, dict) else None
    if not isinstance(fields, dict):
        return None
    changed = False
    if drop_tags and "tags" in fields:
        del fields["tags"]
        changed = True
    if items is not None and config.get(ITEMS_KEY) != {"items": items}:
        config[ITEMS_KEY] = {"items": items}
        changed = True
    return json.dumps(config, separators=(",", ":")).encode("utf-8") if changed else None


def _has_entry_tags(first: bytes, fh: BinaryIO) -> bool:
    """Whether any entry has tags: in `first` (what was read already), then in the rest of
    `fh`, chunk by chunk (a key may straddle two chunks)."""
    carry, chunk = b"", first
    while chunk:
        if ENTRY_TAGS in carry + chunk[: len(ENTRY_TAGS)] or ENTRY_TAGS in chunk:
            return True
        carry, chunk = chunk[-len(ENTRY_TAGS) :], fh.read(CHUNK)
    return False


def rewrite_config(site_dir: Path, items: str | None = None) -> bool:
    """Rewrite the built site's search index with its `config` changed as this module says
    (`items`: the pattern of the items' entries, or None for no worker of ours); True if it
    did. A site without Material's index (another theme, search off) is left alone; the new
    index replaces the old in one step."""
    path = site_dir / INDEX_PATH
    try:
        fh = path.open("rb")
    except (FileNotFoundError, NotADirectoryError):
        return False
    with fh:
        first = fh.read(CHUNK)
        head, found, _ = first.partition(DOCS_START)
        if not found or not head.startswith(CONFIG_START):
            return False
        config = head[len(CONFIG_START) :]
        drop_tags = b'"tags"' in config and not _has_entry_tags(first, fh)
        lean = new_config(config, drop_tags=drop_tags, items=items)
        if lean is None:
            return False
        fh.seek(len(head) + len(DOCS_START))
        staged = path.with_name(path.name + ".lean")
        with staged.open("wb") as out:
            out.write(b"".join((CONFIG_START, lean, DOCS_START)))
            shutil.copyfileobj(fh, out, CHUNK)
    os.replace(staged, path)
    return True
