"""With Looker credentials configured, the build itself pulls; when the pull fails, it falls
back to the last snapshot and every catalog page says so."""

from __future__ import annotations

from fakes.fake_looker import FakeLooker, Fault, from_snapshot
from handbook.project import Project
from helpers.handbook import run_build
from helpers.looker import RENAMED, SEED, live_env
from helpers.pages import page_text


def test_a_live_build_publishes_what_looker_has_now(handbook_copy: Project):
    data = from_snapshot(SEED)
    next(look for look in data.looks if look["id"] == "729")["title"] = RENAMED
    with FakeLooker(data) as fake:
        result = run_build(handbook_copy, env=live_env(fake))
        assert fake.log, "the build made no request to Looker"
    assert result.returncode == 0, result.stderr
    assert RENAMED in page_text(handbook_copy, "reports/index.html")
    # The pull is kept as the new snapshot, so the next offline build shows the same.
    assert RENAMED in handbook_copy.looker_snapshot.read_text(encoding="utf-8")


def test_a_failed_live_pull_still_builds_strict_from_the_snapshot_with_a_notice(
    handbook_copy: Project,
):
    before = handbook_copy.looker_snapshot.read_bytes()
    with FakeLooker(from_snapshot(SEED)) as fake:
        fake.inject("/folders", Fault("status", status=503, times=None))
        result = run_build(handbook_copy, env=live_env(fake))
    assert result.returncode == 0, result.stderr
    assert "live pull failed" in result.stderr
    assert handbook_copy.looker_snapshot.read_bytes() == before
    for page in ("reports/index.html", "looker/index.html", "metrics/mau/index.html"):
        text = page_text(handbook_copy, page)
        assert "The Looker pull at" in text and "failed (" in text, page
        assert "shows the last good snapshot, from 2026-11-22 06:00 UTC" in text, page
    # The published titles are the snapshot's: nothing half-pulled leaked in.
    assert "Monthly users by instance type" in page_text(handbook_copy, "reports/index.html")


def test_the_plugins_live_option_false_builds_from_the_snapshot_with_credentials_set(
    handbook_copy: Project,
):
    config = handbook_copy.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - handbook\n" in text
    config.write_text(text.replace("  - handbook\n", "  - handbook:\n      live: false\n", 1))
    before = handbook_copy.looker_snapshot.read_bytes()
    with FakeLooker(from_snapshot(SEED)) as fake:
        result = run_build(handbook_copy, env=live_env(fake))
        assert fake.log == []
    assert result.returncode == 0, result.stderr
    assert handbook_copy.looker_snapshot.read_bytes() == before
