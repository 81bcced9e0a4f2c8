"""A live build pulls on a freshly booted machine, where the monotonic clock is near zero.

`time.monotonic()` counts from boot on Linux, so a "reuse the last pull for 15 minutes"
check that starts from 0 would skip the first pull for the first 15 minutes after boot (a
fresh CI runner). Two ways to be just booted: the build's injected clock, in process; and a
real Linux time namespace (`unshare -T --monotonic`), for a whole `mkdocs build`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from fakes.fake_looker import FakeLooker, from_snapshot
from handbook.project import Project
from handbook.session import BuildSession
from helpers.handbook import run_build
from helpers.looker import RENAMED, SEED, live_env
from helpers.pages import page_text


def _renamed_looker() -> FakeLooker:
    data = from_snapshot(SEED)
    next(look for look in data.looks if look["id"] == "729")["title"] = RENAMED
    return FakeLooker(data)


def test_the_first_live_build_pulls_when_the_clock_says_the_machine_booted_seconds_ago(
    handbook_copy: Project, monkeypatch: pytest.MonkeyPatch
):
    session = BuildSession(clock=lambda: 3.0)
    with _renamed_looker() as fake:
        for key, value in live_env(fake).items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("HANDBOOK_OFFLINE", raising=False)
        monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        monkeypatch.delenv("HANDBOOK_BIGQUERY_ENDPOINT", raising=False)
        catalog = session.load(handbook_copy)
        served = len(fake.log)
        # A rebuild seconds later (same process, as `mkdocs serve`) reuses that pull.
        session.load(handbook_copy)
        assert len(fake.log) == served
    assert served > 0, "the first build on a just-booted machine did not pull"
    assert catalog.items[("look", "729")].title == RENAMED


def _seconds_since_boot() -> float:
    with open("/proc/uptime", encoding="ascii") as fh:
        return float(fh.read().split()[0])


def _just_booted_prefix() -> list[str]:
    """`unshare` arguments that make the monotonic clock read ~5 s, or skip the test."""
    if sys.platform != "linux" or shutil.which("unshare") is None:
        pytest.skip("needs Linux and unshare(1) for a time namespace")
    shift = int(_seconds_since_boot()) - 5
    prefix = ["unshare", "-T", f"--monotonic=-{shift}", f"--boottime=-{shift}"]
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import time; print(time.monotonic())"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot make a time namespace here: {probe.stderr.strip()[:200]}")
    if float(probe.stdout) > 60:
        pytest.skip("the time namespace did not move the monotonic clock")
    return prefix


def test_a_live_mkdocs_build_in_a_just_booted_time_namespace_pulls(handbook_copy: Project):
    prefix = _just_booted_prefix()
    with _renamed_looker() as fake:
        result = run_build(handbook_copy, env=live_env(fake), prefix=prefix)
        served = len(fake.log)
    assert result.returncode == 0, result.stderr
    assert served > 0, "a build whose clock reads seconds since boot made no Looker request"
    assert RENAMED in page_text(handbook_copy, "reports/index.html")
