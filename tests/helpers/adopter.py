"""Another team's small Material site that adds the catalog with `- handbook` under plugins.

No hooks, no copied files, no `markdown_extensions` of its own: one hand page using
references, one metric and one source of its own, and this repository's Looker snapshot with
a failed pull recorded after it (so every Looker page shows a notice).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers.handbook import REPO

MKDOCS_YML = """\
site_name: Shop analytics
theme:
  name: material
plugins:
  - search
  - handbook
validation:
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
"""

METRICS = """\
metrics:
  - name: orders
    label: Orders
    description: Orders placed in the shop.
    owner: Shop team
    domain: Commerce
    status: certified
    calculation: count(distinct order_id)
    grain: {time: day}
    sources: [shop]
    looks: ["729"]
"""

SOURCES = """\
sources:
  - name: shop
    label: Shop database
    description: Orders and customers.
    owner: Shop team
    cadence: Loaded nightly.
    pipeline: A nightly export.
    freshness:
      warn_after: {count: 1, period: day}
    tables:
      - table: shop-dw.shop.orders
"""

INDEX = """\
# Shop analytics

Our headline number is [[metric:orders]]; the data comes from [[freshness:shop]].
The monthly report: [[look:729|Monthly users]].

See the [metric glossary](metrics/index.md) and the [freshness board](data/freshness.md#shop).
"""


def make_site(root: Path) -> Path:
    """A minimal Material site with its own docs/ and a small catalog/ beside mkdocs.yml."""
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs" / "index.md").write_text(INDEX, encoding="utf-8")
    catalog = root / "catalog"
    (catalog / "metrics").mkdir(parents=True)
    (catalog / "sources").mkdir()
    (catalog / "metrics" / "shop.yml").write_text(METRICS, encoding="utf-8")
    (catalog / "sources" / "shop.yml").write_text(SOURCES, encoding="utf-8")
    shutil.copytree(
        REPO / "catalog" / "snapshot",
        catalog / "snapshot",
        ignore=shutil.ignore_patterns("*.attempt.json", ".*.tmp"),
    )
    # A failed pull after the snapshot: every Looker page shows a `!!! warning` notice.
    attempt = {"attempted_at": "2099-01-01T00:00:00+00:00", "error": "Looker said 503"}
    (catalog / "snapshot" / "looker.attempt.json").write_text(json.dumps(attempt))
    return root
