"""What changed between Looker pulls (issue 19): `catalog/snapshot/changes.json`.

The comparison is plain data in, plain data out; the refresh tests drive `handbook
refresh` against `FakeLooker` twice, as the nightly run does, and read the file on disk.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from fakes.fake_looker import FakeLooker, board_row, from_snapshot
from handbook.catalog import load_catalog
from handbook.project import Project
from handbook.snapshot.changes import appended, changes_between
from handbook.snapshot.model import (
    ChangeLog,
    ContentChange,
    LookerBoard,
    LookerFolder,
    LookerItem,
    LookerSnapshot,
)
from helpers.handbook import clean_env, run_cli
from helpers.looker import SECRET, SEED

T0 = datetime(2026, 11, 1, 6, tzinfo=UTC)
T1 = datetime(2026, 11, 2, 6, tzinfo=UTC)
FOLDERS = [
    LookerFolder(id="1", name="Shared"),
    LookerFolder(id="10", name="Sales", parent_id="1"),
    LookerFolder(id="20", name="Ops", parent_id="1"),
    LookerFolder(id="2", name="Users"),
    LookerFolder(id="30", name="Ann", parent_id="2", is_personal=True),
]


def look(item_id: str, title: str = "A look", folder: str = "10", **extra) -> LookerItem:
    return LookerItem(kind="look", id=item_id, title=title, folder_id=folder, **extra)


def snapshot(at: datetime, items: list[LookerItem], boards=()) -> LookerSnapshot:
    return LookerSnapshot(
        pulled_at=at, base_url="https://x", folders=FOLDERS, items=items, boards=list(boards)
    )


def kinds(found: list[ContentChange]) -> list[tuple[str, str, str]]:
    return [(c.kind, c.id, c.change) for c in found]


def test_each_kind_of_change_between_two_pulls_is_found_once():
    old = snapshot(
        T0,
        [
            look("1"),
            look("2", "Churn"),
            look("3"),
            look("4", deleted=True),
            look("5"),
            look("6", deleted=True),
        ],
        [LookerBoard(id="7", title="Board")],
    )
    new = snapshot(
        T1,
        [
            look("2", "Churn by month", folder="20"),  # renamed and moved
            look("3", deleted=True),  # trashed
            look("4"),  # restored
            look("6", deleted=True),  # still in the trash: nothing new
            look("8"),  # added
            look("9", deleted=True),  # appeared already trashed: not news
        ],
        [LookerBoard(id="7", title="Team board")],
    )
    found = changes_between(old, new)
    assert sorted(kinds(found)) == sorted(
        [
            ("look", "1", "deleted"),
            ("look", "5", "deleted"),
            ("look", "2", "renamed"),
            ("look", "2", "moved"),
            ("look", "3", "trashed"),
            ("look", "4", "restored"),
            ("look", "8", "added"),
            ("board", "7", "renamed"),
        ]
    )
    renamed = next(c for c in found if c.change == "renamed" and c.kind == "look")
    assert (renamed.old_title, renamed.title) == ("Churn", "Churn by month")
    moved = next(c for c in found if c.change == "moved")
    assert (moved.old_folder_id, moved.folder_id, moved.folders) == ("10", "20", ["1", "10", "20"])
    assert all(c.at == T1 for c in found)
    assert changes_between(new, new) == []


def test_a_change_under_a_personal_folder_says_so():
    old = snapshot(T0, [look("1", folder="30")])
    new = snapshot(T1, [look("1", "Renamed", folder="30")])
    (change,) = changes_between(old, new)
    assert change.personal and change.folders == ["2", "30"]


def test_entries_older_than_180_days_by_pull_time_are_dropped():
    old = ContentChange(at=T1 - timedelta(days=181), kind="look", id="1", change="added")
    kept = ContentChange(at=T1 - timedelta(days=179), kind="look", id="2", change="added")
    new = ContentChange(at=T1, kind="look", id="3", change="added")
    log = appended(ChangeLog(changes=[old, kept]), [new], T1)
    assert [c.id for c in log.changes] == ["2", "3"]


# ----------------------------------------------------------------------------- refresh


def _env(fake: FakeLooker) -> dict[str, str]:
    env = clean_env(offline=False)
    env.update(fake.env(HANDBOOK_RETRY_BASE_SECONDS="0.01"))
    return env


def _seed_rows(data) -> dict[str, dict]:
    return {str(r["id"]): r for r in data.looks + data.dashboards}


def test_a_refresh_appends_what_changed_and_pages_see_only_published_changes(
    handbook_copy: Project,
):
    handbook_copy.changes_file.unlink(missing_ok=True)
    data = from_snapshot(SEED)
    with FakeLooker(data, client_secret=SECRET) as fake:
        first = run_cli(handbook_copy, "refresh", "--only", "looker", env=_env(fake))
        assert first.returncode == 0, first.stderr
        assert not handbook_copy.changes_file.exists()  # nothing changed yet
        rows = _seed_rows(data)
        rows["729"]["title"] = "Monthly users, renamed"
        rows["1500"]["title"] = "ARR bridge, renamed"  # an excluded (Finance) folder
        rows["1600"]["folder_id"] = "120"  # out of a personal folder into a published one
        rows["436"]["deleted"] = True  # trashed
        data.looks.remove(rows["1401"])  # deleted for good
        data.boards.append(board_row({"id": "77", "title": "New board", "sections": []}))
        second = run_cli(handbook_copy, "refresh", "--only", "looker", env=_env(fake))
        assert second.returncode == 0, second.stderr
        log = json.loads(handbook_copy.changes_file.read_text(encoding="utf-8"))
        # What the pages show now, before the next pull (which may land in the same second).
        shown = load_catalog(handbook_copy).looker_changes
        rows["971"]["title"] = "Instances, renamed"
        third = run_cli(handbook_copy, "refresh", "--only", "looker", env=_env(fake))
    assert third.returncode == 0, third.stderr
    grown = json.loads(handbook_copy.changes_file.read_text(encoding="utf-8"))["changes"]
    assert grown[: len(log["changes"])] == log["changes"]  # appended, the rest kept
    assert [(c["id"], c["change"]) for c in grown[len(log["changes"]) :]] == [("971", "renamed")]
    pulled = log["changes"][0]["at"]
    new = log["changes"]
    assert sorted((c["kind"], c["id"], c["change"]) for c in new) == sorted(
        [
            ("look", "729", "renamed"),
            ("look", "1500", "renamed"),
            ("look", "1600", "moved"),
            ("look", "436", "trashed"),
            ("look", "1401", "deleted"),
            ("board", "77", "added"),
        ]
    )
    visible = {(c.kind, c.id, c.change) for c in shown if c.at.isoformat()[:19] == pulled[:19]}
    # The excluded look's rename and the look that left a personal folder never appear.
    assert visible == {
        ("look", "729", "renamed"),
        ("look", "436", "trashed"),
        ("look", "1401", "deleted"),
        ("board", "77", "added"),
    }
    deleted = next(c for c in shown if c.id == "1401")
    assert deleted.title == "Campaign-sourced signups" and deleted.folder_id == "109"


def test_a_first_pull_records_nothing(handbook_copy: Project):
    handbook_copy.looker_snapshot.unlink()
    handbook_copy.changes_file.unlink(missing_ok=True)
    with FakeLooker(from_snapshot(SEED), client_secret=SECRET) as fake:
        result = run_cli(handbook_copy, "refresh", "--only", "looker", env=_env(fake))
    assert result.returncode == 0, result.stderr
    assert handbook_copy.looker_snapshot.is_file()
    assert not handbook_copy.changes_file.exists()


def test_an_unreadable_change_log_is_never_overwritten(handbook_copy: Project):
    handbook_copy.changes_file.write_text('{"changes": [', encoding="utf-8")
    before = handbook_copy.changes_file.read_bytes()
    data = from_snapshot(SEED)
    _seed_rows(data)["729"]["title"] = "Renamed"
    with FakeLooker(data, client_secret=SECRET) as fake:
        result = run_cli(handbook_copy, "refresh", "--only", "looker", env=_env(fake))
    assert result.returncode == 1
    assert "the changes of this pull were not recorded" in result.stderr
    assert "catalog/snapshot/changes.json" in result.stderr and "Traceback" not in result.stderr
    assert handbook_copy.changes_file.read_bytes() == before
    assert "Renamed" in handbook_copy.looker_snapshot.read_text(encoding="utf-8")
