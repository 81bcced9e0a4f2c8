"""What the built site's search index holds: one entry per Looker item (title, description,
owner), folders by name, metrics by name and synonym; not the table cells, notices and
diagrams that repeat on every catalog page."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from handbook.catalog import load_catalog
from handbook.project import Project
from handbook.render.addresses import item_anchor
from handbook.render.pages.looker_pages import build_index
from handbook.render.search_index import rewrite_config
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


def test_the_index_lists_no_tags_field_when_no_page_has_tags(built_site: Path, docs: list[dict]):
    """Material's default `tags` field costs the reader's browser about 9 % of the index build
    at 20,000 items and finds nothing on a site without tags: the plugin leaves it out."""
    config = json.loads((built_site / "search/search_index.json").read_text("utf-8"))["config"]
    assert not [d for d in docs if "tags" in d]
    assert set(config["fields"]) == {"title", "text"}
    assert config["fields"]["title"]["boost"] > config["fields"]["text"]["boost"]


def _material_index(entries: list[dict]) -> str:
    """The index text Material's own search plugin writes for these entries."""
    from material.plugins.search.plugin import SearchIndex

    index = SearchIndex(
        lang=["en"],
        separator=r"[\s\-]+",
        pipeline=["stopWordFilter"],
        fields={"title": {"boost": 1e3}, "text": {"boost": 1e0}, "tags": {"boost": 1e6}},
    )
    index.entries = entries
    return index.generate_search_index(None)


def test_a_page_with_tags_keeps_the_tags_field(tmp_path: Path):
    entry = {"location": "a/", "title": "A", "text": "<p>one</p>"}
    tagged = {"location": "b/", "title": "B", "text": "", "tags": ["finance"]}
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    index = site / "search/search_index.json"
    index.write_text(_material_index([entry, tagged]), "utf-8")
    assert not rewrite_config(site)
    assert "tags" in json.loads(index.read_text("utf-8"))["config"]["fields"]
    # Without the tagged page, only the field goes: the entries are as Material wrote them.
    index.write_text(_material_index([entry]), "utf-8")
    assert rewrite_config(site)
    lean = json.loads(index.read_text("utf-8"))
    assert set(lean["config"]["fields"]) == {"title", "text"} and lean["docs"] == [entry]
    assert lean["config"]["separator"] == r"[\s\-]+"


def test_a_site_without_materials_index_is_left_alone(tmp_path: Path):
    assert not rewrite_config(tmp_path)  # search off, or another theme
    (tmp_path / "search").mkdir()
    (tmp_path / "search/search_index.json").write_text('{"docs": []}', "utf-8")  # MkDocs' own
    assert not rewrite_config(tmp_path)
    assert (tmp_path / "search/search_index.json").read_text("utf-8") == '{"docs": []}'


def test_an_index_of_megabytes_is_rewritten_whole_and_a_tag_on_its_last_entry_is_seen(
    tmp_path: Path,
):
    """Read in chunks (the index is megabytes at 20,000 items): nothing lost between them."""
    entries = [
        {"location": f"p{i}/", "title": f"Page {i}", "text": f"<p>{'word ' * 40}{i}</p>"}
        for i in range(12_000)
    ]
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    index = site / "search/search_index.json"
    tagged = {"location": "last/", "title": "Last", "text": "", "tags": ["finance"]}
    index.write_text(_material_index([*entries, tagged]), "utf-8")
    assert index.stat().st_size > 2 * (1 << 20)
    assert not rewrite_config(site)
    index.write_text(_material_index(entries), "utf-8")
    assert rewrite_config(site)
    lean = json.loads(index.read_text("utf-8"))
    assert set(lean["config"]["fields"]) == {"title", "text"} and lean["docs"] == entries
    assert not list((site / "search").glob("*.lean"))


def test_the_items_pattern_names_every_item_entry_and_nothing_else(
    built_site: Path, docs: list[dict]
):
    """The pattern our search worker reads from the index's config to tell Looker items'
    entries (which it scores itself) from every other entry (which Material's worker
    indexes)."""
    config = json.loads((built_site / "search/search_index.json").read_text("utf-8"))["config"]
    pattern = re.compile(config["handbook"]["items"])
    anchors = {item_anchor(i) for i in load_catalog(Project(REPO)).items.values()}
    items = {
        d["location"]
        for d in docs
        if d["location"].startswith("looker/folders/") and d["location"].split("#")[-1] in anchors
    }
    assert items and {d["location"] for d in docs if pattern.search(d["location"])} == items


@pytest.mark.parametrize("directory_urls", [True, False])
@pytest.mark.parametrize("pages_dir", ["", "catalog.v2/looker (old)"])
def test_the_items_pattern_follows_where_folder_pages_are(pages_dir: str, directory_urls: bool):
    """Below any folder for generated pages (its name taken literally, dots and brackets
    too), with a folder per page or `.html` files; as MkDocs writes the page's URL."""
    from handbook.render.addresses import folder_page, item_entry_pattern
    from handbook.snapshot.model import LookerFolder, LookerItem
    from mkdocs.structure.files import File

    pattern = re.compile(item_entry_pattern(pages_dir, directory_urls))
    folder = LookerFolder(id="12", name="Finance & Ops")
    item = LookerItem(kind="look", id="729", title="Revenue", folder_id="12")
    for page in (folder_page(folder), folder_page(None)):
        path = f"{pages_dir}/{page}" if pages_dir else page
        url = File(path, "docs", "site", directory_urls).url
        assert pattern.search(f"{url}#{item_anchor(item)}"), url
        assert not pattern.search(url)  # the folder page's own entry
        assert not pattern.search(f"{url}#subfolders")
    assert not pattern.search(
        "looker/index.html#look-729" if not directory_urls else "looker/#look-729"
    )
