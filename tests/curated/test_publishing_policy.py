"""`catalog/looker.yml` decides what Looker content the site publishes, and nothing leaks.

Unit tests check `apply_policy`; the built-site tests grep every file of a strict build
(pages, search index, catalog.json, sitemap) for titles that must not be there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from handbook.curated.policy import LookerPolicy, apply_policy, load_policy
from handbook.snapshot.model import LookerItem, LookerSnapshot
from helpers.catalogs import folder, item, looker_pages_by_path, make_catalog, snapshot
from helpers.handbook import copy_handbook, run_build


def policy_snapshot() -> LookerSnapshot:
    return snapshot(
        folders=[
            folder("1", "Shared"),
            folder("10", "Team", "1"),
            folder("150", "Restricted", "1"),
            folder("151", "Board", "150"),
            folder("152", "Deeper", "151"),
            folder("2", "Users"),
            folder("200", "Ann Person", "2", is_personal=True),
            folder("201", "Scratch", "200", is_personal_descendant=True),
            folder("202", "Undeclared child", "200"),  # only the parent says personal
        ],
        items=[
            item("1", "Public report", folder_id="10"),
            item("2", "Restricted report", folder_id="150"),
            item("3", "Board report", folder_id="151"),
            item("4", "Deep report", folder_id="152"),
            item("5", "Personal report", folder_id="200"),
            item("6", "Scratch report", folder_id="201"),
            item("7", "Undeclared report", folder_id="202"),
            item("8", "Trashed report", folder_id="10", deleted=True),
        ],
    )


def titles(items: list[LookerItem]) -> set[str]:
    return {i.title for i in items}


def test_excluding_a_folder_excludes_its_whole_subtree():
    view = apply_policy(policy_snapshot(), LookerPolicy(exclude_folders=["150"]))
    assert {"150", "151", "152"} <= view.excluded_folder_ids
    assert not {"1", "10", "2"} & view.excluded_folder_ids
    published = titles(view.snapshot.items)
    assert "Public report" in published
    assert not {"Restricted report", "Board report", "Deep report"} & published
    assert {("look", "2"), ("look", "3"), ("look", "4")} <= set(view.excluded_items)
    assert not {"150", "151", "152"} & {f.id for f in view.snapshot.folders}


def test_excluding_a_subfolder_keeps_its_parent():
    view = apply_policy(policy_snapshot(), LookerPolicy(exclude_folders=["151"]))
    published = titles(view.snapshot.items)
    assert "Restricted report" in published
    assert not {"Board report", "Deep report"} & published


def test_personal_folders_are_private_by_default():
    view = apply_policy(policy_snapshot(), LookerPolicy())
    assert {"200", "201", "202"} <= view.excluded_folder_ids
    assert "2" not in view.excluded_folder_ids  # the "Users" root itself is not personal
    assert not {"Personal report", "Scratch report", "Undeclared report"} & titles(
        view.snapshot.items
    )


def test_include_personal_publishes_personal_folders():
    view = apply_policy(policy_snapshot(), LookerPolicy(include_personal=True))
    published = titles(view.snapshot.items)
    assert {"Personal report", "Scratch report", "Undeclared report"} <= published
    assert not view.excluded_folder_ids


def test_include_personal_still_honours_exclude_folders():
    view = apply_policy(
        policy_snapshot(), LookerPolicy(include_personal=True, exclude_folders=["201"])
    )
    published = titles(view.snapshot.items)
    assert "Personal report" in published and "Scratch report" not in published


def test_deleted_items_are_never_published_but_remembered():
    view = apply_policy(policy_snapshot(), LookerPolicy(include_personal=True))
    assert "Trashed report" not in titles(view.snapshot.items)
    assert ("look", "8") in view.deleted_items


def test_policy_file_ids_may_be_numbers(tmp_path: Path):
    path = tmp_path / "looker.yml"
    path.write_text("exclude_folders:\n  - 150\ninclude_personal: true\n", encoding="utf-8")
    policy = load_policy(path)
    assert policy.exclude_folders == ["150"] and policy.include_personal


def test_generated_pages_never_mention_excluded_content():
    catalog = make_catalog(policy_snapshot(), policy=LookerPolicy(exclude_folders=["150"]))
    pages = looker_pages_by_path(catalog)
    everything = "\n".join(p.path + "\n" + p.content for p in pages.values())
    for hidden in (
        "Restricted",
        "Board",
        "Deep",
        "Personal",
        "Scratch",
        "Undeclared",
        "Ann Person",
        "Trashed",
    ):
        # Whole words: the catalog's own "Boards" page is not the excluded folder "Board".
        assert not re.search(rf"\b{hidden}\b", everything), hidden
    assert "Public report" in everything
    assert not any("150" in p or "200" in p for p in pages)


# --- the built site --------------------------------------------------------------------
SECRET_TITLES = {
    "Quarterly ARR bridge",  # seed snapshot, folder 151 under excluded 150
    "Scratch: search latency idea",  # seed snapshot, personal folder 201
    "Old MAU definition (retired)",  # seed snapshot, deleted
    "Legacy growth dashboard",  # seed snapshot, deleted
    "Finance leadership",  # seed snapshot, board 30 in exclude_boards
    "Old onboarding board",  # seed snapshot, board 20 in the trash
    "Zebra secret in excluded folder",
    "Zebra secret in personal folder",
}
# Published content moved to the trash is named, unlinked, where the change is reported (the
# changes page and its feed; `catalog/snapshot/changes.json` records both), and nowhere else.
TRASHED = {"Legacy growth dashboard", "Old onboarding board"}
CHANGES = ("looker/changes.xml", "looker/changes/index.html")
SECRET_FOLDERS = {"Finance (restricted)", "Board reporting", "Eric Brody-Moore's zebra folder"}


@pytest.fixture(scope="module")
def policy_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The handbook built from the seed snapshot plus a few more private items."""
    project = copy_handbook(tmp_path_factory.mktemp("policy") / "handbook")
    snap = LookerSnapshot.model_validate_json(project.looker_snapshot.read_text(encoding="utf-8"))
    snap.folders.append(folder("7001", "Eric Brody-Moore's zebra folder", "200"))
    snap.items.extend(
        [
            item("7001", "Zebra secret in excluded folder", folder_id="151", view_count=10**6),
            item(
                "7002",
                "Zebra secret in personal folder",
                kind="dashboard",
                folder_id="7001",
                view_count=10**6,
                last_viewed_at=None,
            ),
        ]
    )
    project.looker_snapshot.write_text(snap.model_dump_json(indent=2), encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project.root / "site"


def _site_text(site: Path) -> dict[str, str]:
    out = {}
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".txt", ".js", ".md"):
            out[path.relative_to(site).as_posix()] = path.read_text(
                encoding="utf-8", errors="replace"
            )
    return out


def _variants(text: str) -> set[str]:
    """A title as it may appear in a file: plain, HTML-escaped, as numeric references."""
    import html

    from handbook.render.templating import md_text

    return {
        text,
        html.escape(text),
        html.escape(text, quote=False),
        str(md_text(text)),
        json.dumps(text)[1:-1],
    }


@pytest.mark.slow
def test_no_file_of_the_built_site_contains_excluded_content(policy_site: Path):
    files = _site_text(policy_site)
    assert "looker/index.html" in files and "catalog.json" in files
    assert "search/search_index.json" in files
    for secret in SECRET_TITLES | SECRET_FOLDERS:
        allowed = CHANGES if secret in TRASHED else ()
        for variant in _variants(secret):
            leaks = [n for n, text in files.items() if variant in text and n not in allowed]
            assert not leaks, f"{secret!r} ({variant!r}) found in {leaks}"
    for title in TRASHED:
        assert f"<td>{title}</td>\n<td>Trashed</td>" in files[CHANGES[1]]
    assert not any(
        p.startswith(
            (
                "looker/folders/150-",
                "looker/folders/151-",
                "looker/folders/200-",
                "looker/folders/201-",
                "looker/folders/7001-",
            )
        )
        for p in files
    )
    # The published content is there, so the grep above looked in the right places.
    assert "Monthly users by instance type" in files["search/search_index.json"]
    assert "Monthly users by instance type" in files["catalog.json"]


@pytest.mark.slow
def test_search_index_and_export_hold_no_excluded_ids(policy_site: Path):
    export = json.loads((policy_site / "catalog.json").read_text(encoding="utf-8"))
    blob = json.dumps(export)
    for look_id in ("1500", "1600", "7001", "7002"):
        assert f"/looks/{look_id}" not in blob and f"/dashboards/{look_id}" not in blob
    index = json.loads((policy_site / "search/search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for secret in SECRET_TITLES:
            assert secret not in doc["title"] + doc["text"], doc["location"]
