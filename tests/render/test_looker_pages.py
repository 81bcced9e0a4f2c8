"""The generated Looker catalog pages: index, folder pages, explores, unused content.

Most tests check `looker_pages.pages(catalog)` directly and render the Markdown with the
same extensions as mkdocs.yml, so they run in milliseconds and need no MkDocs build
(`helpers.catalogs` makes the catalogs, `helpers.pages` reads the pages).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from handbook.catalog import Notice, load_catalog
from handbook.curated.policy import LookerPolicy
from handbook.project import Project
from handbook.snapshot.model import (
    LookerExplore,
    LookerField,
    LookerSnapshot,
)
from helpers.catalogs import (
    BUILT,
    PULLED,
    folder,
    item,
    looker_pages_by_path,
    make_catalog,
    snapshot,
)
from helpers.pages import Html, front_matter, rows, section, to_html, unused_owner_pages


# --- index ------------------------------------------------------------------------------
def test_index_counts_folders_dashboards_looks_explores():
    snap = snapshot(
        items=[item("1"), item("2"), item("3", kind="dashboard")],
        folders=[folder("1", "Shared"), folder("10", "Team", "1"), folder("11", "Other", "1")],
        explores=[
            LookerExplore(model="m", name="a", fields=[LookerField(name="v.x")]),
            LookerExplore(model="m", name="b"),
        ],
    )
    md = looker_pages_by_path(make_catalog(snap))["looker/index.md"].content
    html = to_html(md)
    counts = re.search(r"<p>(<strong>\d+</strong> \w+ · )+<strong>\d+</strong> \w+</p>", html)
    assert counts, html
    text = re.sub(r"<[^>]+>", "", counts.group(0))
    assert text == "3 folders · 1 dashboards · 2 looks · 2 explores · 1 fields"
    assert 'href="explores.md"' in html and 'href="unused.md"' in html


def test_index_most_viewed_is_the_top_25_by_views_descending():
    views = [(n * 37) % 101 * 10 + n for n in range(40)]  # distinct, shuffled
    snap = snapshot(items=[item(str(n), f"Report {n}", view_count=v) for n, v in enumerate(views)])
    md = looker_pages_by_path(make_catalog(snap))["looker/index.md"].content
    shown = rows(section(md, "## Most viewed"))
    assert len(shown) == 25
    expected = sorted(range(40), key=lambda n: -views[n])[:25]
    assert [r[0] for r in shown] == [f"Report {n}" for n in expected]
    assert [int(r[4].replace(",", "")) for r in shown] == sorted(
        (views[n] for n in expected), reverse=True
    )


def test_index_recently_updated_is_newest_first_and_skips_undated():
    snap = snapshot(
        items=[
            item("1", "Old", updated_at=PULLED - timedelta(days=30)),
            item("2", "New", updated_at=PULLED - timedelta(days=1)),
            item("3", "Undated", updated_at=None),
        ]
    )
    md = looker_pages_by_path(make_catalog(snap))["looker/index.md"].content
    assert [r[0] for r in rows(section(md, "## Recently updated"))] == ["New", "Old"]


def test_index_folder_tree_is_a_nested_list_linking_every_folder_page():
    snap = snapshot(
        items=[item("1", folder_id="12")],
        folders=[
            folder("1", "Shared"),
            folder("10", "Team", "1"),
            folder("12", "Deep", "10"),
            folder("2", "Other root"),
        ],
    )
    pages = looker_pages_by_path(make_catalog(snap))
    html = to_html(section(pages["looker/index.md"].content, "## Folders"))
    # Deep sits in a list inside Team's item, inside Shared's item.
    assert re.search(
        r"<li><a href=\"folders/1-shared.md\">Shared</a> \(0\)\s*<ul>\s*"
        r"<li><a href=\"folders/10-team.md\">Team</a> \(0\)\s*<ul>\s*"
        r"<li><a href=\"folders/12-deep.md\">Deep</a> \(1\)</li>",
        html,
    ), html
    for href, _ in Html(html).links:
        assert f"looker/{href}" in pages


# --- folder pages -----------------------------------------------------------------------
def item_sections(md: str) -> list[tuple[str, str, str]]:
    """(anchor, title, text up to the next item) for each item heading of a folder page."""
    found = re.finditer(r"^### ([^\n]+) \{ #([a-z0-9-]+) \}\n(.*?)(?=^### |\Z)", md, re.M | re.S)
    return [(m.group(2), m.group(1), m.group(3)) for m in found]


def test_folder_page_gives_each_item_a_heading_and_anchor_sorted_by_views():
    snap = snapshot(
        items=[
            item("1", "Low", view_count=5, owner="Ann", description="few", favorite_count=1),
            item("2", "High", kind="dashboard", view_count=500, owner="Bob", recent_views=12),
            item("3", "Mid", view_count=50, updated_at=datetime(2026, 1, 2, tzinfo=UTC)),
            item("4", "Elsewhere", folder_id="1", view_count=9999),
        ]
    )
    pages = looker_pages_by_path(make_catalog(snap))
    page = pages["looker/folders/10-team.md"]
    assert page.edit_path == "catalog/looker.yml"
    parsed = Html(to_html(page.content))
    assert [h for h in parsed.headings if h[0] == "h3"] == [
        ("h3", "High"),
        ("h3", "Mid"),
        ("h3", "Low"),
    ]
    html = to_html(page.content)
    assert '<h3 id="dashboard-2">' in html and '<h3 id="look-1">' in html
    sections = {a: text for a, _, text in item_sections(page.content)}
    assert "owner Bob" in sections["dashboard-2"] and "updated 2026-11-12" in sections["look-1"]
    assert "500 views since created" in sections["dashboard-2"]
    assert "12 views in 90 days" in sections["dashboard-2"]
    assert "90-day views not read" in sections["look-3"] and "50 views since" in sections["look-3"]
    assert "few" in sections["look-1"] and "1 favorite<br>" in sections["look-1"]
    assert ("https://example.looker.com/dashboards/2", "Open in Looker") in parsed.links
    # No wide table, and the page's own table of contents is hidden (thousands of items).
    assert not parsed.tables and front_matter(page.content)[0]["hide"] == ["toc"]
    # Breadcrumb back to the index and the parent folder; subfolders of the parent.
    assert ("../index.md", "Looker catalog") in parsed.links
    assert ("1-shared.md", "Shared") in parsed.links
    parent = pages["looker/folders/1-shared.md"].content
    assert ("10-team.md", "Team") in Html(to_html(parent)).links
    assert [t for _, t, _ in item_sections(parent)] == ["Elsewhere"]


def test_items_without_a_published_folder_get_their_own_page():
    snap = snapshot(items=[item("1", "Loose", folder_id=None), item("2", "Lost", folder_id="999")])
    pages = looker_pages_by_path(make_catalog(snap))
    page = pages["looker/folders/unfiled.md"]
    assert [t for _, t, _ in item_sections(page.content)] == ["Loose", "Lost"]
    assert "folders/unfiled.md" in pages["looker/index.md"].content


def empty_folders_snapshot() -> LookerSnapshot:
    """Shared holds Team (one look) and Empty (nothing, nor its subfolder Deeper); the root
    Users holds only a personal folder, whose items the policy keeps off the site."""
    return snapshot(
        items=[
            item("1", "Team report", folder_id="10"),
            item("2", "Private sketch", folder_id="200"),
            item("3", "Private scratch", folder_id="201"),
        ],
        folders=[
            folder("1", "Shared"),
            folder("10", "Team", "1"),
            folder("11", "Empty", "1"),
            folder("12", "Deeper", "11"),
            folder("2", "Users"),
            folder("200", "Ada Lovelace", "2", is_personal=True),
            folder("201", "Scratch", "200", is_personal_descendant=True),
        ],
    )


def test_an_empty_folder_is_listed_with_count_zero_but_gets_no_page():
    pages = looker_pages_by_path(make_catalog(empty_folders_snapshot()))
    folder_pages = {p for p in pages if p.startswith("looker/folders/")}
    # Shared has no item of its own, but Team below it has one: both get a page.
    assert folder_pages == {"looker/folders/1-shared.md", "looker/folders/10-team.md"}
    index = to_html(section(pages["looker/index.md"].content, "## Folders"))
    assert "<li>Empty (0)" in index and "<li>Deeper (0)</li>" in index
    assert "<li>Users (0)</li>" in index
    assert '<a href="folders/1-shared.md">Shared</a> (0)' in index
    shared = to_html(section(pages["looker/folders/1-shared.md"].content, "## Subfolders"))
    assert "<li>Empty (0)</li>" in shared and '<a href="10-team.md">Team</a> (1)' in shared


def test_no_page_links_to_a_folder_page_that_is_not_generated():
    pages = looker_pages_by_path(make_catalog(empty_folders_snapshot()))
    for path, page in pages.items():
        for href, _ in Html(to_html(page.content)).links:
            if not href.startswith(("http", "#")):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), href))
                assert target.split("#")[0] in pages, (path, href)


def test_personal_folders_stay_off_every_page_even_as_empty_names():
    pages = looker_pages_by_path(make_catalog(empty_folders_snapshot()))
    for page in pages.values():
        for hidden in ("Ada Lovelace", "Scratch", "Private sketch", "Private scratch"):
            assert hidden not in page.content, (page.path, hidden)


def test_folder_page_paths_are_safe_slugs():
    snap = snapshot(
        items=[item("1", folder_id="../x"), item("2", folder_id="5")],
        folders=[folder("../x", "<b>Ünïcode / ../../etc</b>"), folder("5", "🙂")],
    )
    paths = set(looker_pages_by_path(make_catalog(snap)))
    for path in paths:
        assert re.fullmatch(r"looker/(folders/[a-z0-9-]+|[a-z]+)\.md", path), path
    assert "looker/folders/5-item.md" in paths


# --- explores ---------------------------------------------------------------------------
def test_explores_page_lists_visible_fields_per_model_and_explore():
    snap = snapshot(
        explores=[
            LookerExplore(
                model="product",
                name="usage",
                label="Usage",
                description="Monthly usage.",
                fields=[
                    LookerField(
                        name="u.mau",
                        label="MAU",
                        type="sum",
                        category="measure",
                        description="Active users.",
                    ),
                    LookerField(name="u.secret", label="Secret", hidden=True),
                    LookerField(name="u.month", type="date_month"),
                ],
            ),
            LookerExplore(model="customer", name="nps"),
        ]
    )
    page = looker_pages_by_path(make_catalog(snap))["looker/explores.md"]
    parsed = Html(to_html(page.content))
    assert [h for h in parsed.headings if h[0] in ("h2", "h3")] == [
        ("h2", "Model customer"),
        ("h3", "nps"),
        ("h2", "Model product"),
        ("h3", "Usage"),
    ]
    assert ("h3", {"id": "explore-product-usage"}) in parsed.tags
    assert ("https://example.looker.com/explore/product/usage", "Open in Looker") in parsed.links
    assert parsed.tables[0][1:] == [
        ["u.mau", "MAU", "sum", "measure", "Active users."],
        ["u.month", "", "date_month", "dimension", ""],
    ]
    assert "u.secret" not in page.content and "Secret" not in page.content
    assert "Monthly usage." in parsed.text


# --- unused -----------------------------------------------------------------------------
def _markdown(pages) -> dict[str, str]:
    return {path: page.content for path, page in pages.items()}


def test_unused_report_boundary_is_exactly_unused_after_days():
    days = 90
    snap = snapshot(
        items=[
            item("1", "Exactly 90 days", owner="Ann", last_viewed_at=PULLED - timedelta(days=days)),
            item(
                "2",
                "Just inside",
                owner="Ann",
                last_viewed_at=PULLED - timedelta(days=days) + timedelta(seconds=1),
            ),
            item("3", "Never viewed", owner="Bob", last_viewed_at=None),
            item("4", "Long ago", owner="Ann", last_viewed_at=PULLED - timedelta(days=400)),
            item("5", "Yesterday", owner="Bob"),
            item("6", "Nobody's", owner=None, last_viewed_at=None),
        ]
    )
    pages = _markdown(
        looker_pages_by_path(make_catalog(snap, policy=LookerPolicy(unused_after_days=days)))
    )
    summary = pages["looker/unused.md"]
    parsed = Html(to_html(summary))
    assert [h[1] for h in parsed.headings if h[0] == "h2"] == [
        "By owner",
        "Content whose owner left",
    ]
    # One row per owner: how many, how many never viewed, the oldest last view.
    assert rows(section(summary, "## By owner")) == [
        ["Ann", "2", "0", "2025-10-18"],
        ["Bob", "1", "1", "never"],
        ["No owner", "1", "1", "never"],
    ]
    assert "4 in all, from 3 owners" in " ".join("".join(parsed.text).split())
    owners = unused_owner_pages(pages)
    ann = rows(owners["Ann"][1])
    assert [(r[0], r[3]) for r in ann] == [
        ("Long ago", "2025-10-18"),
        ("Exactly 90 days", "2026-08-24"),
    ]
    assert [(r[0], r[3]) for r in rows(owners["Bob"][1])] == [("Never viewed", "never")]
    assert [r[0] for r in rows(owners["No owner"][1])] == ["Nobody's"]
    unused = [md for path, md in pages.items() if path.startswith("looker/unused")]
    assert not any("Just inside" in md or "Yesterday" in md for md in unused)


def test_unused_days_come_from_the_policy():
    snap = snapshot(items=[item("1", "Ten days", last_viewed_at=PULLED - timedelta(days=10))])
    short = looker_pages_by_path(make_catalog(snap, policy=LookerPolicy(unused_after_days=7)))
    long = looker_pages_by_path(make_catalog(snap, policy=LookerPolicy(unused_after_days=30)))
    assert [r[0] for r in rows(unused_owner_pages(_markdown(short))["No owner"][1])] == ["Ten days"]
    assert unused_owner_pages(_markdown(long)) == {}
    assert not any(p.startswith("looker/unused/") for p in long)
    assert "Every published item was viewed in the last 30 days." in to_html(
        long["looker/unused.md"].content
    )


def test_an_owners_page_lists_exactly_their_unused_items_with_the_old_columns():
    snap = snapshot(
        items=[
            item(
                "1",
                "Ann's old",
                owner="Ann",
                last_viewed_at=PULLED - timedelta(days=200),
                recent_views=0,
                view_count=650,
            ),
            item("2", "Ann's never", kind="dashboard", owner="Ann", last_viewed_at=None),
            item("3", "Ann's busy", owner="Ann"),
            item("4", "Bob's old", owner="Bob", last_viewed_at=PULLED - timedelta(days=100)),
        ]
    )
    pages = _markdown(looker_pages_by_path(make_catalog(snap)))
    path, ann = unused_owner_pages(pages)["Ann"]
    assert path.startswith("looker/unused/ann-") and path.endswith(".md")
    parsed = Html(to_html(ann))
    assert parsed.headings[0] == ("h1", "Unused content: Ann")
    assert front_matter(ann)[0]["title"] == "Unused content: Ann"
    assert parsed.tables[0] == [
        ["Title", "Kind", "Folder", "Last viewed", "Views, last 90 days", "Views, lifetime"],
        ["Ann's never", "dashboard", "Team", "never", "—", "0"],
        ["Ann's old", "look", "Team", "2026-05-06", "0", "650"],
    ]
    links = dict((text, href) for href, text in parsed.links)
    assert links["Unused content"] == "../unused.md"  # back to the summary
    assert links["Team"] == "../folders/10-team.md"
    assert links["Ann's old"] == "https://example.looker.com/looks/1"
    assert "Looker data pulled at" in "".join(parsed.text)  # the notice, as on every page


def test_owners_whose_names_slug_alike_never_share_a_page():
    # Same slug: "ann-lee". The last two also share the first 8 hex digits of their SHA-256.
    clashing = ["Ann Lee", "ann-lee", "ANN LEE!", "-ANN--lee~", "  ANn - lEE-"]
    # Names like the no-owner page's, and like the summary's own address (`index`).
    odd = ["no-owner", "No owner", "index", "!!!"]
    owners = [*clashing, *odd, None]
    snap = snapshot(
        items=[
            item(str(n), f"Report {n}", owner=o, last_viewed_at=None) for n, o in enumerate(owners)
        ]
    )
    pages = _markdown(looker_pages_by_path(make_catalog(snap)))
    unused = [p for p in pages if p.startswith("looker/unused/")]
    assert len(unused) == len(set(unused)) == len(owners)
    assert "looker/unused/index.md" not in unused
    summary = Html(to_html(section(pages["looker/unused.md"], "## By owner")))
    by_link = {
        posixpath.normpath(posixpath.join("looker", href)): text for href, text in summary.links
    }
    for n, owner in enumerate(owners):
        page = next(p for p in unused if f"Report {n}]" in pages[p])
        assert [r[0] for r in rows(pages[page])] == [f"Report {n}"]
        assert by_link[page] == (" ".join(owner.split()) if owner else "No owner")
    assert by_link["looker/unused/no-owner.md"] == "No owner"
    assert '<a href="unused/no-owner.md"><em>No owner</em></a>' in to_html(
        pages["looker/unused.md"]
    )
    # The digest clash: both pages carry all 64 digits; the others keep 8.
    long = sorted(p for p in unused if len(p.rsplit("-", 1)[-1]) == len("0" * 64 + ".md"))
    assert sorted(by_link[p] for p in long) == ["-ANN--lee~", "ANn - lEE-"]
    tags = {hashlib.sha256(name.encode()).hexdigest()[:8] for name in clashing[-2:]}
    assert len(tags) == 1  # the pair does clash at 8 digits


def test_a_blank_owner_name_counts_as_no_owner():
    owners = [None, "", "  \n "]
    snap = snapshot(
        items=[
            item(str(n), f"Report {n}", owner=o, last_viewed_at=None) for n, o in enumerate(owners)
        ]
    )
    pages = _markdown(looker_pages_by_path(make_catalog(snap)))
    (only,) = unused_owner_pages(pages)
    assert only == "No owner"
    assert [p for p in pages if p.startswith("looker/unused/")] == ["looker/unused/no-owner.md"]
    assert len(rows(pages["looker/unused/no-owner.md"])) == 3


def test_an_owners_page_keeps_its_address_from_pull_to_pull():
    def address(owners: list[str]) -> str:
        snap = snapshot(
            items=[item(str(n), owner=o, last_viewed_at=None) for n, o in enumerate(owners)]
        )
        pages = _markdown(looker_pages_by_path(make_catalog(snap)))
        return unused_owner_pages(pages)["Ann Lee"][0]

    assert (
        address(["Ann Lee"]) == address(["ann-lee", "Ann Lee", "Zed"]) == address(["Ann Lee", "A"])
    )


# --- data age, notices, no snapshot -------------------------------------------------------
def test_every_page_says_when_the_data_was_pulled():
    pages = looker_pages_by_path(make_catalog(snapshot(items=[item("1")])))
    assert len(pages) >= 5
    for page in pages.values():
        assert page.edit_path == "catalog/looker.yml"
        text = "".join(Html(to_html(page.content)).text)
        assert "Looker data pulled at 2026-11-22 06:00 UTC." in text


def test_a_page_does_not_change_with_the_build_time():
    """The pull time is absolute; how long ago it was is left to the reader's browser, so
    the same snapshot renders the same pages a minute or a week later (serve re-renders and
    rewrites only what changed)."""
    snap = snapshot(items=[item("1")])
    early = looker_pages_by_path(make_catalog(snap, built_at=PULLED + timedelta(minutes=39)))
    late = looker_pages_by_path(make_catalog(snap, built_at=PULLED + timedelta(days=8)))
    assert {p: page.content for p, page in early.items()} == {
        p: page.content for p, page in late.items()
    }
    assert (
        '<time class="hb-time" datetime="2026-11-22T06:00:00Z">' in early["looker/index.md"].content
    )


def test_no_snapshot_still_generates_the_nav_pages_saying_so():
    pages = looker_pages_by_path(make_catalog(None))
    assert set(pages) == {
        "looker/index.md",
        "looker/boards.md",
        "looker/explores.md",
        "looker/unused.md",
        "looker/broken.md",
        "looker/changes.md",
    }
    for page in pages.values():
        html = to_html(page.content)
        assert "No Looker snapshot yet" in html
        assert "There is no Looker snapshot" in html
        assert Html(html).headings[0][0] == "h1"


def test_notices_render_as_warning_admonitions_only_for_their_source():
    notices = [
        Notice("looker", "The Looker pull failed (HTTP 503 | <b>down</b>)."),
        Notice("bigquery", "BigQuery is unhappy."),
    ]
    pages = looker_pages_by_path(make_catalog(snapshot(items=[item("1")]), notices=notices))
    for page in pages.values():
        html = to_html(page.content)
        assert '<div class="admonition warning">' in html
        assert "The Looker pull failed (HTTP 503 | <b>down</b>)." in "".join(Html(html).text)
        assert "<b>" not in html
        assert "BigQuery is unhappy" not in html


def _write_attempt(project: Project, attempted_at: datetime) -> None:
    project.attempt_file("looker").write_text(
        json.dumps(
            {"source": "looker", "attempted_at": attempted_at.isoformat(), "error": "HTTP 503"}
        ),
        encoding="utf-8",
    )


def test_failed_pull_newer_than_the_snapshot_shows_a_notice(handbook_copy: Project):
    snap = LookerSnapshot.model_validate_json(handbook_copy.looker_snapshot.read_text())
    _write_attempt(handbook_copy, snap.pulled_at + timedelta(hours=5))
    pages = looker_pages_by_path(
        load_catalog(handbook_copy, now=snap.pulled_at + timedelta(days=1))
    )
    for page in pages.values():
        html = to_html(page.content)
        assert '<div class="admonition warning">' in html, page.path
        text = "".join(Html(html).text)
        assert "pull at 2026-11-22 11:00 UTC failed (HTTP 503)" in text
        assert "last good snapshot, from 2026-11-22 06:00 UTC" in text


def test_a_recorded_error_with_backticks_reads_as_quotes_and_says_how_the_notice_goes(
    handbook_copy: Project,
):
    """Attempt files written before the credentials message lost its backticks still exist."""
    snap = LookerSnapshot.model_validate_json(handbook_copy.looker_snapshot.read_text())
    attempted = (snap.pulled_at + timedelta(hours=5)).isoformat()
    error = "no credentials (run `gcloud auth application-default login`)"
    handbook_copy.attempt_file("looker").write_text(
        json.dumps({"source": "looker", "attempted_at": attempted, "error": error})
    )
    catalog = load_catalog(handbook_copy, now=snap.pulled_at + timedelta(days=1))
    text = "".join(Html(to_html(looker_pages_by_path(catalog)["looker/index.md"].content)).text)
    assert "failed (no credentials (run 'gcloud auth application-default login'))" in text
    assert "`" not in text
    assert (
        "This notice goes away after the next successful handbook refresh (or when "
        "catalog/snapshot/looker.attempt.json is deleted)." in text
    )


def test_failed_pull_older_than_the_snapshot_shows_no_notice(handbook_copy: Project):
    snap = LookerSnapshot.model_validate_json(handbook_copy.looker_snapshot.read_text())
    _write_attempt(handbook_copy, snap.pulled_at - timedelta(hours=5))
    pages = looker_pages_by_path(
        load_catalog(handbook_copy, now=snap.pulled_at + timedelta(days=1))
    )
    for page in pages.values():
        assert "Pull failed" not in to_html(page.content)


def test_failed_pull_with_no_snapshot_at_all(handbook_copy: Project):
    handbook_copy.looker_snapshot.unlink()
    _write_attempt(handbook_copy, PULLED)
    pages = looker_pages_by_path(load_catalog(handbook_copy, now=BUILT))
    assert set(pages) == {
        "looker/index.md",
        "looker/boards.md",
        "looker/explores.md",
        "looker/unused.md",
        "looker/broken.md",
        "looker/changes.md",
    }
    for page in pages.values():
        html = to_html(page.content)
        assert '<div class="admonition warning">' in html
        assert "No Looker snapshot yet" in html


# --- scale --------------------------------------------------------------------------------
def synthetic(n_items: int = 20_000, n_folders: int = 2_000) -> LookerSnapshot:
    """A big catalog: folders in a tree 4 levels deep, items spread over them."""
    folders = [folder("f0", "Root")]
    for n in range(1, n_folders):
        folders.append(folder(f"f{n}", f"Folder {n}", f"f{(n - 1) // 12}"))
    items = [
        item(
            str(n),
            f"Synthetic report {n}",
            kind="look" if n % 3 else "dashboard",
            folder_id=f"f{n % n_folders}",
            view_count=(n * 7919) % 10_007,
            owner=f"Owner {n % 50}",
            last_viewed_at=PULLED - timedelta(days=n % 200),
        )
        for n in range(n_items)
    ]
    return snapshot(items=items, folders=folders)


def test_a_large_catalog_renders_one_page_per_folder():
    pages = looker_pages_by_path(make_catalog(synthetic(4_000, 400)))
    assert sum(p.startswith("looker/folders/") for p in pages) == 400
    total_rows = sum(
        len(item_sections(p.content))
        for path, p in pages.items()
        if path.startswith("looker/folders/")
    )
    assert total_rows == 4_000


# --- the built site -----------------------------------------------------------------------
@pytest.mark.slow
def test_built_site_search_index_finds_items_on_folder_pages(built_site: Path):
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    folder_docs = [d for d in index["docs"] if d["location"].startswith("looker/folders/")]
    text = " ".join(d["title"] + " " + d["text"] for d in folder_docs)
    # Only on a folder page (it is not among the most viewed or unused), yet found by search.
    assert "Telemetry status by customer" in text
    assert "Total searches, lines of code indexed" in text
    assert (built_site / "looker/folders/120-company-metrics/index.html").is_file()
    html = (built_site / "looker/index.html").read_text(encoding="utf-8")
    assert 'href="folders/120-company-metrics/"' in html


def test_notices_partial_for_bigquery_uses_the_freshness_check_time():
    from handbook.render.templating import environment
    from handbook.snapshot.model import FreshnessSnapshot

    template = environment().from_string('{% include "_notices.md.j2" %}')
    catalog = make_catalog(
        snapshot(), notices=[Notice("bigquery", "BigQuery said no."), Notice("looker", "L")]
    )
    missing = template.render(catalog=catalog, notice_source="bigquery")
    assert "No BigQuery freshness snapshot yet" in missing
    assert "BigQuery said no." in missing and "L\n" not in missing
    catalog.freshness = FreshnessSnapshot(checked_at=BUILT - timedelta(hours=5))
    html = to_html(template.render(catalog=catalog, notice_source="bigquery"))
    assert "BigQuery freshness data pulled at" in html
    assert (
        '<time class="hb-time" datetime="2026-11-25T03:00:00Z">2026-11-25 03:00 UTC</time>.' in html
    )
    assert html.count('class="admonition warning"') == 1
