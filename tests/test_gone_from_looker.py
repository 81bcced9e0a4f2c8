"""Curated YAML naming Looker content that is gone: strict checks fail, plain builds publish.

`handbook validate` and `mkdocs build --strict` (pull requests) fail with file:line; a plain
`mkdocs build` (the nightly site) publishes, shows the item as gone and logs a warning; the
nightly stale-links issue lists it. One trashed dashboard never stops the site updating.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from handbook.project import Project
from helpers.handbook import REPO, run_build, run_cli
from helpers.pages import page_text

NIGHTLY = REPO / ".github" / "workflows" / "nightly.yml"


def line_of(path: Path, text: str) -> int:
    """The line where `text` is typed, so comments added above it do not break the test."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


L971 = line_of(REPO / "catalog/reports.yml", "- look: 971")
L296 = line_of(REPO / "catalog/reports.yml", "- dashboard: 296")
M296 = line_of(REPO / "catalog/metrics/product.yml", "dashboards: [296]")


def _trash_and_forget(project: Project) -> None:
    """Look 971 goes to Looker's trash; dashboard 296 disappears from Looker altogether."""
    snap = json.loads(project.looker_snapshot.read_text(encoding="utf-8"))
    for item in snap["items"]:
        if (item["kind"], item["id"]) == ("look", "971"):
            item["deleted"] = True
    snap["items"] = [i for i in snap["items"] if (i["kind"], i["id"]) != ("dashboard", "296")]
    project.looker_snapshot.write_text(json.dumps(snap), encoding="utf-8")


def test_validate_fails_with_file_and_line(handbook_copy: Project):
    _trash_and_forget(handbook_copy)
    result = run_cli(handbook_copy, "validate")
    assert result.returncode == 1
    assert f"catalog/reports.yml:{L971}: error: look 971 is in Looker's trash" in result.stderr
    assert f"catalog/reports.yml:{L296}: error: dashboard 296 is not in the Looker snapshot" in (
        result.stderr
    )
    assert f"catalog/metrics/product.yml:{M296}: error: metric" in result.stderr
    as_json = json.loads(run_cli(handbook_copy, "validate", "--format", "json").stdout)
    gone = {(p["file"], p["line"]) for p in as_json if p["publishable"]}
    assert ("catalog/reports.yml", L971) in gone and ("catalog/metrics/product.yml", M296) in gone


def test_a_strict_build_fails_but_a_plain_build_publishes_the_item_as_gone(
    handbook_copy: Project,
):
    _trash_and_forget(handbook_copy)
    strict = run_build(handbook_copy)
    assert strict.returncode != 0
    assert f"catalog/reports.yml:{L971}" in strict.stderr
    plain = run_build(handbook_copy, strict=False)
    assert plain.returncode == 0, plain.stderr
    assert "WARNING" in plain.stderr
    assert f"catalog/reports.yml:{L971}: warning: look 971 is in Looker's trash" in plain.stderr
    reports = page_text(handbook_copy, "reports/index.html")
    assert "(deleted in Looker)" in reports and "dashboard 296 (not found in Looker)" in reports
    html = (handbook_copy.root / "site" / "reports" / "index.html").read_text(encoding="utf-8")
    assert "/looks/971" not in html and "/dashboards/296" not in html


def test_an_excluded_report_still_stops_every_build(handbook_copy: Project):
    """Gone is publishable; held back by the publishing policy is not (privacy)."""
    snap = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))
    policy = yaml.safe_load(handbook_copy.looker_policy.read_text(encoding="utf-8")) or {}
    folder = next(i["folder_id"] for i in snap["items"] if i["id"] == "971")
    policy["exclude_folders"] = [*policy.get("exclude_folders", []), folder]
    handbook_copy.looker_policy.write_text(yaml.safe_dump(policy), encoding="utf-8")
    plain = run_build(handbook_copy, strict=False)
    assert plain.returncode != 0
    assert "excluded from publishing" in plain.stderr


def _workflow() -> dict:
    return yaml.safe_load(NIGHTLY.read_text(encoding="utf-8"))


def test_the_nightly_site_is_built_plain_and_pull_requests_stay_strict():
    build = _workflow()["jobs"]["build"]["steps"]
    runs = [str(s.get("run", "")) for s in build]
    # One build script for either engine (HANDBOOK_ENGINE), plain with both; the workflow
    # tests run it (tests/test_workflows.py).
    (script,) = [r for r in runs if "mkdocs build" in r]
    assert "zensical build" in script and not any("--strict" in r for r in runs)
    checks = (REPO / ".github" / "workflows" / "checks.yml").read_text(encoding="utf-8")
    assert "mkdocs build --strict" in checks and "handbook validate" in checks


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")
def test_the_nightly_stale_links_issue_lists_curated_items_gone_from_looker(
    handbook_copy: Project, tmp_path: Path
):
    _trash_and_forget(handbook_copy)
    report = tmp_path / "report"
    report.mkdir()
    links = run_cli(handbook_copy, "check-links", "--format", "json")
    (report / "links.json").write_text(links.stdout, encoding="utf-8")
    # The links job writes the body's stale-links part; the issue job appends to it.
    body_md = run_cli(
        handbook_copy, "check-links", "--format", "markdown", "--blob-url", "https://x/blob/abc"
    )
    (report / "issue.md").write_text(body_md.stdout, encoding="utf-8")
    curated = run_cli(handbook_copy, "validate", "--format", "json")
    assert curated.returncode == 1
    (report / "curated.json").write_text(curated.stdout, encoding="utf-8")
    job = _workflow()["jobs"]["stale-links-issue"]
    script = next(s["run"] for s in job["steps"] if "run" in s)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "gh-calls"
    (bin_dir / "gh").write_text(f'#!/bin/sh\necho "$@" >> "{calls}"\n', encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "BLOB_URL": "https://github.com/o/r/blob/abc",
        "RUN_URL": "https://github.com/o/r/actions/runs/1",
        "REPORT": str(report / "links.json"),
        "CURATED": str(report / "curated.json"),
        "BODY": str(report / "issue.md"),
    }
    proc = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    body = (report / "issue.md").read_text(encoding="utf-8")
    assert (
        f"[catalog/reports.yml:{L971}](https://github.com/o/r/blob/abc/catalog/reports.yml#L{L971})"
        in (body)
    )
    assert "look 971 is in Looker's trash" in body
    assert body.startswith("The nightly check found ")
    assert "issue create" in calls.read_text(encoding="utf-8")
