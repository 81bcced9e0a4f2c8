"""The other direction: a dbt `exposures:` file for the notable Looker reports.

`handbook export --dbt-exposures PATH` writes one exposure per look or dashboard listed in
`catalog/reports.yml` (once each, published ones only): type `dashboard` for a dashboard and
`analysis` for a look, its Looker URL (with the report's kept filters), its owner and
description from Looker, and `depends_on` the dbt sources it reads, so `dbt docs` shows which
dashboards a source feeds.

Which sources a report reads is known only where the snapshot knows it: the Looker
snapshot has no table names, so a report depends on the dbt sources of the metrics defined
on the explore it queries (`lookml_field: model.explore.view.field`, `sources: [...]`), each
table listed as dbt names it, `source('stripe', 'charges')`. A report with no such metric
gets an empty `depends_on`.

The file is YAML written by PyYAML (titles and descriptions are untrusted text, quoted as
YAML needs); its first line marks it as ours, and a file without that line is never
overwritten.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from handbook.catalog import Catalog
from handbook.dbt.sources import DbtSource
from handbook.errors import CatalogError
from handbook.markdown.references import with_query
from handbook.snapshot.model import LookerItem
from handbook.snapshot.store import write_atomic

MARK = "# Written by `handbook export --dbt-exposures`: regenerate it rather than edit it."
_NOT_A_NAME = re.compile(r"[^a-z0-9_]+")


def _name(item: LookerItem) -> str:
    """A dbt node name (letters, digits, underscores) that says which Looker item it is."""
    return f"looker_{item.kind}_{_NOT_A_NAME.sub('_', item.id.lower()).strip('_')}"


def _depends_on(catalog: Catalog, item: LookerItem) -> list[str]:
    """`source('…', '…')` for every table of the dbt sources behind the item's explore."""
    found = [
        f"source({source.name!r}, {table.name!r})"
        for source in catalog.sources_behind(item)
        if isinstance(source, DbtSource)
        for table in source.tables
    ]
    return list(dict.fromkeys(found))


def exposures(catalog: Catalog) -> dict[str, Any]:
    """The exposures document: one per published report, in the order the list has them."""
    out: dict[str, dict[str, Any]] = {}
    for section in catalog.reports.sections:
        for ref in section.reports:
            item = catalog.items.get((ref.kind, ref.id))
            if item is None or _name(item) in out:
                continue
            exposure: dict[str, Any] = {
                "name": _name(item),
                "label": item.title,
                "type": "dashboard" if item.kind == "dashboard" else "analysis",
                "url": with_query(catalog.item_url(item), ref.query),
                "description": item.description or f"Looker {item.kind} {item.id}.",
                "owner": {"name": item.owner or "no owner in Looker"},
                "depends_on": _depends_on(catalog, item),
            }
            out[exposure["name"]] = exposure
    return {"version": 2, "exposures": list(out.values())}


def write_exposures(catalog: Catalog, path: Path) -> int:
    """Write the exposures to `path`, replacing only a file this command wrote; returns
    how many. A clash with any other file is a CatalogError naming it."""
    if path.is_dir():
        raise CatalogError.single(path, None, "is a folder", "give a file path, e.g. models/x.yml")
    if path.exists():
        try:
            first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        except (OSError, UnicodeDecodeError):
            first = ""
        if first != MARK:
            raise CatalogError.single(
                path,
                None,
                "exists and was not written by `handbook export --dbt-exposures`; "
                "it was left as it is",
                "give another path, or move the file away",
            )
    document = exposures(catalog)
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    write_atomic(path, f"{MARK}\n{text}")
    return len(document["exposures"])
