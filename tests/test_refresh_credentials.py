"""`handbook refresh` with no credentials: exit 2, say what to set, record nothing.

A refresh that was never tried is not a failed pull: writing a failure note would put
"Pull failed" on every generated page until someone found and deleted it. So a source with
no settings is named with the variables to set, and nothing under catalog/snapshot/ changes.
"""

from __future__ import annotations

from pathlib import Path

from fakes.fake_bigquery import FakeBigQuery, FakeTable
from handbook.project import Project
from helpers.handbook import clean_env, run_cli

LOOKER_VARS = ("LOOKERSDK_BASE_URL", "LOOKERSDK_CLIENT_ID", "LOOKERSDK_CLIENT_SECRET")
BIGQUERY_VARS = (
    "GOOGLE_CLOUD_PROJECT",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "HANDBOOK_BIGQUERY_ENDPOINT",
)


def _env(**settings: str) -> dict[str, str]:
    """A shell with no credentials (and not forced offline), plus `settings`."""
    env = clean_env(offline=False)
    env.update(settings)
    return env


def _snapshot_files(project: Project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(project.snapshot_dir.iterdir())}


def test_refresh_with_no_credentials_exits_2_names_every_variable_and_writes_nothing(
    handbook_copy: Project,
):
    before = _snapshot_files(handbook_copy)
    result = run_cli(handbook_copy, "refresh", env=_env())
    assert result.returncode == 2, result.stdout + result.stderr
    assert (
        "error: Looker is not configured: LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID and "
        "LOOKERSDK_CLIENT_SECRET are not set" in result.stderr
    )
    assert "under [Looker] in looker.ini" in result.stderr
    assert (
        "error: BigQuery is not configured: none of GOOGLE_CLOUD_PROJECT, "
        "GOOGLE_APPLICATION_CREDENTIALS, HANDBOOK_BIGQUERY_ENDPOINT is set" in result.stderr
    )
    assert "nothing was pulled; the snapshots and pages are as they were" in result.stderr
    assert "Traceback" not in result.stderr
    # No attempt file, no pulling mark, snapshots byte for byte: pages stay as they were.
    assert _snapshot_files(handbook_copy) == before


def test_only_looker_names_just_the_looker_settings_that_are_missing(handbook_copy: Project):
    before = _snapshot_files(handbook_copy)
    env = _env(
        LOOKERSDK_BASE_URL="https://example.looker.com",
        HANDBOOK_BIGQUERY_ENDPOINT="http://127.0.0.1:9",  # BigQuery's settings do not matter
    )
    result = run_cli(handbook_copy, "refresh", "--only", "looker", env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert (
        "error: Looker is not configured: LOOKERSDK_CLIENT_ID and LOOKERSDK_CLIENT_SECRET "
        "are not set" in result.stderr
    )
    assert "BigQuery" not in result.stderr
    assert _snapshot_files(handbook_copy) == before


def test_only_bigquery_ignores_looker_and_names_the_bigquery_settings(handbook_copy: Project):
    before = _snapshot_files(handbook_copy)
    env = _env(**dict.fromkeys(LOOKER_VARS, "https://example.looker.com"))
    result = run_cli(handbook_copy, "refresh", "--only", "bigquery", env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert all(name in result.stderr for name in BIGQUERY_VARS)
    assert "Looker" not in result.stderr
    assert _snapshot_files(handbook_copy) == before


def test_looker_settings_in_looker_ini_count(handbook_copy: Project, tmp_path: Path):
    ini = tmp_path / "looker.ini"
    ini.write_text("[Looker]\nbase_url=https://example.looker.com\nclient_id=abc\n")
    env = _env(HANDBOOK_LOOKER_INI=str(ini))
    result = run_cli(handbook_copy, "refresh", "--only", "looker", env=env)
    assert result.returncode == 2
    assert "error: Looker is not configured: LOOKERSDK_CLIENT_SECRET is not set" in result.stderr
    assert f"under [Looker] in {ini}" in result.stderr


def test_the_configured_source_is_pulled_and_the_other_is_named_as_skipped(
    handbook_copy: Project,
):
    from handbook.curated.sources import load_sources

    tables = {t.table for s in load_sources(handbook_copy) for t in s.tables}
    looker_before = handbook_copy.looker_snapshot.read_bytes()
    with FakeBigQuery({t: FakeTable() for t in tables}) as bq:
        env = _env(HANDBOOK_BIGQUERY_ENDPOINT=bq.endpoint, GOOGLE_CLOUD_PROJECT="sourcegraph-dw")
        result = run_cli(handbook_copy, "refresh", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bigquery: " in result.stdout and "tables checked" in result.stdout
    assert "warning: Looker is not configured: LOOKERSDK_BASE_URL" in result.stderr
    assert handbook_copy.looker_snapshot.read_bytes() == looker_before
    assert not handbook_copy.attempt_file("looker").exists()
    assert not handbook_copy.pulling_file("looker").exists()
