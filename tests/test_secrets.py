"""Secrets never reach a log, an attempt file, a page or catalog.json, whatever Looker echoes.

Some proxies and Looker error paths answer 400 with the request echoed in `message`: for the
login that is the form body with `client_secret`, for an API call the `Authorization` header
with the access token. The real looker-sdk drives the fake Looker made to echo; the refresh
fails, and the failure is shown on every catalog page, so the site is built and searched too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes.fake_looker import FakeLooker, Fault, from_snapshot, synthetic
from handbook.project import Project
from helpers.handbook import REPO, run_build, run_cli
from helpers.looker import live_env

SECRET = "s3cret-Value/with+chars=="
CLIENT_ID = "client-id-4711"


def site_text(site: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in site.rglob("*")
        if p.is_file() and p.suffix in (".html", ".json", ".xml")
    )


@pytest.mark.parametrize("path", ["/login", "/folders"])
def test_an_echoed_request_is_scrubbed_from_stderr_attempt_file_pages_and_catalog_json(
    handbook_copy: Project, path: str
):
    with FakeLooker(synthetic(20), client_id=CLIENT_ID, client_secret=SECRET) as fake:
        fake.inject(path, Fault("echo", status=400, times=None))
        result = run_cli(handbook_copy, "refresh", "--only", "looker", env=live_env(fake))
        tokens = set(fake.tokens)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "HTTP 400" in result.stderr and "[redacted]" in result.stderr
    attempt = handbook_copy.attempt_file("looker").read_text(encoding="utf-8")
    assert "[redacted]" in json.loads(attempt)["error"]
    build = run_build(handbook_copy)
    assert build.returncode == 0, build.stderr
    site = site_text(handbook_copy.root / "site")
    assert "last pull failed" in site.lower() or "pull failed" in site.lower()
    leaks = (SECRET, CLIENT_ID, "s3cret-Value%2Fwith%2Bchars", *tokens)
    for where, text in {
        "stdout": result.stdout,
        "stderr": result.stderr,
        "attempt file": attempt,
        "build log": build.stderr,
        "site": site,
    }.items():
        for secret in leaks:
            assert secret not in text, f"{secret!r} leaked into the {where}"


def test_credential_file_contents_are_scrubbed_from_messages(tmp_path: Path, monkeypatch):
    from handbook.errors import PullError

    key = (
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
    )
    creds = tmp_path / "key.json"
    creds.write_text(
        json.dumps(
            {"type": "service_account", "private_key_id": "abc123def456", "private_key": key}
        )
    )
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(creds))
    echoed = f"bad key abc123def456 in {json.dumps(key)} and ya29.a0AfH6SMBx token"
    error = PullError("bigquery", echoed)
    assert "abc123def456" not in str(error)
    assert "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" not in str(error)
    assert "ya29.a0AfH6SMBx" not in str(error)
    assert str(error).startswith("bigquery: bad key [redacted] in ")


def test_an_echoing_content_validator_leaks_nothing_into_the_snapshot_pages_or_messages(
    handbook_copy: Project,
):
    seed = from_snapshot(REPO / "catalog" / "snapshot" / "looker.json")
    with FakeLooker(seed, client_id=CLIENT_ID, client_secret=SECRET) as fake:
        fake.inject("/content_validation", Fault("echo", status=400, times=None))
        result = run_cli(handbook_copy, "refresh", "--only", "looker", env=live_env(fake))
        tokens = set(fake.tokens)
    assert result.returncode == 1, result.stdout + result.stderr  # a validator fault
    assert "content validation failed" in result.stderr and "[redacted]" in result.stderr
    snapshot = handbook_copy.looker_snapshot.read_text(encoding="utf-8")
    assert '"state": "kept"' in snapshot and "[redacted]" in snapshot
    build = run_build(handbook_copy)
    assert build.returncode == 0, build.stderr
    site = site_text(handbook_copy.root / "site")
    assert "Content validation failed" in site
    for where, text in {
        "output": result.stdout + result.stderr,
        "snapshot": snapshot,
        "build log": build.stderr,
        "site": site,
    }.items():
        for secret in (SECRET, CLIENT_ID, *tokens):
            assert secret not in text, f"{secret!r} leaked into the {where}"
