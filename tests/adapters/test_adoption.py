"""Another team adds the catalog to its own Material site with `- handbook` under plugins.

No hooks, no copied files, no `markdown_extensions` of its own: the plugin brings its pages,
styles and the Markdown extensions its pages need, and `mkdocs build --strict` passes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.adopter import INDEX, MKDOCS_YML, make_site
from helpers.handbook import run_build


@pytest.mark.slow
def test_a_plain_material_site_builds_strict_with_the_catalog(tmp_path: Path):
    root = make_site(tmp_path / "shop")
    result = run_build(root)
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
    result = run_build(root)
    assert result.returncode != 0
    assert "Plugin 'handbook' option 'catalog_dir'" in result.stderr
    assert "katalog" in result.stderr and "Traceback" not in result.stderr

    config = MKDOCS_YML.replace("  - handbook\n", "  - handbook:\n      unused_after_days: 0\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = run_build(root)
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
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    assert (site / "catalog/metrics/orders/index.html").is_file()
    assert (site / "catalog/looker/index.html").is_file()
    assert '<a href="catalog/metrics/orders/">Orders</a>' in (site / "index.html").read_text()
