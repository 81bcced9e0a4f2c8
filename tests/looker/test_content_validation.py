"""Looker's content validator (issue 19): broken looks and dashboards, pulled once per pull.

The real looker-sdk asks `GET /content_validation` of `FakeLooker`, whose answer is checked
against the vendored spec's `ContentValidation` schema (and its nested
`ContentValidatorError`, `ContentValidationDashboard`, `…DashboardElement`, `…Look`, …).
Faults are scripted with `inject`: a timeout, 503s, a cut answer, a 403.
"""

from __future__ import annotations

import json
import time

import pytest
from fakes.fake_looker import (
    FakeLooker,
    Fault,
    filter_error,
    from_snapshot,
    look_error,
    schedule_error,
    tile_error,
)
from handbook.catalog import load_catalog
from handbook.export import export
from handbook.looker.pull import pull_snapshot
from handbook.project import Project
from helpers.handbook import run_build, run_cli
from helpers.looker import SECRET, SEED, Recorder, live_env, settings_for
from helpers.serving import fetch, serving, wait_for

PATH = "/content_validation"


def _by_id(rows: list[dict]) -> dict[str, dict]:
    return {str(r["id"]): r for r in rows}


def broken_seed():
    """The seed instance with errors in a look, a dashboard's tiles and filter, a schedule,
    and in content that is never published (an excluded folder, a personal one)."""
    data = from_snapshot(SEED)
    looks, dashboards = _by_id(data.looks), _by_id(data.dashboards)
    data.content_errors = [
        look_error(looks["729"], "Unknown field instance_usage.gone", "instance_usage.gone"),
        tile_error(
            dashboards["292"], "MAU by month", "Unknown field usage.mau_old", "usage.mau_old"
        ),
        # A tile showing look 1500, which sits in the excluded Finance folder.
        tile_error(
            dashboards["292"],
            "Quarterly ARR bridge",
            "Unknown explore finance",
            None,
            look_id="1500",
            explore="finance",
        ),
        filter_error(dashboards["292"], "Region", "Unknown field usage.region", "usage.region"),
        schedule_error(looks["971"], "Monday digest", "Unknown field usage.kind", "usage.kind"),
        look_error(looks["1500"], "Unknown field arr.bridge", "arr.bridge", "arr", "finance"),
        look_error(looks["1600"], "Unknown field search.latency", "search.latency"),
    ]
    return data


@pytest.fixture
def broken_looker():
    with FakeLooker(broken_seed(), client_secret=SECRET) as fake:
        yield fake


def _errors(snapshot, kind: str, item_id: str) -> list:
    validation = snapshot.content_validation
    return next((b.errors for b in validation.items if (b.kind, b.id) == (kind, item_id)), [])


def test_one_request_with_a_projection_gives_each_items_errors_and_where_they_are(broken_looker):
    snap = pull_snapshot(settings=settings_for(broken_looker))
    asked = broken_looker.requests_to(PATH)
    assert broken_looker.violations == []
    assert len(asked) == 1 and asked[0].query["fields"].startswith("content_with_errors(")
    assert snap.content_validation.state == "ok"
    assert snap.content_validation.validated_at == snap.pulled_at
    (look,) = _errors(snap, "look", "729")
    assert (look.message, look.model, look.explore, look.field, look.tile) == (
        "Unknown field instance_usage.gone",
        "product",
        "usage",
        "instance_usage.gone",
        None,
    )
    tiles = _errors(snap, "dashboard", "292")
    assert [(e.tile, e.filter, e.field) for e in tiles] == [
        ("MAU by month", None, "usage.mau_old"),
        ("Quarterly ARR bridge", None, None),
        (None, "Region", "usage.region"),
    ]
    assert tiles[1].tile_look == "1500"
    (scheduled,) = _errors(snap, "look", "971")  # the schedule's entry names its look only
    assert scheduled.schedule == "Monday digest"
    assert snap.requests == len(broken_looker.log)


def test_the_catalog_shows_errors_of_published_content_only_and_counts_the_rest(
    handbook_copy: Project, broken_looker
):
    result = run_cli(
        handbook_copy, "refresh", "--only", "looker", env=live_env(broken_looker, attempts=3)
    )
    assert result.returncode == 0, result.stderr
    catalog = load_catalog(handbook_copy)
    assert [e.message for e in catalog.validation_errors("look", "729")] == [
        "Unknown field instance_usage.gone"
    ]
    # Excluded (Finance) and personal (Scratch) looks: counted, never named.
    assert catalog.validation_errors("look", "1500") == []
    assert catalog.validation_errors("look", "1600") == []
    assert catalog.hidden_broken == 2
    # The tile showing the excluded look keeps its error but not its title.
    tiles = catalog.validation_errors("dashboard", "292")
    assert [e.tile for e in tiles] == ["MAU by month", None, None]
    assert all(e.tile_look is None for e in tiles)
    data = export(catalog)
    text = json.dumps(data)
    assert "Quarterly ARR bridge" not in text and "arr.bridge" not in text
    assert "search.latency" not in text
    items = {(i["kind"], i["id"]): i for i in data["looker"]["items"]}
    assert items[("look", "729")]["content_errors"][0]["field"] == "instance_usage.gone"
    assert items[("look", "436")]["content_errors"] == []
    assert data["looker"]["content_validation"]["state"] == "ok"
    assert data["looker"]["content_validation"]["broken_unpublished"] == 2


FAULTS = {
    "timeout": (Fault("slow", delay=3, times=None), "no answer within 1 s", 1),
    "503s": (Fault("status", status=503, times=None), "after 3 attempt(s): HTTP 503", 3),
    "cut JSON": (Fault("truncated", times=None), "not JSON", 1),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_validator_fault_keeps_the_previous_validation_with_its_time(broken_looker, fault):
    injected, says, asked = FAULTS[fault]
    good = pull_snapshot(settings=settings_for(broken_looker))
    broken_looker.inject(PATH, injected)
    before = len(broken_looker.requests_to(PATH))
    progress = Recorder()
    snap = pull_snapshot(
        settings=settings_for(broken_looker, retry_attempts=3, content_validation_timeout=1),
        previous=good,
        progress=progress,
    )
    assert len(broken_looker.requests_to(PATH)) - before == asked  # a timeout is final
    validation = snap.content_validation
    assert validation.state == "kept" and says in validation.reason
    assert validation.validated_at == good.pulled_at
    assert validation.items == good.content_validation.items
    assert snap.pulled_at >= good.pulled_at and len(snap.items) == len(good.items)
    assert [m for m in progress.messages if "content validation failed" in m]


def test_refresh_exits_1_when_the_validator_fails_and_pages_data_says_from_when(
    handbook_copy: Project, broken_looker
):
    env = live_env(broken_looker, attempts=3, HANDBOOK_CONTENT_VALIDATION_TIMEOUT="1")
    assert run_cli(handbook_copy, "refresh", "--only", "looker", env=env).returncode == 0
    first = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))
    broken_looker.inject(PATH, Fault("slow", delay=3, times=None))
    result = run_cli(handbook_copy, "refresh", "--only", "looker", env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    when = first["pulled_at"].replace("T", " ")[:16]
    assert "content validation failed (Looker did not answer GET /api/4.0/content_validation" in (
        result.stderr
    )
    assert f"the broken content in the snapshot is from the pull at {when} UTC" in result.stderr
    assert "Traceback" not in result.stderr
    assert not handbook_copy.attempt_file("looker").exists()  # the rest of the pull is good
    catalog = load_catalog(handbook_copy)
    assert catalog.validation.state == "kept"
    assert catalog.validation_errors("look", "729")
    assert f"the broken content shown is from the pull at {when} UTC" in catalog.validation_note
    assert any("Content validation failed" in n.message for n in catalog.notices)


def test_a_403_makes_validation_unavailable_says_so_once_and_exits_0(
    handbook_copy: Project, broken_looker
):
    broken_looker.inject(PATH, Fault("status", status=403, times=None))
    result = run_cli(
        handbook_copy, "refresh", "--only", "looker", env=live_env(broken_looker, attempts=3)
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    assert out.count("content validation is unavailable") == 1
    assert "HTTP 403" in out and "develop permission" in out
    assert len(broken_looker.requests_to(PATH)) == 1
    catalog = load_catalog(handbook_copy)
    assert catalog.validation.state == "unavailable" and catalog.validation.items == []
    assert catalog.validation_note.startswith("Content validation is unavailable: Looker refused")


def test_content_validation_false_in_looker_yml_never_asks_the_validator(
    handbook_copy: Project, broken_looker
):
    policy = handbook_copy.looker_policy
    text = policy.read_text(encoding="utf-8")
    assert "content_validation: true" in text
    policy.write_text(text.replace("content_validation: true", "content_validation: false"))
    result = run_cli(
        handbook_copy, "refresh", "--only", "looker", env=live_env(broken_looker, attempts=3)
    )
    assert result.returncode == 0, result.stderr
    assert broken_looker.requests_to(PATH) == []
    catalog = load_catalog(handbook_copy)
    assert catalog.validation.state == "off"
    assert "content_validation: false" in catalog.validation_note


def test_a_skipped_validation_keeps_the_last_one_with_its_own_time(broken_looker):
    good = pull_snapshot(settings=settings_for(broken_looker))
    before = len(broken_looker.requests_to(PATH))
    snap = pull_snapshot(settings=settings_for(broken_looker), previous=good, validation="skip")
    assert len(broken_looker.requests_to(PATH)) == before
    assert snap.content_validation.state == "skipped"
    assert snap.content_validation.validated_at == good.pulled_at
    assert snap.content_validation.items == good.content_validation.items


def test_mkdocs_serve_never_waits_for_the_validator_and_a_live_build_asks_it(
    handbook_copy: Project, broken_looker
):
    env = live_env(broken_looker, attempts=3)
    build = run_build(handbook_copy, env=env)  # live `mkdocs build`: asks it
    assert build.returncode == 0, build.stderr
    assert len(broken_looker.requests_to(PATH)) == 1
    built = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))
    # A validator that would take a minute: serve must not wait for it.
    broken_looker.inject(PATH, Fault("slow", delay=60, times=None))
    with serving(handbook_copy, env=env) as (base, log):
        # 50 s: well under the validator's minute (is serve waiting for it?)
        wait_for(lambda: bool(fetch(base + "reports/")), "serve's answer", log, seconds=50)
    assert len(broken_looker.requests_to(PATH)) == 1  # serve's live pull did not ask
    served = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))
    assert served["pulled_at"] > built["pulled_at"]  # serve did pull the rest
    assert served["content_validation"]["state"] == "skipped"
    assert served["content_validation"]["validated_at"] == built["pulled_at"]
    assert served["content_validation"]["items"] == built["content_validation"]["items"]


def test_a_pull_that_fails_does_not_wait_for_a_slow_validator_to_end(handbook_copy: Project):
    with FakeLooker(broken_seed(), client_secret=SECRET) as fake:
        fake.inject(PATH, Fault("slow", delay=90, times=None))
        fake.inject("/folders", Fault("status", status=503, times=None))
        started = time.monotonic()
        result = run_cli(
            handbook_copy, "refresh", "--only", "looker", env=live_env(fake, attempts=3)
        )
        took = time.monotonic() - started
        asked = len(fake.requests_to(PATH))
    assert result.returncode == 1 and "HTTP 503" in result.stderr
    assert asked == 1 and took < 60  # it exited long before the validator would answer
