"""The nightly pull's API budget (issue 20): what an unchanged pull asks, and nothing twice.

Looker's standard API allowance is 1,000 calls a month; a nightly pull must stay well
under 31 a night. The figures at 20,000 items are the benchmark's
(`scripts/bench_looker.py`); here a smaller instance shows which requests a pull makes.
"""

from __future__ import annotations

from collections import Counter

from fakes.fake_looker import FakeLooker, Fault, LoggedRequest, synthetic
from handbook.looker.pull import pull_snapshot
from helpers.handbook import REPO
from helpers.looker import Recorder, settings_for


def endpoint(request: LoggedRequest) -> str:
    if "/explores/" in request.path:
        return "explore"
    if request.path.endswith("/git_branch"):
        return "git_branch"
    return request.path


def asked(request: LoggedRequest) -> tuple:
    body = repr(sorted(request.body.items())) if isinstance(request.body, dict) else ""
    return request.method, request.path, tuple(sorted(request.query.items())), body


def test_an_unchanged_pull_asks_each_thing_once_and_fetches_no_explore():
    with FakeLooker(synthetic(3000, explores=12, projects=3)) as fake:
        first = pull_snapshot(settings=settings_for(fake))
        n = len(fake.log)
        again = pull_snapshot(settings=settings_for(fake), previous=first)
        log = fake.log[n:]
        violations = list(fake.violations)
    assert violations == []
    assert Counter(map(endpoint, log)) == {
        "/login": 1,
        "/content_validation": 1,
        "/folders": 1,
        "/users": 1,
        "/lookml_models": 1,
        "git_branch": 3,  # one per LookML project
        "/boards": 1,
        "/dashboards/search": 2,  # one 5,000-row page of live dashboards, one of trashed
        "/looks/search": 2,
        "/queries/run/json": 4,  # System Activity: fields and 90-day views, per kind
    }
    assert len({asked(r) for r in log}) == len(log) == again.requests  # nothing twice
    assert again.explores == first.explores


def test_a_project_whose_commit_is_refused_refetches_only_its_own_explores():
    data = synthetic(200, explores=12, projects=3)
    with FakeLooker(data) as fake:
        first = pull_snapshot(settings=settings_for(fake))
        fake.inject("/projects/project_1/git_branch", Fault("status", status=404, times=None))
        previous, nights = first, []
        for _ in range(2):  # refused every night: fetched every night, the others never
            progress = Recorder()
            n = len(fake.log)
            snap = pull_snapshot(settings=settings_for(fake), previous=previous, progress=progress)
            refetched = {r.path.split("/")[2] for r in fake.log[n:] if "/explores/" in r.path}
            nights.append((refetched, progress.messages))
            previous = snap
    for refetched, messages in nights:
        assert refetched == {"model_1"}
        notes = [m for m in messages if "may not read the deployed commit" in m]
        assert len(notes) == 1 and "project project_1 (HTTP 404)" in notes[0]
    assert {p.id: p.commit for p in snap.projects}["project_1"] is None
    assert snap.explores == first.explores


def test_the_benchmark_reports_requests_by_endpoint_for_its_three_pulls_on_a_small_instance():
    import subprocess
    import sys

    script = REPO / "scripts" / "bench_looker.py"
    small = ["--items", "300", "--explores", "9", "--folders", "20", "--repeat", "1"]
    result = subprocess.run(
        [sys.executable, str(script), *small],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("requests by endpoint"))
    assert header.split()[3:] == ["cold", "pull", "unchanged", "pull", "one-project", "deploy"]
    explores = next(line for line in lines if line.startswith("/lookml_models/{model}/explores"))
    assert explores.split()[1:] == ["9", "0", "3"]  # all, none, project_1's three
    assert any(line.startswith("wall s, median") for line in lines)
    # One page of each search at 300 items: 17 requests, the validator included.
    assert "unchanged pull: 17 requests (target <= 25)" in result.stdout
