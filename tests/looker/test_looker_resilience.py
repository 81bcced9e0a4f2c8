"""A Looker pull through partial failures: unstable page order, unreadable System Activity
answers, unchanged LookML, and a `handbook refresh` killed mid-pull.

Everything drives the real looker-sdk over HTTP against `FakeLooker` (checked against the
vendored API spec); the CLI tests run `python -m handbook` as a user does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest
from fakes.fake_looker import FakeLooker, Fault, from_snapshot, synthetic
from handbook.errors import PullError
from handbook.looker.pull import pull_snapshot
from handbook.project import Project
from helpers.handbook import run_build, run_cli, start_cli
from helpers.looker import SECRET, SEED, Recorder, live_env, settings_for
from helpers.pages import page_text

# ----------------------------------------------------------------------------- pagination


def test_a_pull_is_complete_against_a_server_whose_default_order_changes_every_request():
    data = synthetic(700, deleted_share=0.1)
    with FakeLooker(data, unstable_order=True) as fake:
        snap = pull_snapshot(settings=settings_for(fake, page_size=50))
        pages = [r for r in fake.log if r.query.get("offset") is not None]
    assert len(pages) > 20 and all(r.query.get("sorts") == "id" for r in pages)
    want = {("dashboard", r["id"]) for r in data.dashboards} | {
        ("look", r["id"]) for r in data.looks
    }
    assert {(i.kind, i.id) for i in snap.items} == want


def test_a_search_that_ignores_sorts_fails_the_pull_instead_of_dropping_items():
    fake = FakeLooker(synthetic(300), unstable_order=True, honour_sorts=False)
    pattern = r"sorts=id\) returned .* (twice|out of order)"
    with fake, pytest.raises(PullError, match=pattern):
        pull_snapshot(settings=settings_for(fake, page_size=40))


# ----------------------------------------------------------------------------- System Activity


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        (Fault("truncated", times=None), "not JSON"),
        (Fault("malformed", times=None), "rows lack"),
        (Fault("status", status=503, times=None), "after 3 attempt(s): HTTP 503"),
    ],
    ids=["cut JSON", "rows missing a field", "503 forever"],
)
def test_an_unreadable_system_activity_answer_keeps_the_previous_fields_and_says_so(
    fault: Fault, says: str
):
    with FakeLooker(from_snapshot(SEED)) as fake:
        good = pull_snapshot(settings=settings_for(fake))
        fake.inject("/queries/run/json", fault)
        snap = pull_snapshot(settings=settings_for(fake, retry_attempts=3), previous=good)
        usage = [r for r in fake.requests_to("/queries/run/json") if r.body["view"] != "history"]
        asked = len(usage) - 2  # (the 90-day view counts are separate queries)
    assert asked == 6  # 3 tries each for looks and dashboards
    assert [(i.kind, i.id, i.explore, i.fields) for i in snap.items] == [
        (i.kind, i.id, i.explore, i.fields) for i in good.items
    ]
    assert any(i.fields for i in snap.items)
    parts = {c.part: c for c in snap.carried_over}
    assert set(parts) == {"explore and fields of looks", "explore and fields of dashboards"}
    assert all(c.pulled_at == good.pulled_at and says in c.reason for c in parts.values())


def test_one_cut_answer_is_retried_and_the_pull_is_whole():
    with FakeLooker(from_snapshot(SEED)) as fake:
        fake.inject("/queries/run/json", Fault("truncated", times=1))
        snap = pull_snapshot(settings=settings_for(fake, retry_attempts=3))
    assert snap.carried_over == [] and any(i.fields for i in snap.items)


def test_refresh_with_unreadable_system_activity_exits_1_keeps_fields_and_pages_say_so(
    handbook_copy: Project,
):
    before = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))
    with FakeLooker(from_snapshot(SEED), client_secret=SECRET) as fake:
        fake.inject("/queries/run/json", Fault("truncated", times=None))
        result = run_cli(
            handbook_copy, "refresh", "--only", "looker", env=live_env(fake, attempts=3)
        )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "not JSON" in result.stderr and "from 2026-11-22 06:00 UTC" in result.stderr
    after = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))

    # LookML dashboards are not in System Activity: a pull never had their fields to keep.
    def kept(snapshot: dict) -> dict:
        return {(i["kind"], i["id"]): i.get("fields") for i in snapshot["items"] if not i["lookml"]}

    assert kept(after) == kept(before) and any(kept(after).values())
    build = run_build(handbook_copy)
    assert build.returncode == 0, build.stderr
    for page in ("looker/index.html", "metrics/mau/index.html"):
        text = page_text(handbook_copy, page)
        assert "The explore and fields of looks" in text, page
        assert "could not be read in this pull" in text, page
        assert "they are from the earlier pull at 2026-11-22 06:00 UTC" in text, page


# ----------------------------------------------------------------------------- LookML budget


def test_explores_are_fetched_again_only_when_their_projects_commit_changed():
    data = synthetic(100, explores=12, projects=3)
    with FakeLooker(data) as fake:
        first = pull_snapshot(settings=settings_for(fake))
        n = len(fake.log)
        second = pull_snapshot(settings=settings_for(fake), previous=first)
        again = fake.log[n:]
        data.commits["project_1"] = "a" * 40
        third = pull_snapshot(settings=settings_for(fake), previous=second)
        after_deploy = fake.log[n + len(again) :]
        violations = list(fake.violations)
    assert violations == []
    assert len(first.explores) == 12 and {p.id for p in first.projects} == {
        "project_0",
        "project_1",
        "project_2",
    }
    explore_calls = [r for r in again if "/explores/" in r.path]
    assert explore_calls == [] and second.explores == first.explores
    assert len([r for r in again if r.path.endswith("/git_branch")]) == 3
    assert not [r for r in again if r.path == "/dashboards"]  # LookML dashboards unchanged too
    assert {(i.kind, i.id) for i in second.items} == {(i.kind, i.id) for i in first.items}
    refetched = {r.path.split("/")[2] for r in after_deploy if "/explores/" in r.path}
    assert refetched == {"model_1"} and third.explores == first.explores


def test_an_api_user_that_may_not_read_projects_fetches_every_explore_and_says_so_once():
    data = synthetic(50, explores=5, projects=2)
    with FakeLooker(data, refuse_projects=403) as fake:
        first = pull_snapshot(settings=settings_for(fake))
        progress = Recorder()
        n = len(fake.log)
        pull_snapshot(settings=settings_for(fake), previous=first, progress=progress)
        explore_calls = [r for r in fake.log[n:] if "/explores/" in r.path]
    assert len(explore_calls) == 5
    notes = [m for m in progress.messages if "may not read the deployed commit" in m]
    assert notes == [
        "looker: note: the API user may not read the deployed commit of LookML projects "
        "project_0, project_1 (HTTP 403), so their 5 explore(s) were fetched again; give it "
        "the see_lookml permission on them to fetch their explores only after a deploy"
    ]


# ----------------------------------------------------------------------------- killed pulls


def test_a_refresh_killed_mid_pull_is_reported_by_the_next_refresh_and_build(
    handbook_copy: Project,
):
    before = handbook_copy.looker_snapshot.read_bytes()
    with FakeLooker(from_snapshot(SEED), client_secret=SECRET) as fake:
        fake.inject("/looks/search", Fault("slow", delay=30, times=None))
        env = live_env(fake, attempts=3)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        proc = start_cli(handbook_copy, "refresh", "--only", "looker", env=env, **quiet)
        deadline = time.monotonic() + 60
        while not fake.requests_to("/looks/search") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fake.requests_to("/looks/search"), "the refresh never reached the searches"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert handbook_copy.looker_snapshot.read_bytes() == before
    # The next build (offline) says the pull did not finish, when it started and the data's age.
    build = run_build(handbook_copy)
    assert build.returncode == 0, build.stderr
    for page in ("looker/index.html", "reports/index.html", "metrics/mau/index.html"):
        text = page_text(handbook_copy, page)
        assert "The last Looker pull, started at" in text and "did not finish" in text, page
        assert "The data shown is from 2026-11-22 06:00 UTC" in text, page
    # The next refresh says so too (here it then fails: Looker is gone).
    result = run_cli(handbook_copy, "refresh", "--only", "looker", env=env)
    out = result.stdout + result.stderr
    assert "did not finish" in out and "The data shown is from 2026-11-22 06:00 UTC" in out
    assert not handbook_copy.pulling_file("looker").exists()


def test_a_pull_in_progress_is_not_reported_as_unfinished(handbook_copy: Project):
    from handbook import pull_marker

    pull_marker.mark_started(handbook_copy, "looker")  # this very process: still running
    assert pull_marker.unfinished(handbook_copy, "looker") is None
