"""`mkdocs serve` previews the handbook, generated pages included, as an editor runs it."""

from __future__ import annotations

from handbook.project import Project
from helpers.serving import fetch, serving, wait_for


def test_mkdocs_serve_previews_handwritten_and_generated_pages(handbook_copy: Project):
    with serving(handbook_copy) as (base, log):
        wait_for(lambda: bool(fetch(base)), "the home page", log)
        home = fetch(base)
        assert "Data &amp; Analytics Handbook" in home
        assert "Monthly users by instance type" in fetch(base + "reports/")
        assert "Data freshness" in fetch(base + "data/freshness/")
