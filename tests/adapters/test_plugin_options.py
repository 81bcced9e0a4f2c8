"""What the plugin adds to an adopter's own pages and site, each addition on and then off.

A team adding `- handbook` to its Material site gets, on its own pages: a "Last update" date,
`[[…]]` references resolved, the badge stylesheet and table filter script linked, the Markdown
extensions the generated pages need, and under `mkdocs serve` an error banner. Each is an
option (default on); these tests build a small adopter site with the defaults and with every
option off, and read the built HTML. Title and edit-link escaping are not optional (safety).
"""

from __future__ import annotations

import html as html_module
import json
import re
from pathlib import Path

import pytest
from helpers.adopter import MKDOCS_YML, make_site
from helpers.handbook import commit_all, run_build
from helpers.serving import fetch, serving, wait_for

OFF = {
    "last_updated": "false",
    "references": "false",
    "stylesheet": "false",
    "table_filters": "false",
    "markdown_extensions": "false",
    "error_banner": "false",
    "compact_html": "false",
    "search_worker": "false",
}
CODE = """# Code

Indented, as typed:

```python
def total(rows):
    return  sum(rows)
```
"""
COMMITTED = 1_763_800_000  # 2025-11-22
DATE = "git-revision-date-localized-plugin"


def _site(root: Path, options: dict[str, str]) -> Path:
    """The adopter site (`helpers.adopter`), committed to git, then one page added uncommitted
    and one page whose front matter sets the date itself."""
    make_site(root)
    if options:
        lines = "".join(f"      {k}: {v}\n" for k, v in options.items())
        config = MKDOCS_YML.replace("  - handbook\n", f"  - handbook:\n{lines}")
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    (root / "docs" / "code.md").write_text(CODE, encoding="utf-8")
    (root / "docs" / "theirs.md").write_text(
        "---\ngit_revision_date_localized: their own date\n---\n# Theirs\n", encoding="utf-8"
    )
    commit_all(root, COMMITTED)
    (root / "docs" / "new.md").write_text("# New\n\nNot committed yet.\n", encoding="utf-8")
    # Not --strict with every option off: without `attr_list` and `md_in_html` (which the
    # site does not list) the generated pages' anchors are missing, and MkDocs says so.
    result = run_build(root, strict=not options)
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def defaults(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _site(tmp_path_factory.mktemp("defaults") / "shop", {})


@pytest.fixture(scope="module")
def all_off(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _site(tmp_path_factory.mktemp("all-off") / "shop", OFF)


def _html(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


# --- last_updated ---------------------------------------------------------------------------
@pytest.mark.slow
def test_a_committed_page_shows_its_commit_date(defaults: Path):
    assert ">November 22, 2025</span>" in _html(defaults, "index.html")


@pytest.mark.slow
def test_a_page_with_no_commit_gets_no_date_not_the_build_time(defaults: Path):
    assert DATE not in _html(defaults, "new/index.html")


@pytest.mark.slow
def test_a_date_the_page_sets_itself_is_kept(defaults: Path):
    assert "their own date" in _html(defaults, "theirs/index.html")


@pytest.mark.slow
def test_last_updated_false_dates_no_page(all_off: Path):
    assert DATE not in _html(all_off, "index.html")


# --- references -----------------------------------------------------------------------------
@pytest.mark.slow
def test_references_false_leaves_double_brackets_as_typed(defaults: Path, all_off: Path):
    assert '<a href="metrics/orders/">Orders</a>' in _html(defaults, "index.html")
    off = _html(all_off, "index.html")
    assert "[[metric:orders]]" in off and 'href="metrics/orders/"' not in off.split("[[")[1]


# --- stylesheet and table_filters -----------------------------------------------------------
@pytest.mark.slow
def test_stylesheet_and_table_filters_false_link_neither_but_still_publish_both(
    defaults: Path, all_off: Path
):
    on = _html(defaults, "index.html")
    assert 'href="assets/handbook/handbook.css"' in on
    assert 'src="assets/handbook/filters.js"' in on
    off = _html(all_off, "index.html")
    assert "handbook.css" not in off and "filters.js" not in off
    # Published all the same, for a site that links them itself (say, from a theme override).
    assert (all_off / "assets/handbook/handbook.css").is_file()
    assert (all_off / "assets/handbook/filters.js").is_file()


# --- compact_html ---------------------------------------------------------------------------
def _outside_pre(html: str) -> str:
    return re.sub(r"<(pre|textarea|script|style)\b.*?</\1>", "", html, flags=re.S | re.I)


@pytest.mark.slow
def test_pages_lose_the_themes_indentation_but_not_their_code(defaults: Path, all_off: Path):
    on, off = _html(defaults, "code/index.html"), _html(all_off, "code/index.html")
    assert not re.search(r"\n[ \t]", _outside_pre(on))
    assert re.search(r"\n[ \t]+<", _outside_pre(off))  # compact_html: false leaves it
    assert len(on) < len(off) * 0.8
    for html in (on, off):  # the code block keeps its spaces either way
        text = html_module.unescape(
            re.sub(r"<[^>]+>", "", re.search(r"<pre.*?</pre>", html, re.S)[0])
        )
        assert "def total(rows):\n    return  sum(rows)" in text


# --- search_worker --------------------------------------------------------------------------
@pytest.mark.slow
def test_search_worker_false_leaves_materials_worker_and_index_config(
    defaults: Path, all_off: Path
):
    workers = "assets/javascripts/workers"
    assert "handbook-search.js?material=search." in _html(defaults, "index.html")
    assert (defaults / workers / "handbook-search.js").is_file()
    off = _html(all_off, "index.html")
    assert "handbook-search.js" not in off
    assert re.search(r'"search": "[^"]*search\.\w+\.min\.js"', off)  # Material's own
    assert not (all_off / workers / "handbook-search.js").exists()
    config = json.loads((all_off / "search/search_index.json").read_text("utf-8"))["config"]
    assert "handbook" not in config


# --- markdown_extensions --------------------------------------------------------------------
@pytest.mark.slow
def test_markdown_extensions_false_adds_none_to_the_site(defaults: Path, all_off: Path):
    assert 'class="admonition warning"' in _html(defaults, "looker/index.html")
    off = _html(all_off, "looker/index.html")
    assert 'class="admonition' not in off and "!!! warning" in off


# --- the failure notice as a reader sees it -------------------------------------------------
@pytest.mark.slow
def test_a_failure_notice_says_how_it_goes_away_with_no_raw_backticks(defaults: Path):
    html = _html(defaults, "looker/index.html")
    (notice,) = re.findall(r'<div class="admonition warning">.*?</div>', html, re.S)
    text = html_module.unescape(re.sub(r"<[^>]+>", "", notice))  # what a reader sees
    assert "The Looker pull at 2099-01-01 00:00 UTC failed (Looker said 503)." in text
    assert (
        "This notice goes away after the next successful handbook refresh "
        "(or when catalog/snapshot/looker.attempt.json is deleted)." in text
    )
    assert "<code>handbook refresh</code>" in notice  # set as code, not shown as `…`
    assert "`" not in text


# --- error_banner (mkdocs serve) ------------------------------------------------------------
def _serve_home(root: Path) -> tuple[str, str]:
    """`mkdocs serve` the site until its home page answers; its HTML and the serve log."""
    with serving(root, path="") as (base, log):
        wait_for(lambda: bool(fetch(base)), "the home page", log)
        return fetch(base), "".join(log)


@pytest.mark.slow
def test_error_banner_false_keeps_catalog_errors_in_the_log_only(tmp_path: Path):
    root = make_site(tmp_path / "shop")
    config = MKDOCS_YML.replace("  - handbook\n", "  - handbook:\n      error_banner: false\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    metrics = root / "catalog" / "metrics" / "shop.yml"
    metrics.write_text(metrics.read_text().replace("    label:", "    lable:"), encoding="utf-8")
    home, log = _serve_home(root)
    assert "Shop analytics" in home and "The catalog has errors" not in home
    assert "the handbook catalog has problems; fix them and save" in log
    assert "unknown key 'lable'" in log
