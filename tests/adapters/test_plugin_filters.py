"""The table filters work on another team's site that only lists `- handbook` under plugins.

The filter script ships with the package, like the stylesheet: the plugin publishes it and
adds it to `extra_javascript`, so a site with none of this handbook's files gets working
status and domain filters on the metric glossary, in Debian's Chromium. A site that already
lists the script gets it once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.adopter import MKDOCS_YML, make_site
from helpers.handbook import run_build
from helpers.serving import QuietHandler, serve_directory

SCRIPT = "assets/handbook/filters.js"

METRICS = """\
metrics:
"""
METRIC = """\
  - name: {name}
    label: {label}
    description: {label} in the shop.
    owner: Shop team
    domain: {domain}
    status: {status}
    calculation: count(*)
    grain: {{time: day}}
    sources: [shop]
"""
ROWS = [
    ("orders", "Orders", "Commerce", "certified"),
    ("returns", "Returns", "Commerce", "draft"),
    ("visits", "Visits", "Marketing", "draft"),
    ("signups", "Signups", "Marketing", "deprecated"),
]


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("filters") / "shop")
    text = METRICS + "".join(
        METRIC.format(name=n, label=label, domain=d, status=s) for n, label, d, s in ROWS
    )
    (root / "catalog" / "metrics" / "shop.yml").write_text(text, encoding="utf-8")
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.mark.slow
@pytest.mark.browser
def test_metric_filters_work_on_a_plugin_only_site(plugin_site: Path, browser):
    assert (plugin_site / SCRIPT).read_text(encoding="utf-8").count("hb-filter") >= 1
    with serve_directory(plugin_site, QuietHandler) as url:
        page = browser.new_page()
        try:
            page.goto(url + "metrics/", wait_until="networkidle")
            rows = page.locator("article tbody tr:visible")
            assert rows.count() == len(ROWS)
            status, domain = page.locator(".hb-filter select").all()
            status.select_option("draft")
            assert sorted(rows.nth(n).inner_text().split()[0] for n in range(rows.count())) == [
                "Returns",
                "Visits",
            ]
            domain.select_option("Marketing")
            assert rows.count() == 1 and rows.first.inner_text().startswith("Visits")
            status.select_option("")  # "All"
            assert rows.count() == 2
        finally:
            page.close()


@pytest.mark.slow
def test_a_site_that_lists_the_script_gets_it_once(tmp_path: Path):
    root = make_site(tmp_path / "shop")
    config = MKDOCS_YML + f"extra_javascript:\n  - {SCRIPT}\n"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert home.count(f'src="{SCRIPT}"') == 1
