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
60,000 Looker items neither the whole text nor a dict of every item sits in memory.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

from handbook.catalog import Catalog
from handbook.dbt.sources import DbtSource
from handbook.render.addresses import (
    CATALOG_EXPORT,
    LOOKER_BOARDS,
    board_anchor,
    folder_page,
    metric_page,
)
from handbook.render.site_urls import page_url

EXPORT_VERSION = 2
EXPORT_PATH = CATALOG_EXPORT
_COMPACT = {"separators": (",", ":"), "ensure_ascii": False}


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


def _boards(catalog: Catalog, pages_dir: str) -> list[dict[str, Any]]:
    """Published boards with their sections, each section's looks and dashboards by id.

    `catalog.boards` is the published view too: boards excluded by `exclude_boards` or in
    Looker's trash are not in it, and each section keeps only published looks and
    dashboards (an excluded one is dropped without a trace, as on the boards page).
    """
    boards_page = _page(catalog, LOOKER_BOARDS, pages_dir)
    return [
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
    ]


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


def chunks(catalog: Catalog, pages_dir: str = "") -> Iterable[str]:
    """`catalog.json`'s text in pieces, to write as they come; `pages_dir` is where the
    generated pages are below docs/."""
    yield from _encode(_layout(catalog, pages_dir))
    yield "\n"


def write(catalog: Catalog, fh: IO[str], pages_dir: str = "") -> None:
    """Stream `catalog.json` into the open text file `fh`."""
    for piece in chunks(catalog, pages_dir):
        fh.write(piece)


def export(catalog: Catalog, pages_dir: str = "") -> dict[str, Any]:
    """The exported catalog as plain data (what `catalog.json` parses to)."""
    return json.loads("".join(chunks(catalog, pages_dir)))
