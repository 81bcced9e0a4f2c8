"""A changed dbt artifact reaches the catalog, and an unchanged one is not read again.

dbt's artifacts usually live outside `catalog/` (in the dbt project's `target/`), so the
catalog folder's fingerprint alone would miss a new `dbt parse`; and a manifest is big, so
it must not be parsed again on every save of a metric file.
"""

from __future__ import annotations

import json
import os
from html import unescape

from handbook.catalog import load_catalog
from handbook.dbt.config import artifact_folders
from handbook.generate.state import generated_problems
from handbook.session import BuildSession
from helpers.dbt_handbooks import TARGET, dbt_copy, small_handbook
from helpers.handbook import run_cli
from helpers.serving import fetch, serving, wait_for


def test_a_build_session_reloads_when_a_dbt_artifact_changes_and_only_then(tmp_path):
    project = small_handbook(tmp_path / "hb")
    session = BuildSession(live=False)
    first = session.load(project)
    assert session.load(project) is first and not session.reloaded
    results = project.root / TARGET / "sources.json"
    stat = results.stat()
    os.utime(results, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert session.load(project) is not first and session.reloaded


def test_an_unchanged_manifest_is_not_parsed_again_when_the_catalog_changes(tmp_path):
    project = small_handbook(tmp_path / "hb")
    first = load_catalog(project)
    config = project.catalog_dir / "dbt.yml"
    config.write_text(config.read_text(encoding="utf-8") + "exclude: [crm]\n", encoding="utf-8")
    second = load_catalog(project)
    assert [s.name for s in second.sources] == ["stripe", "web_analytics"]
    assert second.dbt.manifest is first.dbt.manifest  # the same parsed manifest


def test_serve_watches_the_folder_of_dbts_artifacts(tmp_path):
    project = small_handbook(tmp_path / "hb")
    assert artifact_folders(project) == [project.root / TARGET]


def board_text(url: str) -> str:
    """The page as text; "" while serve is too busy rebuilding to answer in time."""
    try:
        return unescape(fetch(url)).replace("<wbr>", "")  # identifiers carry break hints
    except TimeoutError:
        return ""


def test_mkdocs_serve_shows_a_new_dbt_source_freshness_without_a_restart(tmp_path):
    project = dbt_copy(tmp_path / "hb")
    results = project.root / TARGET / "sources.json"
    with serving(project) as (base, log):
        board = base + "data/freshness/"
        wait_for(lambda: "raw_stripe.disputes" in board_text(board), "the board", log)
        data = json.loads(results.read_text(encoding="utf-8"))
        data["metadata"].update(generated_at="2099-01-01T00:01:00Z")
        data["metadata"].update(invocation_started_at="2099-01-01T00:00:00Z")
        results.write_text(json.dumps(data), encoding="utf-8")  # as dbt writes it: in place
        wait_for(lambda: "2099-01-01 00:00 UTC" in board_text(board), "the new results", log)


def test_generated_pages_go_stale_when_a_dbt_artifact_changes(tmp_path):
    project = small_handbook(tmp_path / "hb")
    done = run_cli(project, "generate")
    assert done.returncode == 0, done.stderr
    assert generated_problems(project, "") == []
    results = project.root / TARGET / "sources.json"
    data = json.loads(results.read_text(encoding="utf-8"))
    data["metadata"].update(generated_at="2099-01-01T00:01:00Z")
    results.write_text(json.dumps(data), encoding="utf-8")  # a new `dbt source freshness`
    [problem] = generated_problems(project, "")
    assert problem.file == f"{TARGET}/sources.json"
    assert "stale: this file changed since they were written" in problem.message
    assert "handbook generate" in problem.hint
