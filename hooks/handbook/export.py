"""`catalog.json`: the published catalog as data, for tools that are not a web browser.

Other teams' scripts, a Slack bot or a notebook can read metric definitions, source
freshness and the published Looker content (folders, looks, dashboards, boards) from one URL
instead of scraping pages. It is built from the same `Catalog` the pages are, after the
publishing policy, so it can never list content the site itself holds back: excluded and
deleted Looker items and boards are not in it.
Each item carries the content validator's errors (`content_errors`: message, model,
explore, field, and where: tile, filter or schedule) and whether its owner's account is
deactivated (`owner_disabled`); `looker.content_validation` says how current the errors are
and counts broken content that is not published, without naming it.
Freshness statuses are as of the build: a `pass` whose check is older than the table's
`warn_after` (else `error_after`) is `not checked since`, with `last_result` and `as_of` (the
check's time) beside it, on each source and table.
Times are ISO 8601 in UTC; every section says when its data was pulled or checked. Page
addresses (`page`) are relative to the site root, in the site's URL style. The README's
"catalog.json" section documents every field; `EXPORT_VERSION` changes when one is removed or
changes meaning (version 2: items name their folder by `folder_id`, folders are listed once
under `looker.folders`, and an item's Looker URL is not repeated: `base_url` + `/looks/ID` or
`/dashboards/ID`).

The file is compact JSON (no indentation) and written as it is made, one item at a time: at
60,000 Looker items neither the whole text nor a dict of every item sits in memory. A
process that writes it again and again (`mkdocs serve`) writes it through one `ExportFile`,
which copies the Looker part (nearly all of the file) from the file it wrote last when the
catalog publishes the same Looker content, instead of encoding 20,000 items again.
"""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from handbook.catalog import Catalog
from handbook.dbt.sources import DbtSource
from handbook.render.addresses import (
    LOOKER_BOARDS,
    board_anchor,
    folder_page,
    metric_page,
)
from handbook.render.site_urls import page_url

EXPORT_VERSION = 2
_COMPACT = {"separators": (",", ":"), "ensure_ascii": False}
_BLOCK = 1024 * 1024  # bytes copied at a time


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def _page(catalog: Catalog, page: str, pages_dir: str) -> str:
    """Where a generated page is served, relative to the site root, in the site's URL style."""
    return page_url(posixpath.join(pages_dir, page), catalog.project.directory_urls)


def _metrics(catalog: Catalog, pages_dir: str) -> list[dict[str, Any]]:
    out = []
    for metric in catalog.metrics:
        data = metric.model_dump(mode="json")
        data["page"] = _page(catalog, metric_page(metric.name), pages_dir)
        out.append(data)
    return out


def _sources(catalog: Catalog) -> list[dict[str, Any]]:
    """Each source with its status; `defined_in` says whether dbt's manifest or
    catalog/sources/ defines it, `checked_by` who judged it (BigQuery or dbt)."""
    out = []
    for state in catalog.source_statuses.values():
        source = state.source
        data = source.model_dump(mode="json")
        data["defined_in"] = "dbt" if isinstance(source, DbtSource) else "catalog"
        data["status"] = state.status
        # An outdated status ("not checked since", or a warn or error as of an old check):
        # what the check said, and when it ran; both null while the check still stands.
        data["last_result"] = state.last_result
        data["as_of"] = _time(state.as_of)
        data["checked_by"] = state.checked_by
        data["tables"] = [
            {
                **table.table.model_dump(mode="json"),
                "status": table.status,
                "last_result": table.last_result,
                "loaded_at": _time(table.loaded_at),
                "age_seconds": int(table.age.total_seconds()) if table.age is not None else None,
                "checked_at": _time(table.checked_at),
                "reason": table.reason,
            }
            for table in state.tables
        ]
        out.append(data)
    return out


def _freshness(catalog: Catalog) -> dict[str, Any]:
    results = catalog.dbt.results if catalog.dbt else None
    return {
        "checked_at": _time(catalog.freshness.checked_at if catalog.freshness else None),
        # When `dbt source freshness` ran, for sources whose statuses are dbt's own.
        "dbt_checked_at": _time(results.checked_at) if results else None,
    }


def _folders(catalog: Catalog, pages_dir: str) -> Iterator[dict[str, Any]]:
    """Published folders, each once; items point at them by `folder_id`."""
    for folder in catalog.looker.folders if catalog.looker else []:
        yield {
            "id": folder.id,
            "name": folder.name,
            "parent_id": folder.parent_id,
            "page": _page(catalog, folder_page(folder), pages_dir),
        }


def _items(catalog: Catalog) -> Iterator[dict[str, Any]]:
    # `catalog.items` is the published view: the policy already removed excluded and
    # deleted content, so nothing here can leak it.
    for (kind, item_id), item in sorted(catalog.items.items()):
        yield {
            "kind": kind,
            "id": item_id,
            "title": item.title,
            "description": item.description,
            "folder_id": item.folder_id,
            "owner": item.owner,
            "owner_disabled": item.owner_disabled,
            "views": item.view_count,
            "views_90_days": item.recent_views,
            "favorites": item.favorite_count,
            "updated_at": _time(item.updated_at),
            "last_viewed_at": _time(item.last_viewed_at),
            "lookml_fields": [
                f"{item.model}.{item.explore}.{name}"
                for name in item.fields
                if item.model and item.explore
            ],
            "content_errors": [
                e.model_dump(mode="json") for e in catalog.validation_errors(kind, item_id)
            ],
        }


def _validation(catalog: Catalog) -> dict[str, Any] | None:
    """How current the content errors on the items are; None before the first validation."""
    validation = catalog.validation
    if validation is None:
        return None
    return {
        "state": validation.state,
        "validated_at": _time(validation.validated_at),
        "reason": validation.reason,
        "note": catalog.validation_note,
        "broken_items": len(validation.items),
        "broken_unpublished": catalog.hidden_broken,
    }


def _boards(catalog: Catalog, pages_dir: str) -> Iterator[dict[str, Any]]:
    """Published boards with their sections, each section's looks and dashboards by id.

    `catalog.boards` is the published view too: boards excluded by `exclude_boards` or in
    Looker's trash are not in it, and each section keeps only published looks and
    dashboards (an excluded one is dropped without a trace, as on the boards page).
    """
    boards_page = _page(catalog, LOOKER_BOARDS, pages_dir)
    return (
        {
            "id": board.id,
            "title": board.title,
            "description": board.description,
            "url": catalog.board_url(board),
            "page": f"{boards_page}#{board_anchor(board)}",
            "sections": [
                {
                    "title": section.title,
                    "description": section.description,
                    "items": [{"kind": i.kind, "id": i.id} for i in section.items],
                }
                for section in board.sections
            ],
        }
        for _, board in sorted(catalog.boards.items(), key=lambda kv: (len(kv[0]), kv[0]))
    )


def _layout(catalog: Catalog, pages_dir: str) -> dict[str, Any]:
    """The whole document; the long lists are generators, encoded as they are consumed."""
    return {
        "version": EXPORT_VERSION,
        "generated_at": _time(catalog.built_at),
        "looker": {
            "base_url": catalog.base_url,
            "pulled_at": _time(catalog.looker_pulled_at),
            "folders": _folders(catalog, pages_dir),
            "content_validation": _validation(catalog),
            "items": _items(catalog),
            "boards": _boards(catalog, pages_dir),
        },
        "freshness": _freshness(catalog),
        "metrics": _metrics(catalog, pages_dir),
        "sources": _sources(catalog),
        "notices": [
            {"source": n.source, "level": n.level, "message": n.message} for n in catalog.notices
        ],
    }


def _encode(value: Any) -> Iterator[str]:
    """Compact JSON text of `value` in pieces: one per key of the top objects, one per
    element of a generator, so a long list is never held whole."""
    if isinstance(value, dict):
        yield "{"
        for n, (key, inner) in enumerate(value.items()):
            yield ("," if n else "") + json.dumps(key) + ":"
            yield from _encode(inner)
        yield "}"
    elif isinstance(value, Iterator):
        yield "["
        for n, element in enumerate(value):
            yield ("," if n else "") + json.dumps(element, **_COMPACT)
        yield "]"
    else:
        yield json.dumps(value, **_COMPACT)


def _sections(catalog: Catalog, pages_dir: str) -> Iterator[tuple[str, Iterable[str]]]:
    """`catalog.json`'s text as (top-level key, its value's text in pieces), with "" for the
    braces and keys in between; a value is encoded only as its pieces are consumed."""
    yield "", ["{"]
    for n, (key, value) in enumerate(_layout(catalog, pages_dir).items()):
        yield "", [("," if n else "") + json.dumps(key) + ":"]
        yield key, _encode(value)
    yield "", ["}\n"]


def chunks(catalog: Catalog, pages_dir: str = "") -> Iterable[str]:
    """`catalog.json`'s text in pieces, to write as they come; `pages_dir` is where the
    generated pages are below docs/."""
    for _, pieces in _sections(catalog, pages_dir):
        yield from pieces


def _stamp(info: os.stat_result) -> tuple[int, int, int]:
    return info.st_mtime_ns, info.st_size, info.st_ino


@dataclass(frozen=True)
class _Written:
    """A `catalog.json` an `ExportFile` wrote: from what, where, and where its Looker part is."""

    catalog: Catalog
    pages_dir: str
    path: Path
    stamp: tuple[int, int, int]  # modification time, size and inode, as written
    looker: tuple[int, int]  # the byte offsets of the "looker" value, end excluded


class ExportFile:
    """`catalog.json` for a process that writes it after every build (`mkdocs serve`).

    The file is written again only for a catalog other than the one it was last written
    from (a save of a hand page keeps it), and then its Looker part (folders, items,
    boards: nearly all of its 10 MB at 20,000 items) is copied byte for byte from the file
    written last when both catalogs publish the same Looker content (`Catalog.same_looker`)
    and that file is still the one written (same time, size and inode). Everything else
    (metrics, sources, notices, `generated_at`) is encoded from the new catalog, so the file
    always says what the pages say. It replaces the old file in one step, whole or not at all.
    """

    def __init__(self) -> None:
        self.last: _Written | None = None

    def write(self, catalog: Catalog, path: Path, pages_dir: str = "") -> bool:
        """Write `catalog.json` at `path` unless it is current; True if it was written."""
        with self._previous(path, pages_dir) as previous:
            last = self.last
            if previous is not None and last is not None and last.catalog is catalog:
                return False
            if previous is not None and last is not None and catalog.same_looker(last.catalog):
                kept = (previous, last.looker)
            else:
                kept = None
            # Beside it, so the rename is atomic; opened as `open` creates files (the umask's
            # permissions), since the site is published as it is.
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            try:
                with tmp.open("wb") as out:
                    looker = _write(catalog, pages_dir, out, kept)
                os.replace(tmp, path)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        self.last = _Written(catalog, pages_dir, path, _stamp(path.stat()), looker)
        return True

    @contextmanager
    def _previous(self, path: Path, pages_dir: str) -> Iterator[IO[bytes] | None]:
        """The file this object wrote last, open, if it is still at `path` as written (and
        for the same `pages_dir`); else None."""
        last = self.last
        try:
            old = path.open("rb")
        except OSError:
            yield None
            return
        with old:
            same = last is not None and last.path == path and last.pages_dir == pages_dir
            yield old if same and _stamp(os.fstat(old.fileno())) == last.stamp else None


def _write(
    catalog: Catalog,
    pages_dir: str,
    out: IO[bytes],
    kept: tuple[IO[bytes], tuple[int, int]] | None,
) -> tuple[int, int]:
    """Every section encoded into `out`, but the Looker part copied from the open file
    `kept` (at its byte offsets) when given; the byte offsets of the Looker part written."""
    looker = (0, 0)
    for key, pieces in _sections(catalog, pages_dir):
        start = out.tell()
        if key == "looker" and kept is not None:
            _copy(*kept, out)
        else:
            for piece in pieces:
                out.write(piece.encode("utf-8"))
        if key == "looker":
            looker = (start, out.tell())
    return looker


def _copy(source: IO[bytes], span: tuple[int, int], target: IO[bytes]) -> None:
    """The bytes of `source` in `span` appended to `target`, a block at a time."""
    source.seek(span[0])
    size = span[1] - span[0]
    while size > 0:
        block = source.read(min(size, _BLOCK))
        if not block:  # cut short by another program: refuse rather than write half
            raise OSError(f"{source.name} was cut short while catalog.json was written")
        target.write(block)
        size -= len(block)


def export(catalog: Catalog, pages_dir: str = "") -> dict[str, Any]:
    """The exported catalog as plain data (what `catalog.json` parses to)."""
    return json.loads("".join(chunks(catalog, pages_dir)))
