"""What the built site's search index holds: one entry per Looker item, no diagram text."""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path

import pytest
from handbook.catalog import load_catalog
from handbook.project import Project
from handbook.render.pages.looker_pages import item_anchor
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
        # Title and description only: the owner/date/views line is kept out of the index.
        assert "since created" not in doc["text"] and "Open in Looker" not in doc["text"]
        if item.description:
            assert html.unescape(doc["text"]).startswith("<p>" + item.description[:20])


def test_no_diagram_source_or_svg_text_is_indexed(docs: list[dict]):
    text = " ".join(d["text"] for d in docs)
    assert "flowchart" not in text and "-->" not in text and "hb-lineage" not in text
    lineage = [d for d in docs if d["location"].endswith("#lineage")]
    assert lineage and all("monthly_usage" not in d["text"] for d in lineage)


def test_metric_synonyms_and_sources_are_indexed(docs: list[dict]):
    by_location = {d["location"]: d for d in docs}
    assert "stickiness" in by_location["metrics/dau_mau/"]["text"]
    assert any(
        d["location"].startswith("data/freshness/#") and d["title"] == "HubSpot" for d in docs
    )
