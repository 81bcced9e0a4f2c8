"""Looker boards: pulled in one request through the real looker-sdk, published by policy.

The fake Looker serves the seed snapshot's boards as the spec's `Board` objects (sections
and items nested, items out of display order, the trashed board with `deleted_at`) and
checks every answer against the spec, so these tests fail if the pull asks for a field a
`Board` does not have or forgets the display order.
"""

from __future__ import annotations

import json
import re

import pytest
from fakes.fake_looker import FakeLooker, from_snapshot
from handbook.curated.policy import LookerPolicy, apply_policy
from handbook.looker.pull import PullSettings, pull_snapshot
from handbook.snapshot.model import LookerSnapshot
from helpers.handbook import REPO

SEED = REPO / "catalog" / "snapshot" / "looker.json"


@pytest.fixture(scope="module")
def pulled() -> tuple[LookerSnapshot, FakeLooker]:
    with FakeLooker(from_snapshot(SEED)) as fake:
        settings = PullSettings(
            base_url=fake.base_url, client_id=fake.client_id, client_secret=fake.client_secret
        )
        snap = pull_snapshot(settings=settings)
    return snap, fake


def test_boards_come_in_one_request_with_a_fields_projection(pulled):
    _, fake = pulled
    calls = fake.requests_to("/boards")
    assert len(calls) == 1
    assert calls[0].query["fields"].startswith("id,title,description,deleted_at")
    assert fake.violations == []


def test_pulled_boards_equal_the_seed_with_sections_in_display_order(pulled):
    snap, _ = pulled
    seed = LookerSnapshot.model_validate(json.loads(SEED.read_text(encoding="utf-8")))
    assert [b.model_dump() for b in snap.boards] == [b.model_dump() for b in seed.boards]
    health = next(b for b in snap.boards if b.id == "12").sections[0]
    assert [(i.kind, i.id) for i in health.items] == [
        ("dashboard", "179"),
        ("look", "1065"),
        ("look", "1500"),
        ("look", "1290"),
    ]


def test_a_trashed_board_is_known_as_trashed(pulled):
    snap, _ = pulled
    assert {b.id: b.deleted for b in snap.boards} == {
        "12": False,
        "14": False,
        "20": True,
        "30": False,
    }


def test_policy_publishes_boards_without_excluded_trashed_or_unknown_items(pulled):
    snap, _ = pulled
    view = apply_policy(snap, LookerPolicy(exclude_folders=["150"], exclude_boards=["30"]))
    published = {b.id: b for b in view.snapshot.boards}
    assert set(published) == {"12", "14"}  # 20 is trashed, 30 excluded by id
    shown = [(i.kind, i.id) for s in published["12"].sections for i in s.items]
    # 1500 sits in the excluded Finance folder, 1290 is trashed, 9999 does not exist.
    assert shown == [("dashboard", "179"), ("look", "1065"), ("dashboard", "177")]
    assert view.lookup("board", "30")[0] == "excluded"
    assert view.lookup("board", "20")[0] == "deleted"
    assert view.lookup("board", "12")[0] == "published"
    assert view.lookup("board", "99")[0] == "missing"


def test_an_old_snapshot_without_boards_still_loads():
    data = json.loads(SEED.read_text(encoding="utf-8"))
    del data["boards"]
    assert LookerSnapshot.model_validate(data).boards == []


def test_the_boards_page_shows_published_boards_with_links_to_our_folder_pages():
    from handbook.catalog import load_catalog
    from handbook.project import Project
    from handbook.render.pages.looker_pages import pages

    catalog = load_catalog(Project(REPO))
    by_path = {p.path: p for p in pages(catalog)}
    md = by_path["looker/boards.md"].content
    assert "## Customer success { #board-12 }" in md
    assert "### Account health" in md and "How healthy each customer&#39;s deployment is." in md
    assert "- [MAUs by customer](folders/121-customer-health.md#look-1065) (look, " in md
    assert "[open in Looker](<https://sourcegraph.looker.com/dashboards/179>)" in md
    links = re.findall(r"\]\((folders/[^)#]+\.md)#([a-z0-9-]+)\)", md)
    assert links
    for link, anchor in links:  # every item links to its entry on a page we generate
        assert f"{{ #{anchor} }}" in by_path[f"looker/{link}"].content
    # Never a title of an excluded, trashed or unknown board or item.
    for hidden in ("Finance leadership", "Old onboarding board", "Quarterly ARR bridge", "9999"):
        assert hidden not in md
    assert "Old MAU definition" not in md
    assert "[boards](boards.md)" in by_path["looker/index.md"].content


def test_looker_pages_functions_stay_under_60_lines():
    import ast
    import inspect

    from handbook.render.pages import looker_pages

    tree = ast.parse(inspect.getsource(looker_pages))
    long = [
        n.name
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef) and n.end_lineno - n.lineno + 1 > 60
    ]
    assert long == []


def test_exclude_boards_ids_looker_lacks_are_named_with_their_line(tmp_path):
    from handbook.curated.policy import load_policy, unknown_exclusions

    path = tmp_path / "looker.yml"
    path.write_text("exclude_folders: [150]\nexclude_boards:\n  - 30\n  - 31\n  - 20\n")
    policy = load_policy(path, "catalog/looker.yml")
    seed = LookerSnapshot.model_validate(json.loads(SEED.read_text(encoding="utf-8")))
    unknown = unknown_exclusions(apply_policy(seed, policy), policy)
    # 30 is a board, 20 a trashed one (still known to Looker): only the typo is named.
    assert [(u.key, u.id, u.line) for u in unknown] == [("exclude_boards", "31", 4)]
    # A snapshot pulled before boards were says nothing about them: no false alarm.
    data = json.loads(SEED.read_text(encoding="utf-8"))
    del data["boards"]
    old = LookerSnapshot.model_validate(data)
    assert unknown_exclusions(apply_policy(old, policy), policy) == []
