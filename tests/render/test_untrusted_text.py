"""Text from Looker renders inert and intact, however hostile.

Titles, descriptions, owners, folder and explore names are typed by anyone with Looker
access. On the site each must show exactly as typed: no script runs, no link is made, no
table cell splits, no heading breaks, no Markdown formats it and no template evaluates it.

The page-level tests render the Markdown with the extensions mkdocs.yml configures; the
`hostile_site` tests check the real `mkdocs build --strict` output.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from pathlib import Path

import pytest
from handbook.snapshot.model import (
    BrokenItem,
    ChangeLog,
    ContentChange,
    ContentError,
    ContentValidation,
    LookerExplore,
    LookerField,
    LookerFolder,
    LookerItem,
    LookerSnapshot,
)
from helpers.catalogs import PULLED, item, looker_pages_by_path, make_catalog, snapshot
from helpers.handbook import copy_handbook, run_build
from helpers.hostile import HOSTILE
from helpers.pages import Html, front_matter, to_html, unused_owner_pages


def hostile_parts() -> tuple[list[LookerFolder], list[LookerItem], list[LookerExplore]]:
    """A folder, an item (never viewed: also on the unused page) and a field per string."""
    folders = [LookerFolder(id="9000", name=HOSTILE[0], parent_id="1")]
    items: list[LookerItem] = []
    for n, text in enumerate(HOSTILE):
        folders.append(LookerFolder(id=f"90{n:02d}", name=text, parent_id="9000"))
        items.append(
            item(
                f"90{n:02d}",
                text,
                kind="dashboard" if n % 2 else "look",
                folder_id=f"90{n:02d}",
                description=text,
                owner=text,
                last_viewed_at=None,
                view_count=10_000 + n,  # all among the most viewed on the index
            )
        )
    explores = [
        LookerExplore(
            model="hostile",
            name="hostile_explore",
            label=HOSTILE[0],
            description=HOSTILE[5],
            fields=[
                LookerField(name=f"v.f{n}", label=text, description=text, type="string")
                for n, text in enumerate(HOSTILE)
            ],
        )
    ]
    return folders, items, explores


def hostile_validation(items: list[LookerItem]) -> ContentValidation:
    """Each hostile item broken, its error's message, field, explore and tile its text."""
    return ContentValidation(
        state="ok",
        validated_at=PULLED,
        items=[
            BrokenItem(
                kind=i.kind,
                id=i.id,
                errors=[
                    ContentError(
                        message=i.title, model=i.title, explore=i.title, field=i.title, tile=i.title
                    )
                ],
            )
            for i in items
        ],
    )


def hostile_changes(items: list[LookerItem]) -> ChangeLog:
    """Each hostile item renamed from its own text, and one deleted with it as its title."""
    renamed = [
        ContentChange(
            at=PULLED,
            kind=i.kind,
            id=i.id,
            change="renamed",
            title=i.title,
            old_title=i.title,
            folder_id=i.folder_id,
            old_folder_id=i.folder_id,
            folders=["1", "9000", i.folder_id or ""],
        )
        for i in items
    ]
    deleted = [
        ContentChange(
            at=PULLED, kind="look", id=f"8{n}", change="deleted", title=text, folders=["1"]
        )
        for n, text in enumerate(HOSTILE)
    ]
    return ChangeLog(changes=[*renamed, *deleted])


def check_inert(html: str, where: str) -> Html:
    """Nothing from the data became markup: no script, image, data link or formatting."""
    parsed = Html(html)
    tags = {tag for tag, _ in parsed.tags}
    assert "script" not in tags, where
    assert "img" not in tags, where
    for tag, attrs in parsed.tags:
        assert not any(k.startswith("on") for k in attrs), (where, tag, attrs)
        href = attrs.get("href") or ""
        assert not href.lower().lstrip().startswith(("javascript", "data:")), (where, href)
    assert "alert(1)" not in " ".join(v or "" for _, a in parsed.tags for v in a.values()), where
    text = "".join(parsed.text)
    assert "49" not in text, f"{where}: a template evaluated {{{{ 7*7 }}}}"
    return parsed


def check_tables(parsed: Html, where: str) -> None:
    for table in parsed.tables:
        width = len(table[0])
        for row in table:
            assert len(row) == width, (where, row)


def test_hostile_text_is_inert_and_intact_on_every_looker_page():
    folders, items, explores = hostile_parts()
    base = snapshot()
    snap = snapshot(items=items, folders=[*base.folders, *folders], explores=explores)
    snap.content_validation = hostile_validation(items)
    catalog = make_catalog(snap)
    catalog.change_log = hostile_changes(items)
    pages = looker_pages_by_path(catalog)
    seen_cells: set[str] = set()
    for path, page in pages.items():
        parsed = check_inert(to_html(page.content), path)
        check_tables(parsed, path)
        for table in parsed.tables:
            for row in table:
                seen_cells.update(row)
    for text in HOSTILE:
        assert text in seen_cells, f"{text!r} not shown intact in any table cell"

    # Folder pages: the heading is the folder name, and the one row shows every field as typed.
    for n, text in enumerate(HOSTILE):
        page = pages[next(p for p in pages if p.startswith(f"looker/folders/90{n:02d}-"))]
        parsed = Html(to_html(page.content))
        assert parsed.headings[0] == ("h1", text)
        # The theme prints the front-matter title raw: it must be escaped, and mean `text`.
        meta, _ = front_matter(page.content)
        assert "<" not in meta["title"] and html.unescape(meta["title"]) == text
        # The item's own heading (title) and its line (owner) and description, intact.
        assert ("h3", text) in parsed.headings
        assert f"owner {text}" in "".join(parsed.text)
        assert (
            f"https://example.looker.com/{'dashboards' if n % 2 else 'looks'}/90{n:02d}",
            "Open in Looker",
        ) in parsed.links

    # Unused content: one summary row per string, its link text intact, leading to a page
    # whose heading and front-matter title (the theme prints it raw) are the string intact.
    owners = unused_owner_pages({path: page.content for path, page in pages.items()})
    assert sorted(owners) == sorted(HOSTILE)
    for text, (path, md) in owners.items():
        assert re.fullmatch(r"looker/unused/[a-z0-9-]+-[0-9a-f]{8}\.md", path), path
        assert Html(to_html(md)).headings[0] == ("h1", f"Unused content: {text}")
        meta, _ = front_matter(md)
        assert (
            "<" not in meta["title"] and html.unescape(meta["title"]) == f"Unused content: {text}"
        )
        assert [r[0] for r in Html(to_html(md)).tables[0][1:]] == [text]

    # Every error's message, field, explore and tile title, on its folder page and the
    # broken-content page; every title, old and new, on the changes page.
    broken = "".join(Html(to_html(pages["looker/broken.md"].content)).text)
    changes = Html(to_html(pages["looker/changes.md"].content))
    changed = {c for table in changes.tables for row in table for c in row}
    for n, text in enumerate(HOSTILE):
        folder = pages[next(p for p in pages if p.startswith(f"looker/folders/90{n:02d}-"))]
        shown = "".join(Html(to_html(folder.content)).text)
        whole = f"{text} (field {text}, explore {text}/{text}, tile “{text}”)"
        assert whole in shown and whole in broken, (n, text)
        assert text in changed and f"was “{text}”" in changed, (n, text)

    # Explores: the label is the heading, field labels and descriptions are intact cells.
    explores_page = Html(to_html(pages["looker/explores.md"].content))
    assert ("h3", HOSTILE[0]) in explores_page.headings
    assert HOSTILE[5] in "".join(explores_page.text)
    fields = explores_page.tables[0][1:]
    assert [(r[1], r[4]) for r in fields] == [(t, t) for t in HOSTILE]


def test_hostile_notice_message_is_inert():
    from handbook.catalog import Notice

    notices = [Notice("looker", text) for text in HOSTILE]
    pages = looker_pages_by_path(make_catalog(snapshot(), notices=notices))
    html = to_html(pages["looker/index.md"].content)
    parsed = check_inert(html, "index notices")
    text = "".join(parsed.text)
    for message in HOSTILE:
        assert message in text


# --- the real build ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The handbook built (strict) from the seed snapshot plus hostile folders and items."""
    project = copy_handbook(tmp_path_factory.mktemp("hostile") / "handbook")
    snap = LookerSnapshot.model_validate_json(project.looker_snapshot.read_text(encoding="utf-8"))
    folders, items, explores = hostile_parts()
    for i in items:
        i.updated_at = snap.pulled_at  # all among the recently updated too
    snap.folders.extend(folders)
    snap.items.extend(items)
    snap.explores.extend(explores)
    project.looker_snapshot.write_text(snap.model_dump_json(indent=2), encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project.root / "site"


def _looker_html(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in (site / "looker").rglob("index.html")
    }


@pytest.mark.slow
def test_built_looker_pages_show_hostile_text_inert_and_intact(hostile_site: Path):
    pages = _looker_html(hostile_site)
    assert "looker/index.html" in pages
    for path, page_html in pages.items():
        # The theme's own scripts are fine; none may come from the data.
        assert "alert(1)</script>" not in page_html, path
        assert "<img src=x" not in page_html and "onerror=alert" not in page_html, path
        article = page_html[page_html.index("<article") : page_html.index("</article>")]
        parsed = check_inert(article, path)
        check_tables(parsed, path)

    for n, text in enumerate(HOSTILE):
        path = next(p for p in pages if p.startswith(f"looker/folders/90{n:02d}-"))
        article_html = pages[path][pages[path].index("<article") : pages[path].index("</article>")]
        parsed = Html(article_html)
        assert parsed.headings[0] == ("h1", text), path
        # The item's heading is its title; owner and description follow it, as text.
        assert ("h3", text) in parsed.headings, path
        assert f"owner {text}" in "".join(parsed.text)
        # The browser tab title is the folder name too.
        title = re.search(r"<title>(.*?)</title>", pages[path], flags=re.S).group(1)
        assert "<" not in title and html.unescape(title).startswith(text + " - "), (path, title)

    index = Html(pages["looker/index.html"])
    cells = {c for table in index.tables for row in table for c in row}
    assert set(HOSTILE) <= cells

    # Each owner's unused-content page, reached from the summary: heading and tab title.
    summary = Html(pages["looker/unused/index.html"])
    owners = {text: href for href, text in summary.links if text in HOSTILE}
    assert sorted(owners) == sorted(HOSTILE)
    for text, href in owners.items():
        path = posixpath.normpath(posixpath.join("looker/unused", href, "index.html"))
        page_html = pages[path]
        article = Html(page_html[page_html.index("<article") : page_html.index("</article>")])
        assert article.headings[0] == ("h1", f"Unused content: {text}"), path
        title = re.search(r"<title>(.*?)</title>", page_html, flags=re.S).group(1)
        assert "<" not in title, (path, title)
        assert html.unescape(title).startswith(f"Unused content: {text} - "), (path, title)


@pytest.mark.slow
def test_search_index_holds_hostile_titles_as_text(hostile_site: Path):
    raw = (hostile_site / "search/search_index.json").read_text(encoding="utf-8")
    index = json.loads(raw)
    folder_docs = [d for d in index["docs"] if d["location"].startswith("looker/folders/90")]
    assert folder_docs
    for doc in folder_docs:
        # Search shows `text` as HTML: data must be escaped there, never live tags.
        assert "<script" not in doc["text"] and "<img" not in doc["text"], doc["location"]
    assert "49" not in " ".join(d["text"] for d in folder_docs)
