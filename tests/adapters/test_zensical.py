"""`handbook generate && zensical build` builds this handbook like the MkDocs plugin does.

Zensical (the maintained successor of MkDocs + Material) reads mkdocs.yml and runs
Python-Markdown extensions, but has no plugin API and ignores hooks. The catalog reaches it
as files written by `handbook generate` and the `handbook.refs` Markdown extension.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest
from handbook.project import Project
from helpers.adopter import make_site
from helpers.handbook import copy_handbook, run_build, run_cli, run_zensical

CATALOG_PAGES = ("reports", "metrics", "looker", "data/freshness")
REF = re.compile(r'<span class="hb-ref"><a href="([^"]*)">(.*?)</a>')
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)


def zensical_available() -> bool:
    try:
        import zensical  # noqa: F401
    except ImportError:
        return False
    return True


def catalog_pages(site: Path) -> dict[str, str]:
    """Each generated page's URL path → its first heading's text."""
    out = {}
    for page in sorted(site.rglob("index.html")):
        rel = page.parent.relative_to(site).as_posix()
        if rel.startswith(CATALOG_PAGES):
            heading = H1.search(page.read_text(encoding="utf-8"))
            text = re.sub(r"<[^>]+>", "", heading.group(1)) if heading else ""
            out[rel] = html.unescape(text).strip()
    return out


def references(site: Path) -> dict[str, list[tuple[str, str]]]:
    """Each page's resolved references as (link target, link text)."""
    out = {}
    for page in sorted(site.rglob("index.html")):
        found = REF.findall(page.read_text(encoding="utf-8"))
        if found:
            out[page.parent.relative_to(site).as_posix()] = found
    return out


NEEDS_ZENSICAL = pytest.mark.skipif(
    not zensical_available() and not os.environ.get("CI"),
    reason="zensical is not installed (pip install -e '.[test]'); in CI this test fails instead",
)

# The README's "Add the catalog to your own site" recipe for Zensical.
ADOPTER_CONFIG = """\
site_name: Shop analytics
theme:
  name: material
markdown_extensions:
  - admonition
  - pymdownx.details
  - tables
  - toc
  - attr_list
  - md_in_html
  - handbook.refs:
      pages_dir: ""
extra_css:
  - assets/handbook/handbook.css
extra_javascript:
  - assets/handbook/filters.js
"""


@pytest.mark.slow
@NEEDS_ZENSICAL
def test_zensical_and_mkdocs_build_the_same_catalog_pages_and_references(tmp_path: Path):
    with_mkdocs = copy_handbook(tmp_path / "mkdocs")
    assert run_build(with_mkdocs).returncode == 0

    with_zensical = copy_handbook(tmp_path / "zensical")
    generated = run_cli(with_zensical, "generate")
    assert generated.returncode == 0, generated.stderr
    built = run_zensical(with_zensical)
    assert built.returncode == 0, built.stdout + built.stderr

    mkdocs_site, zensical_site = with_mkdocs.root / "site", with_zensical.root / "site"
    pages = catalog_pages(mkdocs_site)
    assert {"metrics/mau", "data/freshness", "looker", "reports"} <= set(pages)
    assert catalog_pages(zensical_site) == pages
    refs = references(mkdocs_site)
    assert ("../../metrics/dau_mau/", "DAU/MAU ratio") in refs["tools/looker"]
    assert references(zensical_site) == refs
    # catalog.json at the site root in both: the plugin's export, generate's file.
    exports = [
        json.loads((s / "catalog.json").read_text("utf-8")) for s in (mkdocs_site, zensical_site)
    ]
    assert exports[0]["metrics"] == exports[1]["metrics"] and exports[0]["metrics"]
    # Badges are styled in both: the stylesheet is linked from every page.
    for site in (mkdocs_site, zensical_site):
        assert "hb-badge hb-badge--certified" in (site / "metrics/mau/index.html").read_text()
        assert (site / "assets/handbook/handbook.css").is_file()
        assert "assets/handbook/handbook.css" in (site / "index.html").read_text()
        # The table filters too: the script ships with the package, not this docs/.
        assert "hb-filter" in (site / "assets/handbook/filters.js").read_text()
        assert "assets/handbook/filters.js" in (site / "metrics/index.html").read_text()
        # The Atom feed of Looker changes, beside the changes page that links it.
        changes = (site / "looker/changes/index.html").read_text(encoding="utf-8")
        assert '<a href="../changes.xml" type="application/atom+xml">' in changes
    feeds = [
        (site / "looker/changes.xml").read_text("utf-8") for site in (mkdocs_site, zensical_site)
    ]
    assert feeds[0] == feeds[1] and "<feed xmlns=" in feeds[0]


@pytest.mark.slow
@NEEDS_ZENSICAL
def test_another_teams_site_builds_with_zensical_from_the_readme_recipe(tmp_path: Path):
    root = make_site(tmp_path / "shop")
    (root / "mkdocs.yml").write_text(ADOPTER_CONFIG, encoding="utf-8")
    generated = run_cli(Project(root), "generate")
    assert generated.returncode == 0, generated.stderr
    built = run_zensical(root)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "No issues found" in built.stdout + built.stderr  # e.g. no broken anchor
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert '<span class="hb-ref"><a href="metrics/orders/">Orders</a>' in home
    assert "assets/handbook/handbook.css" in home
    assert (
        "assets/handbook/filters.js" in home
        and (root / "site" / "assets/handbook/filters.js").is_file()
    )
    looker = (root / "site" / "looker" / "index.html").read_text(encoding="utf-8")
    assert 'class="admonition warning"' in looker and "!!!" not in looker


# --- strict builds: generated pages missing or stale, references broken ----------------------
def relabel(project: Project, old: str, new: str) -> None:
    yml = project.metrics_dir / "product.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.mark.slow
@NEEDS_ZENSICAL
@pytest.mark.parametrize("flag", ["--strict", "-s", "-cs"])
def test_zensical_strict_build_fails_when_the_generated_pages_are_missing(
    tmp_path: Path, flag: str
):
    project = copy_handbook(tmp_path / "handbook")
    built = run_zensical(project, flag)
    assert built.returncode == 1
    assert (
        "docs: error: the generated catalog pages are missing\n"
        "    fix: run `handbook generate` (beside `zensical serve`: `handbook generate --watch`)"
    ) in built.stderr
    assert "Traceback" not in built.stdout + built.stderr


@pytest.mark.slow
@NEEDS_ZENSICAL
def test_zensical_strict_build_fails_on_stale_pages_and_passes_after_generate(tmp_path: Path):
    project = copy_handbook(tmp_path / "handbook")
    assert run_cli(project, "generate").returncode == 0
    assert run_zensical(project, "--strict").returncode == 0  # also fills Zensical's cache

    relabel(project, "label: Monthly active users", "label: Monthly actives")
    built = run_zensical(project, "--strict")
    assert built.returncode == 1
    assert (
        "catalog/metrics/product.yml: error: the generated catalog pages are stale: this file "
        "changed since they were written"
    ) in built.stderr
    assert "Traceback" not in built.stdout + built.stderr
    plain = run_zensical(project)  # a plain build warns, visibly, and goes on
    assert plain.returncode == 0
    assert "catalog/metrics/product.yml: warning: the generated catalog pages are stale" in (
        plain.stderr
    )

    assert run_cli(project, "generate").returncode == 0
    built = run_zensical(project, "--strict")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "warning" not in built.stderr
    page = (project.root / "site" / "metrics" / "mau" / "index.html").read_text(encoding="utf-8")
    assert "Monthly actives" in page
    intake = project.root / "site" / "working-with-us" / "project-intake" / "index.html"
    assert "Monthly actives" in intake.read_text("utf-8")  # [[metric:mau]] on a hand page


@pytest.mark.slow
@NEEDS_ZENSICAL
def test_zensical_strict_build_fails_on_a_reference_that_does_not_resolve(tmp_path: Path):
    project = copy_handbook(tmp_path / "handbook")
    assert run_cli(project, "generate").returncode == 0
    page = project.docs_dir / "team" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [[metric:maus]].\n", "utf-8")
    line = page.read_text(encoding="utf-8").count("\n")
    built = run_zensical(project, "--strict")
    assert built.returncode == 1
    assert (
        f"docs/team/index.md:{line}: error: reference [[metric:maus]]: unknown metric 'maus'"
    ) in built.stderr
    assert run_zensical(project).returncode == 0  # plain: a warning, the text as typed


@pytest.mark.slow
@NEEDS_ZENSICAL
def test_content_gone_from_looker_is_published_by_generate_and_refused_by_a_strict_build(
    tmp_path: Path,
):
    project = copy_handbook(tmp_path / "handbook")
    reports = project.reports_file  # look 1290 is in Looker's trash in the snapshot
    text = reports.read_text(encoding="utf-8")
    reports.write_text(
        text.replace("      - look: 729\n", "      - look: 729\n      - look: 1290\n")
    )
    generated = run_cli(project, "generate")
    assert generated.returncode == 0, generated.stderr  # like a plain mkdocs build
    assert "catalog/reports.yml:17: warning: look 1290 is in Looker's trash" in generated.stderr
    built = run_zensical(project, "--strict")
    assert built.returncode == 1
    assert "catalog/reports.yml:17: error: look 1290 is in Looker's trash" in built.stderr
    plain = run_zensical(project)
    assert plain.returncode == 0
    assert "catalog/reports.yml:17: warning: look 1290 is in Looker's trash" in plain.stderr
