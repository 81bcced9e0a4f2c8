"""A freshness status is as old as the check that made it.

Once the time from a table's check to the build is longer than its warn_after (else its
error_after), a pass reads "not checked since <time>" with the last result beside it, and a
warn or error says "as of <time>": on the board, in `[[freshness:…]]` badges, on metric
pages, in trust lines and in catalog.json. Rules first, then one strict build of the
handbook whose freshness snapshot was taken 20 days before it, read where readers look.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from handbook.catalog import load_catalog
from handbook.curated.sources import FreshnessRule, Source
from handbook.freshness.rules import aged, evaluate, table_status
from handbook.project import Project
from handbook.render.badges import verdict
from handbook.render.cache import RenderCache
from handbook.render.pages import all_specs
from handbook.snapshot.model import FreshnessSnapshot, TableFreshness
from handbook.snapshot.store import load, save
from helpers.handbook import REPO, copy_handbook, run_build

CHECKED = datetime(2026, 11, 22, 6, 10, tzinfo=UTC)
S = timedelta(seconds=1)


def rule(warn: int | None, error: int | None) -> FreshnessRule:
    data = {}
    if warn:
        data["warn_after"] = {"count": warn, "period": "hour"}
    if error:
        data["error_after"] = {"count": error, "period": "hour"}
    return FreshnessRule.model_validate(data)


def source(sla: FreshnessRule | None = None, tables: list[dict] | None = None) -> Source:
    return Source.model_validate(
        {
            "name": "s",
            "label": "S",
            "description": "d",
            "owner": "o",
            "cadence": "hourly",
            "freshness": sla.model_dump(exclude_none=True) if sla else None,
            "tables": tables or [{"table": "sourcegraph-dw.demo.t"}],
        }
    )


def checked(loaded_ago: timedelta, sla: FreshnessRule | None, error: str | None = None):
    """One table's status as its check at CHECKED gave it."""
    one = source(sla)
    result = TableFreshness(
        table="sourcegraph-dw.demo.t", loaded_at=CHECKED - loaded_ago, error=error
    )
    return table_status(one, one.tables[0], result, CHECKED)


def test_a_pass_stands_until_the_check_is_older_than_warn_after():
    state = checked(timedelta(hours=1), rule(6, 24))
    assert aged(state, CHECKED + timedelta(hours=6)).status == "pass"  # exactly: stands
    old = aged(state, CHECKED + timedelta(hours=6) + S)
    assert (old.status, old.last_result, old.checked_at) == ("not checked since", "pass", CHECKED)


def test_without_warn_after_the_check_stands_for_error_after():
    state = checked(timedelta(hours=1), rule(None, 24))
    assert aged(state, CHECKED + timedelta(hours=24)).status == "pass"
    assert aged(state, CHECKED + timedelta(hours=24) + S).status == "not checked since"


def test_warn_error_and_runtime_error_keep_their_status_marked_as_outdated():
    for state, status in (
        (checked(timedelta(hours=8), rule(6, 24)), "warn"),
        (checked(timedelta(hours=30), rule(6, 24)), "error"),
        (checked(timedelta(hours=1), rule(6, 24), error="Not found: table"), "runtime error"),
    ):
        old = aged(state, CHECKED + timedelta(days=20))
        assert (old.status, old.last_result) == (status, status)
        when = '<span class="hb-when">2026-11-22 06:10 UTC</span>'
        assert str(verdict(old)).endswith(f">{status}</span> as of {when}")


def test_a_table_never_checked_or_without_an_sla_has_nothing_to_age():
    no_sla = checked(timedelta(hours=1), None)
    assert aged(no_sla, CHECKED + timedelta(days=400)) == no_sla
    unchecked = source(rule(6, 24))
    never = table_status(unchecked, unchecked.tables[0], None, None)
    assert aged(never, CHECKED + timedelta(days=400)) == never


def test_the_badge_names_the_check_time_and_the_last_result_and_is_never_green():
    state = aged(checked(timedelta(hours=1), rule(6, 24)), CHECKED + timedelta(days=20))
    shown = str(verdict(state))
    assert 'class="hb-badge hb-badge--not-checked-since"' in shown
    when = '<span class="hb-when">2026-11-22 06:10 UTC</span>'
    assert f">not checked since</span> {when} (last result: pass)" in shown
    assert "hb-badge--pass" not in shown
    css = (REPO / "hooks/handbook/render/assets/handbook.css").read_text(encoding="utf-8")
    pass_rule = re.search(r"\.hb-badge--pass \{([^}]*)\}", css)[1]
    aged_rule = re.search(r"\.hb-badge--not-checked-since \{([^}]*)\}", css)[1]
    assert pass_rule != aged_rule and "#1b5e20" not in aged_rule  # not pass's green


def test_a_source_takes_its_worst_table_and_says_since_when():
    snapshot = FreshnessSnapshot(
        checked_at=CHECKED,
        tables=[
            TableFreshness(
                table="sourcegraph-dw.demo.fast", loaded_at=CHECKED - timedelta(hours=1)
            ),
            TableFreshness(
                table="sourcegraph-dw.demo.slow", loaded_at=CHECKED - timedelta(hours=1)
            ),
        ],
    )
    both = source(
        rule(6, None),
        [
            {"table": "sourcegraph-dw.demo.fast"},
            {
                "table": "sourcegraph-dw.demo.slow",
                "freshness": {"warn_after": {"count": 3, "period": "day"}},
            },
        ],
    )
    (state,) = evaluate([both], snapshot, now=CHECKED + timedelta(days=1))
    assert [t.status for t in state.tables] == ["not checked since", "pass"]
    assert (state.status, state.last_result, state.as_of) == ("not checked since", "pass", CHECKED)
    (fresh,) = evaluate([both], snapshot, now=CHECKED + timedelta(hours=1))
    assert (fresh.status, fresh.last_result, fresh.as_of) == ("pass", None, None)


# --- keys: pages change when a status crosses its threshold, not as the clock moves ------
def test_generated_pages_change_only_when_a_status_crosses_its_threshold():
    project = Project(REPO)
    cache = RenderCache()
    watched = {"data/freshness.md", "metrics/mau.md", "looker/folders/120-company-metrics.md"}

    def build(hour: int, minute: int, second: int = 0) -> set[str]:
        when = datetime(2026, 11, 22, hour, minute, second, tzinfo=UTC)
        cache.render(all_specs(load_catalog(project, now=when)))
        return set(cache.last.changed)

    # Pings' raw_pings table was checked at 06:10 with a 6-hour warn_after. Five minutes
    # later nothing a reader sees has changed, so no page's text changes.
    build(11, 52)
    assert not build(11, 57)
    # Exactly at the threshold the pass still stands; a second later it does not.
    # Only pages showing the freshness of Pings change: the board, metric pages, and the
    # reports and folder pages whose trust lines name it.
    build(12, 10)
    changed = build(12, 10, 1)
    assert watched <= changed
    shows_freshness = ("data/freshness.md", "reports/index.md", "metrics/", "looker/folders/")
    assert all(page.startswith(shows_freshness) for page in changed), changed


# --- one build, 20 days after the check ----------------------------------------------------
@pytest.fixture(scope="module")
def aged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The handbook built now from a freshness snapshot checked 20 days ago (every load time
    moved with it, so each table's age at its check is what the committed snapshot says),
    with a hand page referencing two sources."""
    project = copy_handbook(tmp_path_factory.mktemp("aged") / "handbook")
    snapshot = load(project.freshness_snapshot, FreshnessSnapshot)
    assert snapshot is not None
    shift = (datetime.now(UTC) - timedelta(days=20)) - snapshot.checked_at
    for table in snapshot.tables:
        table.loaded_at = table.loaded_at + shift if table.loaded_at else None
        table.checked_at = table.checked_at + shift if table.checked_at else None
    snapshot.checked_at += shift
    save(project.freshness_snapshot, snapshot)
    page = project.docs_dir / "data" / "index.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\nPings: [[freshness:pings]]. HubSpot: [[freshness:hubspot]].\n",
        encoding="utf-8",
    )
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    (project.root / "site" / "checked.txt").write_text(
        f"{snapshot.checked_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC", encoding="utf-8"
    )
    return project.root / "site"


def text_of(site: Path, page: str) -> str:
    raw = (site / page).read_text(encoding="utf-8").replace("<wbr>", "")
    article = raw[raw.index("<article") : raw.index("</article>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


@pytest.mark.slow
def test_the_board_says_not_checked_since_with_the_last_result(aged_site: Path):
    when = (aged_site / "checked.txt").read_text(encoding="utf-8")
    raw = (aged_site / "data/freshness/index.html").read_text(encoding="utf-8")
    article = raw[raw.index("<article") :]
    row = article[article.index('href="#pings"') :].split("</tr>", 1)[0]
    assert "hb-badge--not-checked-since" in row and "hb-badge--pass" not in row
    board = text_of(aged_site, "data/freshness/index.html")
    assert f"Pings not checked since {when} (last result: pass)" in board
    assert f"HubSpot warn as of {when}" in board  # a warn keeps its status, with its time
    assert "Google Sheets pass" in board  # 20 days is within its 100-day warn_after


@pytest.mark.slow
def test_references_metric_pages_and_trust_lines_say_it_too(aged_site: Path):
    when = (aged_site / "checked.txt").read_text(encoding="utf-8")
    data = text_of(aged_site, "data/index.html")
    assert f"Pings: Pings not checked since {when} (last result: pass)" in data
    assert f"HubSpot: HubSpot warn as of {when}" in data
    mau = text_of(aged_site, "metrics/mau/index.html")
    assert f"Pings not checked since {when} (last result: pass) · loaded 4 hours before" in mau
    assert "hb-badge--pass" not in (aged_site / "metrics/mau/index.html").read_text("utf-8")
    folder = text_of(aged_site, "looker/folders/120-company-metrics/index.html")
    assert f"sources not checked since {when} · no content errors · owner active" in folder
    reports = text_of(aged_site, "reports/index.html")
    assert f"sources not checked since {when}" in reports


@pytest.mark.slow
def test_catalog_json_says_not_checked_since_with_the_last_result(aged_site: Path):
    exported = json.loads((aged_site / "catalog.json").read_text(encoding="utf-8"))
    sources = {s["name"]: s for s in exported["sources"]}
    pings = sources["pings"]
    assert pings["status"] == "not checked since" and pings["last_result"] == "pass"
    assert pings["as_of"] == exported["freshness"]["checked_at"]
    raw_pings = next(t for t in pings["tables"] if t["table"].endswith("raw_pings"))
    assert (raw_pings["status"], raw_pings["last_result"]) == ("not checked since", "pass")
    assert (sources["hubspot"]["status"], sources["hubspot"]["last_result"]) == ("warn", "warn")
    sheets = sources["google_sheets"]
    assert (sheets["status"], sheets["last_result"], sheets["as_of"]) == ("pass", None, None)
