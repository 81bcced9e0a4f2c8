"""Another team adds the catalog to its own Material site with `- handbook` under plugins.

No hooks, no copied files, no `markdown_extensions` of its own: the plugin brings its pages,
styles and the Markdown extensions its pages need, and `mkdocs build --strict` passes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, _clean_env

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


def build(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *extra],
        cwd=root,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_a_plain_material_site_builds_strict_with_the_catalog(tmp_path: Path):
    root = make_site(tmp_path / "shop")
    result = build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="metrics/orders/">Orders</a>' in home
    assert 'href="data/freshness/"' in home and "hb-badge hb-badge--not-checked" in home
    assert '<a href="https://sourcegraph.looker.com/looks/729">Monthly users</a>' in home
    # Badges are styled: the package's stylesheet is published and linked from every page.
    assert (site / "assets/handbook/handbook.css").read_text().count(".hb-badge") > 5
    assert 'href="assets/handbook/handbook.css"' in home
    # Notices are admonitions, not literal `!!!` text (the plugin adds `admonition`).
    looker = (site / "looker" / "index.html").read_text(encoding="utf-8")
    assert 'class="admonition warning"' in looker and "!!!" not in looker
    orders = (site / "metrics" / "orders" / "index.html").read_text(encoding="utf-8")
    assert "hb-badge hb-badge--certified" in orders
    assert [p.name for p in (root / "docs").iterdir()] == ["index.md"]  # nothing written
    assert json.loads((site / "catalog.json").read_text())["metrics"][0]["name"] == "orders"


def test_a_wrong_option_is_named_in_the_error(tmp_path: Path):
    root = make_site(tmp_path / "shop")
    config = MKDOCS_YML.replace("  - handbook\n", "  - handbook:\n      catalog_dir: katalog\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = build(root)
    assert result.returncode != 0
    assert "Plugin 'handbook' option 'catalog_dir'" in result.stderr
    assert "katalog" in result.stderr and "Traceback" not in result.stderr

    config = MKDOCS_YML.replace("  - handbook\n", "  - handbook:\n      unused_after_days: 0\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = build(root)
    assert result.returncode != 0
    assert "handbook option 'unused_after_days': must be 1 or more days" in result.stderr


@pytest.mark.slow
def test_pages_dir_puts_every_generated_page_in_one_folder(tmp_path: Path):
    root = make_site(tmp_path / "shop")
    (root / "docs" / "index.md").write_text(
        INDEX.replace("](metrics/", "](catalog/metrics/").replace("](data/", "](catalog/data/"),
        encoding="utf-8",
    )
    config = MKDOCS_YML.replace("  - handbook\n", "  - handbook:\n      pages_dir: catalog\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    assert (site / "catalog/metrics/orders/index.html").is_file()
    assert (site / "catalog/looker/index.html").is_file()
    assert '<a href="catalog/metrics/orders/">Orders</a>' in (site / "index.html").read_text()
