"""The Looker pull, driven through the real looker-sdk over HTTP against `FakeLooker`.

Nothing of ours is mocked: the fake speaks the published API 4.0 wire format and checks
every answer against the spec's schemas, so these tests fail if the client asks for a
field Looker does not have or the fake drifts from the contract.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fakes.fake_looker import FakeLooker, Fault, from_snapshot, synthetic
from handbook.catalog import load_catalog
from handbook.errors import PullError
from handbook.looker import activity as looker_activity
from handbook.looker.pull import pull_snapshot
from handbook.looker.verify import verify_ids
from handbook.project import Project
from handbook.render.pages.metric_pages import pages as metric_pages
from helpers.handbook import clean_env, run_cli
from helpers.looker import SECRET, SEED, Recorder, settings_for


@pytest.fixture
def seed_looker():
    with FakeLooker(from_snapshot(SEED), client_secret=SECRET) as fake:
        yield fake


def test_pull_reads_folders_dashboards_looks_owners_and_explores_through_the_sdk(seed_looker):
    snap = pull_snapshot(settings=settings_for(seed_looker), base_url_hint="https://x.looker")
    seed = from_snapshot(SEED)
    assert seed_looker.violations == []
    assert snap.base_url == "https://x.looker"
    assert {f.id for f in snap.folders} == {f["id"] for f in seed.folders}
    by_key = {(i.kind, i.id): i for i in snap.items}
    assert len(by_key) == len(seed.dashboards) + len(seed.looks)
    look = by_key[("look", "729")]
    assert look.owner == "Eric Brody-Moore"
    assert look.folder_id == "120"
    assert look.view_count == 5210 and look.favorite_count == 48
    assert look.model == "product"
    assert look.created_at is not None and look.last_viewed_at is not None
    assert {(e.model, e.name) for e in snap.explores} == set(seed.explores)
    fields = {f.name: f for e in snap.explores for f in e.fields}
    assert fields["monthly_usage.mau"].category == "measure"
    assert fields["monthly_usage.usage_month"].category == "dimension"


def test_lookml_dashboards_keep_their_model_colon_colon_name_ids(seed_looker):
    data = synthetic(20, lookml_dashboards=2)
    with FakeLooker(data) as fake:
        snap = pull_snapshot(settings=settings_for(fake))
    lookml = [i for i in snap.items if i.lookml]
    assert {i.id for i in lookml} == {"product::board_0", "product::board_1"}
    assert all(i.kind == "dashboard" and i.model == "product" for i in lookml)
    assert all(i.folder_id == "1" and i.owner == "User 1" for i in lookml)


def test_trashed_items_are_in_the_snapshot_marked_deleted():
    data = synthetic(200, deleted_share=0.2)
    trashed = {r["id"] for r in data.dashboards + data.looks if r.get("deleted")}
    with FakeLooker(data) as fake:
        snap = pull_snapshot(settings=settings_for(fake))
    assert trashed
    assert {i.id for i in snap.items if i.deleted} == trashed


def test_two_thousand_items_take_a_bounded_number_of_requests_using_fields_and_deleted_false():
    with FakeLooker(synthetic(2000)) as fake:
        snap = pull_snapshot(settings=settings_for(fake, page_size=500))
        log = list(fake.log)
    assert len(snap.items) == 2005
    # login, folders, users, models, 1 project's deployed commit, all_dashboards, 1
    # explore, 3 pages each of live dashboards and looks (1,000 each at 500 a page), 1 page
    # each of trashed ones, and two System Activity queries each for looks and dashboards
    # (explore and fields; views in the last 90 days).
    assert snap.requests == len(log) <= 19
    searches = [r for r in log if r.path in ("/dashboards/search", "/looks/search")]
    # git_branch takes no `fields`; every other GET asks only for what the snapshot keeps.
    assert all(
        r.query.get("fields") for r in log if r.method == "GET" and "git_branch" not in r.path
    )
    assert all(r.query.get("sorts") == "id" for r in log if r.query.get("offset"))
    assert len([r for r in log if r.path == "/queries/run/json"]) == 4
    assert {r.query["deleted"] for r in searches} == {"true", "false"}
    assert all(r.query.get("limit") == "500" for r in searches)


def test_request_count_does_not_grow_with_the_number_of_items():
    counts = []
    for n in (100, 900):
        with FakeLooker(synthetic(n)) as fake:
            counts.append(pull_snapshot(settings=settings_for(fake)).requests)
    assert counts[0] == counts[1]


def test_retries_survive_a_503_burst(seed_looker):
    seed_looker.inject("/folders", Fault("status", status=503, times=3))
    snap = pull_snapshot(settings=settings_for(seed_looker))
    assert len(seed_looker.requests_to("/folders")) == 4
    assert snap.folders


def test_retries_honour_retry_after_on_a_429(seed_looker):
    seed_looker.inject("/users", Fault("status", status=429, retry_after="1"))
    pull_snapshot(settings=settings_for(seed_looker))
    first, second = seed_looker.requests_to("/users")[:2]
    assert first.status == 429
    assert second.at - first.at >= 0.95


def test_a_failed_page_mid_pagination_fails_the_whole_pull():
    with FakeLooker(synthetic(300)) as fake:
        fake.inject(
            "/looks/search",
            Fault("status", status=500, times=None, match={"deleted": "false", "offset": "100"}),
        )
        with pytest.raises(PullError, match="after 2 attempt"):
            pull_snapshot(settings=settings_for(fake, page_size=50, retry_attempts=2))


def test_garbage_json_becomes_a_pull_error_not_a_crash(seed_looker):
    seed_looker.inject("/dashboards/search", Fault("truncated"))
    with pytest.raises(PullError, match="not JSON"):
        pull_snapshot(settings=settings_for(seed_looker))


def test_verify_ids_batches_ids_and_reports_trashed_ones():
    data = synthetic(400, deleted_share=0.3)
    looks = {r["id"] for r in data.looks}
    gone = {r["id"] for r in data.looks if r.get("deleted")}
    with FakeLooker(data) as fake:
        found, requests = verify_ids(
            {"look": looks | {"999999"}, "dashboard": {"product::board_1", "1"}},
            settings=settings_for(fake, id_batch=100),
        )
    assert {i for (k, i) in found if k == "look"} == looks
    assert {i for (k, i), item in found.items() if k == "look" and item.deleted} == gone
    assert ("dashboard", "product::board_1") in found and ("dashboard", "1") in found
    # login + 2 look batches (+ trashed follow-ups) + 1 dashboard batch (+1) + all_dashboards
    assert requests <= 9


# ----------------------------------------------------------------------------- the CLI


def _env(fake: FakeLooker, **extra: str) -> dict[str, str]:
    env = clean_env(offline=False)
    settings = {
        "HANDBOOK_RETRY_BASE_SECONDS": "0.01",
        "HANDBOOK_RETRY_ATTEMPTS": "3",
        "LOOKERSDK_TIMEOUT": "20",
        **extra,
    }
    env.update(fake.env(**settings))
    return env


def _refresh(project: Project, fake: FakeLooker, **extra: str):
    return run_cli(project, "refresh", "--only", "looker", env=_env(fake, **extra))


FAULTS = {
    "503 forever": ("/folders", Fault("status", status=503, times=None), "HTTP 503"),
    "timeout": (
        "/lookml_models",
        Fault("slow", delay=2.5, times=None),
        "no answer within 1 s",
        {"LOOKERSDK_TIMEOUT": "1"},
    ),
    "truncated JSON": ("/looks/search", Fault("truncated", times=None), "not JSON"),
    "401 on login": (
        "/login",
        Fault("status", status=401, times=None),
        "Looker rejected the credentials (401): check LOOKERSDK_CLIENT_ID",
    ),
    "failed page": (
        "/dashboards/search",
        Fault("status", status=502, times=None, match={"deleted": "true", "offset": "0"}),
        "HTTP 502",
    ),
    "connection reset": ("/users", Fault("reset", times=None), "connection failed or was reset"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_fault_makes_refresh_exit_1_keep_the_snapshot_and_record_the_attempt(
    handbook_copy: Project, fault: str
):
    path, injected, message, *env = FAULTS[fault]
    before = handbook_copy.looker_snapshot.read_bytes()
    with FakeLooker(synthetic(2500), client_secret=SECRET, validate_sample=20) as fake:
        fake.inject(path, injected)
        started = time.monotonic()
        result = _refresh(handbook_copy, fake, **(env[0] if env else {}))
    assert time.monotonic() - started < 30
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert handbook_copy.looker_snapshot.read_bytes() == before
    attempt = handbook_copy.attempt_file("looker")
    assert attempt.is_file() and message in attempt.read_text()
    for text in (result.stdout, result.stderr, attempt.read_text()):
        assert SECRET not in text and not any(t in text for t in fake.tokens)


def test_wrong_credentials_say_which_variables_to_check(handbook_copy: Project):
    with FakeLooker(synthetic(10), client_secret=SECRET) as fake:
        result = _refresh(handbook_copy, fake, LOOKERSDK_CLIENT_SECRET="wrong-" + SECRET)
    assert result.returncode == 1
    assert "check LOOKERSDK_CLIENT_ID / LOOKERSDK_CLIENT_SECRET" in result.stderr
    assert SECRET not in result.stderr + result.stdout


def test_a_successful_refresh_rewrites_the_snapshot_and_removes_the_attempt_file(
    handbook_copy: Project,
):
    attempt = handbook_copy.attempt_file("looker")
    attempt.write_text('{"source": "looker"}', encoding="utf-8")
    with FakeLooker(from_snapshot(SEED), client_secret=SECRET) as fake:
        result = _refresh(handbook_copy, fake)
        served = len(fake.log)
        violations = list(fake.violations)
    assert result.returncode == 0, result.stderr
    assert violations == []
    assert not attempt.exists()
    text = handbook_copy.looker_snapshot.read_text(encoding="utf-8")
    assert SECRET not in text + result.stdout + result.stderr
    assert f"in {served} requests" in result.stdout
    assert '"729"' in text and '"requests": ' + str(served) in text


def test_the_secret_is_never_in_a_pull_error_message(seed_looker):
    seed_looker.inject("/folders", Fault("status", status=403, times=None))
    with pytest.raises(PullError) as info:
        pull_snapshot(settings=settings_for(seed_looker))
    assert info.value.status == 403
    assert SECRET not in str(info.value)
    assert not any(t in str(info.value) for t in seed_looker.tokens)


def test_the_fake_answers_match_the_published_spec(seed_looker):
    pull_snapshot(settings=settings_for(seed_looker))
    assert seed_looker.violations == []
    assert Path(seed_looker.log[0].path) == Path("/login")


# ----------------------------------------------------------------------------- System Activity


def _seed_items() -> dict[tuple[str, str], dict]:
    return {(i["kind"], i["id"]): i for i in json.loads(SEED.read_text())["items"]}


def test_a_pull_fills_explore_and_fields_of_looks_and_dashboards_from_system_activity_as_the_seed(
    seed_looker,
):
    snap = pull_snapshot(settings=settings_for(seed_looker))
    assert seed_looker.violations == []
    queries = [
        q for q in seed_looker.requests_to("/queries/run/json") if q.body["view"] != "history"
    ]
    assert [(q.body["model"], q.body["view"]) for q in queries] in (
        [("system__activity", "look"), ("system__activity", "dashboard")],
        [("system__activity", "dashboard"), ("system__activity", "look")],
    )
    assert all(
        q.body["fields"][1:] == ["query.model", "query.view", "query.formatted_fields"]
        for q in queries
    )
    got = {(i.kind, i.id): i for i in snap.items}
    compared = 0
    for key, want in _seed_items().items():
        item = got[key]
        if want.get("lookml"):  # not in System Activity: keeps its model, no fields
            assert (item.model, item.explore, item.fields) == (want["model"], None, [])
            continue
        assert (item.model, item.explore) == (want.get("model"), want.get("explore")), key
        if key[0] == "look":  # one query: its fields in the query's order
            assert item.fields == want.get("fields", []), key
        else:  # the union over the dashboard's tiles
            assert sorted(item.fields) == sorted(want.get("fields", [])), key
        compared += bool(want.get("fields"))
    assert compared >= 30
    assert snap.requests == len(seed_looker.log)


def test_a_dashboard_on_several_explores_keeps_the_most_used_one_and_the_union_of_its_fields():
    with FakeLooker(synthetic(20)) as fake:
        snap = pull_snapshot(settings=settings_for(fake))
    boards = [i for i in snap.items if i.kind == "dashboard" and not i.lookml]
    assert boards
    for board in boards:  # two tiles on product.usage, one on product.accounts
        assert (board.model, board.explore) == ("product", "usage")
        assert sorted(board.fields) == ["usage.month", "usage.users"]
    looks = [i for i in snap.items if i.kind == "look"]
    assert all(i.fields == ["usage.month", "usage.users"] for i in looks)


def test_the_request_count_stays_the_same_for_2000_items_as_for_200_with_system_activity():
    counts, queries = [], []
    for n in (200, 2000):
        with FakeLooker(synthetic(n)) as fake:
            snap = pull_snapshot(settings=settings_for(fake))
            counts.append(snap.requests)
            queries.append(len(fake.requests_to("/queries/run/json")))
        assert all(i.fields for i in snap.items if not i.lookml and not i.deleted)
    assert counts[0] == counts[1]
    assert queries == [4, 4]  # fields and 90-day views, for looks and for dashboards


def test_system_activity_rows_past_the_row_limit_are_paged_by_id_without_losing_any(monkeypatch):
    with FakeLooker(synthetic(60)) as fake:
        whole = pull_snapshot(settings=settings_for(fake))
        monkeypatch.setattr(looker_activity, "USAGE_LIMIT", 7)
        paged = pull_snapshot(settings=settings_for(fake))
        bodies = [
            r.body for r in fake.requests_to("/queries/run/json") if r.body["view"] != "history"
        ][2:]
        violations = list(fake.violations)
    assert violations == []
    assert len(bodies) > 4 and all(b["limit"] == "7" for b in bodies)
    assert any(b["filters"].get("dashboard.id", "").startswith(">=") for b in bodies)
    assert [(i.kind, i.id, i.explore, i.fields) for i in paged.items] == [
        (i.kind, i.id, i.explore, i.fields) for i in whole.items
    ]


@pytest.mark.parametrize("status", [403, 404])
def test_a_system_activity_refusal_still_gives_a_full_snapshot_and_says_so_once(status: int):
    # Faults (a cut answer, a 503 that never ends) are in test_looker_resilience.py.
    data = from_snapshot(SEED)
    with FakeLooker(data, refuse_system_activity=status) as fake:
        progress = Recorder()
        snap = pull_snapshot(settings=settings_for(fake, retry_attempts=3), progress=progress)
        served = len(fake.log)
    assert len(snap.items) == len(data.looks) + len(data.dashboards)
    assert {f.id for f in snap.folders} == {f["id"] for f in data.folders} and snap.explores
    assert all(i.explore is None and i.fields == [] for i in snap.items)
    assert next(i for i in snap.items if i.id == "729").model == "product"
    assert all(i.recent_views is None for i in snap.items)
    # Four queries refused (fields and 90-day views, of looks and of dashboards): one warning.
    warnings = [m for m in progress.messages if "System Activity" in m]
    assert warnings == [
        f"looker: warning: System Activity refused the API user (HTTP {status}): the API "
        "user needs the see_system_activity permission. The snapshot is written without "
        "the explore and fields and the views in the last 90 days of looks and dashboards; "
        "pages say so until a refresh can read them."
    ]
    assert snap.requests == served


def test_a_403_on_system_activity_lets_refresh_write_the_snapshot_and_warn(handbook_copy: Project):
    with FakeLooker(from_snapshot(SEED), client_secret=SECRET, refuse_system_activity=403) as fake:
        result = _refresh(handbook_copy, fake)
    assert result.returncode == 0, result.stderr
    assert "see_system_activity" in result.stderr
    snapshot = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))
    assert len(snapshot["items"]) == len(_seed_items())
    assert not any(i.get("fields") for i in snapshot["items"])
    assert not handbook_copy.attempt_file("looker").exists()


def test_refresh_only_looker_keeps_metric_pages_listing_the_looker_content_using_their_field(
    handbook_copy: Project,
):
    with FakeLooker(from_snapshot(SEED), client_secret=SECRET) as fake:
        result = _refresh(handbook_copy, fake)
    assert result.returncode == 0, result.stderr
    catalog = load_catalog(handbook_copy)
    users = catalog.items_by_field["product.instance_usage.monthly_usage.mau"]
    assert {(i.kind, i.id) for i in users} == {
        ("look", "1065"),
        ("dashboard", "167"),
        ("dashboard", "94"),
    }
    # Look 436 is on this metric's page only because it queries the metric's field.
    page = {p.path: p for p in metric_pages(catalog)}["metrics/instances_by_deployment_type.md"]
    assert "https://sourcegraph.looker.com/looks/436>" in page.content


@pytest.mark.parametrize(
    ("value", "fields"),
    [
        ('["a.x", "b.y_date"]', ["a.x", "b.y_date"]),
        (["a.x", "a.x", "b.y"], ["a.x", "b.y"]),
        ('["a.x", "calculation_1", "b.y"]', ["a.x", "b.y"]),  # table calcs are not LookML
        ('["a.x", "b.y", "c.zz', ["a.x", "b.y"]),  # cut short: only whole names
        ("a.x, b.y", ["a.x", "b.y"]),
        ("", []),
        (None, []),
        (42, []),
    ],
)
def test_formatted_fields_are_parsed_leniently(value: object, fields: list[str]):
    assert looker_activity._parse_fields(value) == fields


def test_views_in_the_last_90_days_come_from_system_activity_history(seed_looker):
    snap = pull_snapshot(settings=settings_for(seed_looker))
    assert seed_looker.violations == []
    history = [
        q.body for q in seed_looker.requests_to("/queries/run/json") if q.body["view"] == "history"
    ]
    assert sorted(b["fields"][0] for b in history) == ["dashboard.id", "look.id"]
    assert all(b["filters"]["history.created_date"] == "90 days" for b in history)
    seed = _seed_items()
    for item in snap.items:
        if item.lookml:
            assert item.recent_views is None  # not in the application database
        else:
            assert item.recent_views == seed[(item.kind, item.id)]["recent_views"], item.id
    # Lifetime and 90-day counts are different numbers, both kept.
    look = next(i for i in snap.items if i.id == "729")
    assert (look.view_count, look.recent_views) == (5210, 521)


# ----------------------------------------------------------------------------- owners


def test_content_of_a_deactivated_owner_is_marked_and_listed_when_published(
    handbook_copy: Project,
):
    data = from_snapshot(SEED)
    left = {"Eric Brody-Moore"}  # owns look 729 (published) and 1600 (a personal folder)
    for user in data.users:
        user["is_disabled"] = user["display_name"] in left
    with FakeLooker(data, client_secret=SECRET) as fake:
        result = _refresh(handbook_copy, fake)
        users = fake.requests_to("/users")
        violations = list(fake.violations)
    assert result.returncode == 0, result.stderr
    assert violations == [] and users[0].query["fields"] == "id,display_name,is_disabled"
    snapshot = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))
    marked = {(i["kind"], i["id"]) for i in snapshot["items"] if i["owner_disabled"]}
    owned = {(i["kind"], i["id"]) for i in snapshot["items"] if i["owner"] in left}
    assert marked == owned and ("look", "729") in marked and ("look", "1600") in marked
    catalog = load_catalog(handbook_copy)
    assert ("look", "729") in {(i.kind, i.id) for i in catalog.owner_left}
    assert ("look", "1600") not in {(i.kind, i.id) for i in catalog.owner_left}  # private
    assert all(i.owner in left for i in catalog.owner_left)
    from handbook.export import export

    exported = {(i["kind"], i["id"]): i for i in export(catalog)["looker"]["items"]}
    assert exported[("look", "729")]["owner_disabled"] is True
    assert exported[("look", "1065")]["owner_disabled"] is False  # Kelsey Brown's
