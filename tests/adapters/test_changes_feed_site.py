"""The Atom feed of Looker changes reaches the site `mkdocs build` publishes, and its links
land: the feed is where the changes page's link says, and each absolute link in it names a
page of the site (and an anchor on it) once the site's address is taken off."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.slow
A = "{http://www.w3.org/2005/Atom}"
SITE = "https://sourcegraph.github.io/data-handbook/"  # mkdocs.yml's site_url default


def local(site: Path, url: str) -> tuple[Path, str]:
    """The built file an absolute site URL names, and its fragment."""
    assert url.startswith(SITE), url
    parts = urlsplit(url)
    path = parts.path.removeprefix(urlsplit(SITE).path)
    target = site / path
    return (target / "index.html" if path.endswith("/") or not path else target), parts.fragment


def test_the_feed_is_published_where_the_changes_page_links_it(built_site: Path):
    page = (built_site / "looker" / "changes" / "index.html").read_text(encoding="utf-8")
    href = re.search(r'<a href="([^"]+)" type="application/atom\+xml">Atom feed</a>', page)[1]
    served = urljoin("https://host/looker/changes/", href)
    assert served == "https://host/looker/changes.xml"
    feed = ET.parse(built_site / "looker" / "changes.xml").getroot()
    assert feed.findtext(f"{A}id") == SITE + "looker/changes.xml"


def test_every_link_in_the_feed_names_a_built_page_and_anchor(built_site: Path):
    feed = ET.parse(built_site / "looker" / "changes.xml").getroot()
    urls = [link.get("href") or "" for link in feed.iter(f"{A}link")]
    for content in feed.iter(f"{A}content"):
        urls += re.findall(r'href="([^"]+)"', content.text or "")
    assert len(urls) > 5
    for url in urls:
        path, fragment = local(built_site, url)
        assert path.is_file(), url
        if fragment:
            assert f'id="{fragment}"' in path.read_text(encoding="utf-8"), url
