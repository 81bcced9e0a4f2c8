"""Generated pages compared with reviewed copies under tests/golden/, where a diff says more.

The catalog is the repository's, built at a fixed time so ages in notices do not move. After
an intended change to a page, regenerate the copies and review the diff like code:

    HANDBOOK_UPDATE_GOLDEN=1 pytest tests/render/test_golden.py
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from handbook.catalog import load_catalog
from handbook.project import Project
from handbook.render.pages import all_pages
from helpers.handbook import REPO

GOLDEN = REPO / "tests" / "golden"
PAGES = (
    "metrics/mau.md",
    "data/freshness.md",
    "reports/index.md",
    "looker/unused.md",
    "looker/unused/eric-brody-moore-66a491fe.md",  # an owner's page: two items, oldest first
    "looker/broken.md",
    "looker/changes.md",
    # A folder page with a broken item (dashboard 179), an owner who left (look 1410) and a
    # subfolder (Customer Support).
    "looker/folders/121-customer-health.md",
)
BUILT_AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a day after the seed snapshot


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    # The site's address as mkdocs.yml gives it, so the changes page links its Atom feed.
    site = "https://sourcegraph.github.io/data-handbook/"
    catalog = load_catalog(Project(REPO, site_url=site), now=BUILT_AT)
    return {page.path: page.content for page in all_pages(catalog) if page.path in PAGES}


@pytest.mark.parametrize("page", PAGES)
def test_generated_page_matches_its_golden_copy(rendered: dict[str, str], page: str):
    golden = GOLDEN / page
    if os.environ.get("HANDBOOK_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered[page], encoding="utf-8")
    assert golden.is_file(), f"no golden copy of {page}: run with HANDBOOK_UPDATE_GOLDEN=1"
    assert rendered[page] == Path(golden).read_text(encoding="utf-8"), (
        f"{page} changed; if intended, regenerate with HANDBOOK_UPDATE_GOLDEN=1 and review"
    )
