"""Settings from the environment, and refreshes that cannot reach or understand their source.

A refresh that fails as a whole (an endpoint that is not BigQuery, every table refused the
same way) exits non-zero and keeps the snapshot byte-identical; a base URL typed with a path
or a trailing slash reaches Looker at the right address.
"""

from __future__ import annotations

import json

import pytest
from fakes.fake_bigquery import FakeBigQuery, FakeTable
from fakes.fake_looker import FakeLooker, synthetic
from handbook.looker.pull_settings import PullSettings
from handbook.looker.sdk import api_settings
from handbook.project import Project
from handbook.settings import load_settings
from helpers.handbook import REPO, clean_env, run_build, run_cli
from helpers.serving import serve_directory


def _bq_env(endpoint: str) -> dict[str, str]:
    env = clean_env(offline=False)
    env.update(
        HANDBOOK_BIGQUERY_ENDPOINT=endpoint,
        GOOGLE_CLOUD_PROJECT="sourcegraph-dw",
        HANDBOOK_BIGQUERY_TIMEOUT="1",
    )
    return env


def _assert_failed_pull(project: Project, before: bytes, result, message: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert project.freshness_snapshot.read_bytes() == before
    attempt = json.loads(project.attempt_file("bigquery").read_text(encoding="utf-8"))
    assert message in attempt["error"].lower()


def test_an_endpoint_that_is_not_bigquery_is_a_failed_pull(handbook_copy: Project, tmp_path):
    before = handbook_copy.freshness_snapshot.read_bytes()
    (tmp_path / "www").mkdir()
    with serve_directory(tmp_path / "www") as url:  # answers 404 to every API path
        result = run_cli(handbook_copy, "refresh", "--only", "bigquery", env=_bq_env(url))
    _assert_failed_pull(handbook_copy, before, result, "a web page, not the bigquery api")


def test_every_table_refused_the_same_way_is_a_failed_pull(handbook_copy: Project):
    from handbook.curated.sources import load_sources

    tables = {t.table for s in load_sources(handbook_copy) for t in s.tables}
    before = handbook_copy.freshness_snapshot.read_bytes()
    with FakeBigQuery({t: FakeTable(forbidden=True) for t in tables}) as bq:
        result = run_cli(handbook_copy, "refresh", "--only", "bigquery", env=_bq_env(bq.endpoint))
    _assert_failed_pull(
        handbook_copy,
        before,
        result,
        f"every one of the {len(tables)} tables failed the same way (access denied",
    )


def test_a_base_url_with_a_trailing_slash_reaches_looker(handbook_copy: Project):
    with FakeLooker(synthetic(30)) as fake:
        env = clean_env(offline=False)
        env.update(fake.env(LOOKERSDK_BASE_URL=fake.base_url + "/"))
        result = run_cli(handbook_copy, "refresh", "--only", "looker", env=env)
        paths = [r.path for r in fake.log]
    assert result.returncode == 0, result.stderr
    assert "/login" in paths and not any("//" in p for p in paths)


@pytest.mark.parametrize(
    ("typed", "used"),
    [
        ("https://x.example.com/looker/", "https://x.example.com/looker"),
        ("https://x.example.com/looker", "https://x.example.com/looker"),
        ("https://x.example.com//", "https://x.example.com"),
        ("  https://x.example.com:19999/ ", "https://x.example.com:19999"),
    ],
)
def test_base_urls_with_paths_and_slashes_become_one_root(monkeypatch, typed: str, used: str):
    monkeypatch.setenv("LOOKERSDK_BASE_URL", typed)
    monkeypatch.setenv("LOOKERSDK_CLIENT_ID", "id")
    monkeypatch.setenv("LOOKERSDK_CLIENT_SECRET", "secret")
    settings = PullSettings.from_env()
    assert settings.base_url == used
    # What looker-sdk builds its login URL from: f"{base_url}/api/4.0/login".
    assert f"{api_settings(settings).base_url}/api/4.0/login" == f"{used}/api/4.0/login"


def test_every_wrong_setting_is_reported_at_once_and_secrets_are_never_echoed(monkeypatch):
    from handbook.settings import SettingsError

    env = {
        "LOOKERSDK_VERIFY_SSL": "maybe",
        "LOOKERSDK_TIMEOUT": "0",
        "LOOKERSDK_CLIENT_SECRET": "",
        "HANDBOOK_BIGQUERY_ENDPOINT": "localhost:9050",
    }
    with pytest.raises(SettingsError) as info:
        load_settings(env)
    text = str(info.value)
    assert "LOOKERSDK_VERIFY_SSL: error: must be true or false" in text
    assert "LOOKERSDK_TIMEOUT: error: must be a whole number of seconds, 1 or more" in text
    assert "HANDBOOK_BIGQUERY_ENDPOINT: error: must be an http(s) URL" in text
    settings = load_settings({"LOOKERSDK_CLIENT_SECRET": "hunter2-secret"})
    assert "hunter2-secret" not in repr(settings)


def test_an_excluded_folder_looker_lacks_warns_in_a_plain_build_and_fails_a_strict_one(
    handbook_copy: Project,
):
    policy = handbook_copy.looker_policy
    policy.write_text(
        policy.read_text(encoding="utf-8").replace("  - 150 ", "  - 150\n  - 999999 ", 1),
        encoding="utf-8",
    )
    plain = run_build(handbook_copy, strict=False)
    assert plain.returncode == 0, plain.stderr
    assert "WARNING" in plain.stderr and "Looker has no folder 999999" in plain.stderr
    strict = run_build(handbook_copy)
    assert strict.returncode == 1
    lines = policy.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if "999999" in text)
    assert f"catalog/looker.yml:{line}" in strict.stderr and "Traceback" not in strict.stderr


def test_repository_code_reads_the_environment_only_through_settings():
    package = REPO / "hooks" / "handbook"
    readers = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if "os.environ" in p.read_text(encoding="utf-8") or "os.getenv" in p.read_text()
    ]
    assert readers == ["settings.py"]


def test_the_content_validation_timeout_and_the_pull_wait_are_checked_like_other_timeouts():
    from handbook.settings import SettingsError

    with pytest.raises(SettingsError) as info:
        load_settings({"HANDBOOK_CONTENT_VALIDATION_TIMEOUT": "1.5", "HANDBOOK_PULL_WAIT": "-1"})
    text = str(info.value)
    assert (
        "HANDBOOK_CONTENT_VALIDATION_TIMEOUT: error: must be a whole number of seconds, 1 or "
        "more (got '1.5')" in text
    )
    assert "HANDBOOK_PULL_WAIT: error: must be a number of seconds, 0 or more (got '-1')" in text
    settings = load_settings(
        {"HANDBOOK_CONTENT_VALIDATION_TIMEOUT": "60", "HANDBOOK_PULL_WAIT": "0"}
    )
    assert (settings.content_validation_timeout, settings.pull_wait) == (60, 0)
    assert (load_settings({}).content_validation_timeout, load_settings({}).pull_wait) == (
        900,
        1800,
    )
