"""What the built site's search index holds: one entry per Looker item (title, description,
owner), folders by name, metrics by name and synonym; not the table cells, notices and
diagrams that repeat on every catalog page."""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path

import pytest
from handbook.catalog import load_catalog
from handbook.project import Project
from handbook.render.addresses import item_anchor
from handbook.render.pages.looker_pages import build_index
from helpers.handbook import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def docs(built_site: Path) -> list[dict]:
    return json.loads((built_site / "search/search_index.json").read_text("utf-8"))["docs"]


def test_every_published_item_is_one_section_titled_as_in_looker(docs: list[dict]):
    catalog = load_catalog(Project(REPO))
    sections = {
        d["location"].rsplit("#", 1)[1]: d
        for d in docs
        if d["location"].startswith("looker/folders/") and "#" in d["location"]
    }
    anchors = Counter(item_anchor(i) for i in catalog.items.values())
    assert anchors and max(anchors.values()) == 1  # anchors are unique
    for item in catalog.items.values():
        doc = sections[item_anchor(item)]
        assert html.unescape(doc["title"]) == item.title
        # Title, owner and description: the rest of the line under the title is left out.
        text = html.unescape(doc["text"])
        assert "since created" not in text and "Open in Looker" not in text
        assert "updated" not in text.split("</p>")[0]
        assert f"owner {item.owner or '—'}" in text
        if item.description:
            assert " ".join(item.description.split())[:20] in text


def test_folders_are_found_by_name(docs: list[dict]):
    """Every folder with a page (an empty folder has none) is found by its name."""
    catalog = load_catalog(Project(REPO))
    index = build_index(catalog)
    pages = {d["location"]: d for d in docs if d["location"].startswith("looker/folders/")}
    with_pages = [n.folder for n in index.nodes.values() if n.has_page and n.folder]
    assert len(with_pages) < len(catalog.folders)  # the snapshot has an empty folder
    for folder in with_pages:
        found = [d for loc, d in pages.items() if "#" not in loc and d["title"] == folder.name]
        assert found, folder.name


def test_no_diagram_notice_or_repeated_table_is_indexed(docs: list[dict]):
    text = " ".join(d["text"] for d in docs)
    assert "flowchart" not in text and "-->" not in text and "hb-lineage" not in text
    assert "data pulled at" not in text  # the notice on every catalog page
    # A metric page's lineage, source freshness and Looker content: other entries hold those.
    for section in ("#lineage", "#freshness-of-its-sources", "#in-looker"):
        assert not [d for d in docs if d["location"].endswith(section)], section
    # The catalog index's tables and folder tree, and each folder page's breadcrumbs.
    index = [
        d for d in docs if d["location"].startswith("looker/") and "/folders/" not in d["location"]
    ]
    assert not [d for d in index if d["location"].endswith(("#most-viewed", "#folders"))]
    assert "Looker catalog /" not in text


def test_metric_synonyms_and_sources_are_indexed(docs: list[dict]):
    by_location = {d["location"]: d for d in docs}
    assert "stickiness" in by_location["metrics/dau_mau/"]["text"]
    assert any(
        d["location"].startswith("data/freshness/#") and d["title"] == "HubSpot" for d in docs
    )
