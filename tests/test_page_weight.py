"""Light pages: each carries its own section's navigation only, without the theme's indentation.

GitHub Pages publishes at most 1 GB per site; at 3,000 hand pages and 60,000 Looker items a
page carrying the whole navigation made a 5.45 GB site. Sizes at scale are measured by
`scripts/bench_site.py`; this checks the built handbook is configured that way.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_the_handbook_prunes_its_navigation():
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    assert "navigation.prune" in config["theme"]["features"]


def test_a_page_links_the_pages_of_its_own_section_only(built_site: Path):
    html = _page(built_site, "tools/looker")
    assert 'href="../amplitude/"' in html  # a page of its own section, Tools
    assert 'href="../../team/"' in html  # the other sections' tabs and index pages
    assert "team/capabilities/" not in html  # but not the pages inside them


def test_pages_keep_no_indentation_outside_code(built_site: Path):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 40 and built_site / "404.html" in pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        outside = re.sub(r"<(pre|textarea|script|style)\b.*?</\1>", "", html, flags=re.S | re.I)
        assert not re.search(r"\n[ \t]", outside), page.relative_to(built_site)
