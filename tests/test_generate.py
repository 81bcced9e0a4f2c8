"""`handbook generate`: the generated pages as Markdown under docs/, for engines without plugins."""

from __future__ import annotations

from dataclasses import replace

from conftest import REPO, run_cli
from handbook.catalog import load_catalog
from handbook.generate import MARKER
from handbook.project import Project
from handbook.render.pages import all_pages


def test_generate_writes_every_page_and_the_stylesheet_under_docs(handbook_copy: Project):
    result = run_cli(handbook_copy, "generate")
    assert result.returncode == 0, result.stderr
    docs = handbook_copy.docs_dir
    # The site's address and name come from mkdocs.yml (its `!ENV` default), for the feed.
    site = "https://sourcegraph.github.io/data-handbook/"
    project = replace(handbook_copy, site_url=site, site_name="Data & Analytics Handbook")
    pages = list(all_pages(load_catalog(project)))
    assert "looker/changes.xml" in {page.path for page in pages}
    for page in pages:
        assert (docs / page.path).read_text(encoding="utf-8") == page.content
    assert ".hb-badge" in (docs / "assets/handbook/handbook.css").read_text(encoding="utf-8")
    assert f"wrote {len(pages) + 2} generated files below docs/" in result.stdout
    assert "hb-filter" in (docs / "assets/handbook/filters.js").read_text(encoding="utf-8")
    # Folders holding only generated pages are marked as owned; hand-written ones are not.
    assert (docs / "metrics" / MARKER).is_file() and not (docs / "data" / MARKER).exists()
    assert (docs / "data" / "index.md").is_file()  # hand-written page beside the board stays
    assert not list(docs.glob(".handbook-generate*"))  # no staging folder left behind


def test_generated_files_are_git_ignored():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    for entry in ("/docs/metrics/", "/docs/looker/", "/docs/reports/", "/docs/data/freshness.md"):
        assert entry in ignored


def test_a_second_run_replaces_the_folders_it_owns(handbook_copy: Project):
    assert run_cli(handbook_copy, "generate").returncode == 0
    stale = handbook_copy.docs_dir / "metrics" / "retired_metric.md"
    stale.write_text("# Retired\n", encoding="utf-8")
    assert run_cli(handbook_copy, "generate").returncode == 0
    assert not stale.exists()
    assert (handbook_copy.docs_dir / "metrics" / "mau.md").is_file()


def test_generate_writes_nothing_when_the_handbook_has_errors(handbook_copy: Project):
    page = handbook_copy.docs_dir / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[[metric:maus]]\n", encoding="utf-8")
    result = run_cli(handbook_copy, "generate")
    assert result.returncode == 1
    assert "docs/index.md:" in result.stderr and "unknown metric 'maus'" in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert not (handbook_copy.docs_dir / "metrics").exists()


def test_pages_dir_puts_the_pages_in_one_folder(handbook_copy: Project):
    result = run_cli(handbook_copy, "generate", "--pages-dir", "catalog")
    assert result.returncode == 0, result.stderr
    docs = handbook_copy.docs_dir
    assert (docs / "catalog" / "metrics" / "mau.md").is_file()
    assert (docs / "catalog" / "data" / "freshness.md").is_file()
    assert (docs / "catalog" / MARKER).is_file() and not (docs / "metrics").exists()


def test_no_directory_urls_builds_the_lineage_links_for_file_urls(handbook_copy: Project):
    result = run_cli(handbook_copy, "generate", "--no-directory-urls")
    assert result.returncode == 0, result.stderr
    mau = (handbook_copy.docs_dir / "metrics" / "mau.md").read_text(encoding="utf-8")
    # The SVG's links are raw HTML, which no engine rewrites: built for metrics/mau.html.
    assert 'href="../data/freshness.html#' in mau
    assert 'href="../../data/freshness/' not in mau
    default = run_cli(handbook_copy, "generate")
    assert default.returncode == 0, default.stderr
    mau = (handbook_copy.docs_dir / "metrics" / "mau.md").read_text(encoding="utf-8")
    assert 'href="../../data/freshness/#' in mau
