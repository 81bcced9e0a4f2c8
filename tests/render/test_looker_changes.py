"""What changed in Looker: `looker/changes.md` and its Atom feed, `looker/changes.xml`.

From the committed change log (three pulls: 2026-11-08, -15 and -22), whose entries include a
rename in a personal folder and a move into the excluded Finance folder, which must never
show, and from hostile titles. The feed is read by a real XML parser and checked against
what RFC 4287 (Atom 1.0) requires of a feed and its entries.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from handbook.catalog import Catalog, load_catalog
from handbook.project import Project
from handbook.render.pages import change_pages
from handbook.snapshot.model import ChangeLog, ContentChange
from helpers.handbook import REPO, run_cli
from helpers.hostile import HOSTILE
from helpers.pages import Html, to_html

A = "{http://www.w3.org/2005/Atom}"
SITE = "https://sourcegraph.github.io/data-handbook/"
BUILT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def catalog(**project: object) -> Catalog:
    return load_catalog(Project(REPO, **{"site_url": SITE, **project}), now=BUILT)  # type: ignore[arg-type]


def outputs(c: Catalog) -> dict[str, str]:
    return {p.path: p.content for p in change_pages.pages(c)}


def feed_of(c: Catalog) -> ET.Element:
    return ET.fromstring(outputs(c)["looker/changes.xml"].encode("utf-8"))


def test_changes_are_listed_newest_pull_first_each_item_linked_to_its_entry():
    parsed = Html(to_html(outputs(catalog())["looker/changes.md"]))
    assert [h for tag, h in parsed.headings if tag == "h2"] == [
        "Pull of 2026-11-22 06:00 UTC",
        "Pull of 2026-11-15 06:00 UTC",
        "Pull of 2026-11-08 06:00 UTC",
    ]
    rows = [row for table in parsed.tables for row in table[1:]]
    assert rows == [
        ["Weekly signups (old)", "Deleted", "look", "was in Shared / Marketing"],
        ["DAU/MAU", "Renamed", "look", "was “DAU / MAU”"],
        ["Old onboarding board", "Trashed", "board", ""],
        ["Legacy growth dashboard", "Trashed", "dashboard", "was in Shared / Company Metrics"],
        ["Pipeline by stage", "Moved", "look", "from Shared / Marketing to Shared / Sales"],
        ["Customer account overview", "Renamed", "dashboard", "was “Account overview”"],
        ["Accounts with falling seat consumption", "Added", "look", "in Shared / Customer Health"],
    ]
    links = dict((text, href) for href, text in parsed.links)
    assert links["DAU/MAU"] == "folders/120-company-metrics.md#look-1319"
    assert links["Pipeline by stage"] == "folders/114-sales.md#look-1402"
    for gone in ("Weekly signups (old)", "Old onboarding board", "Legacy growth dashboard"):
        assert gone not in links  # trashed and deleted content is named, never linked


def test_private_and_excluded_content_never_appears_not_even_as_removed():
    """The log holds a rename in a personal folder, a look renamed while public and later
    moved into the excluded Finance folder; here also a deletion there and an excluded
    board's rename."""
    c = catalog()
    assert any(ch.id == "1500" and ch.change == "renamed" for ch in c.change_log.changes)
    extra = [
        ContentChange(
            at=datetime(2026, 11, 22, 6, tzinfo=UTC),
            kind="look",
            id="7777",
            change="deleted",
            title="Zebra board minutes",
            folder_id="151",
            folders=["1", "150", "151"],
        ),
        ContentChange(
            at=datetime(2026, 11, 22, 6, tzinfo=UTC),
            kind="board",
            id="30",
            change="renamed",
            title="Zebra leadership",
            old_title="Finance leadership",
        ),
    ]
    c.change_log = ChangeLog(changes=[*c.change_log.changes, *extra])
    for text in outputs(c).values():
        for secret in ("ARR bridge", "search latency idea", "Zebra", "Finance"):
            assert secret not in text


def test_a_first_pull_records_nothing_and_the_page_says_so():
    c = catalog()
    c.change_log = None
    page = outputs(c)["looker/changes.md"]
    assert "No changes recorded yet." in page and "## Pull of" not in page
    ET.fromstring(outputs(c)["looker/changes.xml"])  # still a valid feed, with no entry
    c.change_log = ChangeLog(changes=[ch for ch in catalog().change_log.changes if ch.personal])
    assert (
        "No changes to published content were recorded in the last 180 days."
        in (outputs(c)["looker/changes.md"])
    )


def test_without_a_site_address_there_is_no_feed_and_the_page_says_what_to_set():
    built = outputs(catalog(site_url=None))
    assert set(built) == {"looker/changes.md"}
    assert (
        "a feed needs the site's address. Set `site_url` in\nmkdocs.yml"
        in (built["looker/changes.md"])
    )


def test_the_page_links_the_feed_beside_it_for_the_engine_to_place():
    page = outputs(catalog())["looker/changes.md"]
    html = to_html(page)
    assert '<a href="changes.xml" type="application/atom+xml">Atom feed</a>' in html


def test_the_feed_has_what_atom_requires_of_a_feed_and_of_every_entry():
    feed = feed_of(catalog())
    assert feed.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{A}{name}")) == 1, name
    assert feed.findtext(f"{A}id") == SITE + "looker/changes.xml"
    assert feed.findtext(f"{A}updated") == "2026-11-22T06:00:00Z"  # the newest pull
    assert feed.findtext(f"{A}author/{A}name")  # one author for the feed: entries need none
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{A}link")}
    assert links == {"self": SITE + "looker/changes.xml", "alternate": SITE + "looker/changes/"}
    entries = feed.findall(f"{A}entry")
    assert len(entries) == 3  # one per pull
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        assert RFC3339.match(entry.findtext(f"{A}updated") or "")
        assert entry.find(f"{A}content").get("type") == "html"
        assert entry.find(f"{A}link").get("rel") == "alternate"
    first = entries[0]
    assert first.findtext(f"{A}id") == SITE + "looker/changes/#pull-20261122t060000z"
    assert first.findtext(f"{A}title") == "2 changes in the Looker pull of 2026-11-22 06:00 UTC"
    ids = [e.findtext(f"{A}id") for e in entries]
    assert len(set(ids)) == len(ids)
    assert ids == [e.findtext(f"{A}id") for e in feed_of(catalog()).findall(f"{A}entry")]


def test_every_link_and_id_in_the_feed_is_absolute_in_the_sites_url_style():
    for directory_urls, entry_page in (
        (True, "looker/folders/120-company-metrics/"),
        (False, "catalog/looker/folders/120-company-metrics.html"),
    ):
        pages_dir = "" if directory_urls else "catalog"
        feed = feed_of(catalog(directory_urls=directory_urls, pages_dir=pages_dir))
        urls = [feed.findtext(f"{A}id")] + [e.findtext(f"{A}id") for e in feed.iter(f"{A}entry")]
        urls += [link.get("href") for link in feed.iter(f"{A}link")]
        for content in feed.iter(f"{A}content"):
            urls += re.findall(r'href="([^"]+)"', content.text or "")
        for url in urls:
            parts = urlsplit(url)
            assert parts.scheme == "https" and parts.netloc == "sourcegraph.github.io", url
        assert f"{SITE}{entry_page}#look-1319" in urls


class Elements(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_hostile_titles_are_escaped_in_the_feed_and_its_html():
    c = catalog()
    at = datetime(2026, 11, 22, 6, tzinfo=UTC)
    c.change_log = ChangeLog(
        changes=[
            ContentChange(
                at=at + timedelta(minutes=n),
                kind="look",
                id="1319",
                change="renamed",
                title=text + "\x01\x0b",  # control characters XML cannot carry
                old_title=text,
                folder_id="120",
                old_folder_id="120",
                folders=["1", "120"],
            )
            for n, text in enumerate(HOSTILE)
        ]
    )
    raw = outputs(c)["looker/changes.xml"]
    assert "<script" not in raw and "<img" not in raw
    feed = ET.fromstring(raw.encode("utf-8"))  # well-formed, whatever the titles hold
    bodies = [e.findtext(f"{A}content") or "" for e in feed.findall(f"{A}entry")]
    assert len(bodies) == len(HOSTILE)
    for body, text in zip(reversed(bodies), HOSTILE, strict=True):
        parsed = Elements(body)  # the HTML a feed reader shows
        assert set(parsed.tags) <= {"ul", "li", "a"}, (text, parsed.tags)
        assert f"Renamed look {text} (was “{text}”)" == "".join(parsed.text), text


def test_generate_writes_the_feed_with_the_address_it_is_given(handbook_copy: Project):
    result = run_cli(handbook_copy, "generate", "--site-url", "https://docs.example.com/hb/")
    assert result.returncode == 0, result.stderr
    feed = ET.parse(handbook_copy.docs_dir / "looker" / "changes.xml").getroot()
    assert feed.findtext(f"{A}id") == "https://docs.example.com/hb/looker/changes.xml"
    assert feed.findtext(f"{A}author/{A}name") == "Data & Analytics Handbook"  # mkdocs.yml


@pytest.mark.parametrize("bad", ["docs.example.com", "ftp://docs.example.com/", "https://"])
def test_generate_refuses_a_site_url_that_is_not_an_http_url(handbook_copy: Project, bad: str):
    result = run_cli(handbook_copy, "generate", "--site-url", bad)
    assert result.returncode == 2
    assert "--site-url: must be an http(s) URL" in result.stderr
    assert not (handbook_copy.docs_dir / "looker").exists()
