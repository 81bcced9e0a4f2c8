"""The handbook builds offline from the committed snapshot, with the pages a reader expects."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from handbook.project import Project
from helpers.handbook import run_build


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def visible(site: Path, page: str) -> str:
    """The page's text as a reader sees it (character references decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", read(site, page)))


def test_strict_build_with_no_credentials_produces_every_generated_page(built_site: Path):
    for page in (
        "index.html",
        "reports/index.html",
        "metrics/index.html",
        "metrics/mau/index.html",
        "data/freshness/index.html",
        "looker/index.html",
        "looker/explores/index.html",
        "looker/unused/index.html",
        "catalog.json",
        "search/search_index.json",
    ):
        assert (built_site / page).is_file(), f"{page} missing from the built site"


def test_each_owner_row_of_the_unused_summary_links_to_a_built_page_of_their_items(
    built_site: Path,
):
    summary = read(built_site, "looker/unused/index.html")
    owners = summary[summary.index('id="by-owner"') : summary.index('id="owner-left"')]
    found = re.findall(r'<td><a href="([^"]+)">([^<]+)</a></td>', owners)
    links = {href: html.unescape(text) for href, text in found}
    assert sorted(links.values()) == ["Andy Schumeister", "Eric Brody-Moore", "Nick Gage"]
    for href, owner in links.items():
        page = f"looker/unused/{href}index.html"
        assert (built_site / page).is_file(), f"{owner}'s link {href} leads nowhere"
        text = " ".join(visible(built_site, page).split())
        assert f"Unused content: {owner}" in text
    eric = next(h for h, o in links.items() if o == "Eric Brody-Moore")
    text = " ".join(visible(built_site, f"looker/unused/{eric}index.html").split())
    assert text.index("Extensions") < text.index("Code monitoring usage")  # oldest first
    assert "Marketing site traffic" not in text  # Andy's


def test_an_owner_page_gone_from_the_catalog_goes_from_the_next_build(handbook_copy: Project):
    assert run_build(handbook_copy).returncode == 0
    andy = "looker/unused/andy-schumeister-829499e2"
    assert (handbook_copy.root / "site" / andy / "index.html").is_file()
    assert (handbook_copy.generated_dir / f"{andy}.md").is_file()
    snapshot = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))
    (item,) = [i for i in snapshot["items"] if i["owner"] == "Andy Schumeister"]
    item["last_viewed_at"] = snapshot["pulled_at"]  # viewed at the next pull: in use
    handbook_copy.looker_snapshot.write_text(json.dumps(snapshot), encoding="utf-8")
    result = run_build(handbook_copy)
    assert result.returncode == 0, result.stderr
    assert not (handbook_copy.root / "site" / andy).exists()
    assert not (handbook_copy.generated_dir / f"{andy}.md").exists()
    assert "Andy Schumeister" not in visible(
        handbook_copy.root / "site", "looker/unused/index.html"
    )


def test_notable_reports_link_to_the_seed_looker_ids_with_live_titles(built_site: Path):
    page = read(built_site, "reports/index.html")
    text = visible(built_site, "reports/index.html")
    assert 'href="https://sourcegraph.looker.com/looks/729"' in page
    assert "Monthly users by instance type" in text
    # Filters typed in catalog/reports.yml stay on the link.
    assert 'href="https://sourcegraph.looker.com/looks/971?toggle=fil,pik"' in page
    assert "Customer support tickets" in text
    for heading in (
        "Company-level metrics",
        "Customer-level metrics",
        "Full instance overview",
        "Feature dashboards",
    ):
        assert heading in text


def test_pages_have_edit_link_last_updated_and_dark_mode(built_site: Path):
    html = read(built_site, "team/capabilities/index.html")
    assert re.search(r'href="[^"]*/edit/main/docs/team/capabilities\.md"', html)
    assert "git-revision-date-localized-plugin" in html  # "last updated" footer
    assert 'data-md-color-scheme="slate"' in html  # dark palette toggle
    # Generated pages send editors to the YAML they come from, not to a file that does not exist.
    assert re.search(r'href="[^"]*catalog/reports\.yml"', read(built_site, "reports/index.html"))


def test_search_index_contains_handbook_and_catalog_text(built_site: Path):
    index = json.loads(read(built_site, "search/search_index.json"))
    text = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"])
    assert "HubSpot" in text
    assert "Monthly users by instance type" in text


def test_bad_catalog_yaml_fails_the_build_naming_file_and_line(handbook_copy: Project):
    reports = handbook_copy.reports_file
    text = reports.read_text()
    assert "      - look: 729\n" in text
    reports.write_text(
        text.replace("      - look: 729\n", "      - look: 729\n        titel: x\n", 1)
    )
    result = run_build(handbook_copy)
    assert result.returncode != 0
    assert "catalog/reports.yml:" in result.stderr
    assert "unknown key 'titel'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (handbook_copy.root / "site" / "index.html").exists()
