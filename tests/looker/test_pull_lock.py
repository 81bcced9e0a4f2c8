"""Two pulls at once never interleave (issue 19): two real processes, one lock file.

The first `handbook refresh` is held mid-pull by the fake Looker (a `gate` fault on its
looks search) while a second refresh, or a live build, starts beside it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from fakes.fake_looker import FakeLooker, Fault, from_snapshot
from handbook.project import Project
from helpers.handbook import run_build, start_cli
from helpers.looker import SECRET, SEED, live_env

HOLD = "/looks/search"


def refresh_process(project: Project, env: dict[str, str]) -> subprocess.Popen:
    return start_cli(project, "refresh", "--only", "looker", env=env)


class Output:
    """A process's stderr, read as it comes, whitespace folded (rich wraps long lines)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.chunks: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self.thread.start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stderr:
            self.chunks.append(line)

    @property
    def text(self) -> str:
        return " ".join("".join(self.chunks).split())

    def wait_for(self, needle: str, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds  # a poll limit for a slow machine
        while needle not in self.text and time.monotonic() < deadline:
            time.sleep(0.1)
        assert needle in self.text, self.text


@contextmanager
def held_pull(project: Project) -> Iterator[tuple[FakeLooker, subprocess.Popen, Fault]]:
    """A refresh of `project` that is in the middle of its pull until `gate` is set."""
    fake = FakeLooker(from_snapshot(SEED), client_secret=SECRET)
    gate = Fault("gate", times=1, match={"deleted": "false"})
    fake.inject(HOLD, gate)
    with fake:
        first = refresh_process(project, live_env(fake, attempts=3))
        try:
            deadline = time.monotonic() + 120
            while not fake.requests_to(HOLD) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert fake.requests_to(HOLD), "the first refresh never reached its pull"
            yield fake, first, gate
        finally:
            gate.gate.set()
            if first.poll() is None:
                first.wait(120)


def holder_text(pid: int) -> str:
    return f"another Looker pull (pid {pid} on {socket.gethostname()}, started"


def test_a_second_refresh_waits_for_the_running_pull_says_who_holds_it_then_pulls(
    handbook_copy: Project,
):
    with held_pull(handbook_copy) as (fake, first, gate):
        second = refresh_process(
            handbook_copy, {**live_env(fake, attempts=3), "HANDBOOK_PULL_WAIT": "120"}
        )
        output = Output(second)
        output.wait_for("waiting up to 120 s for it to end")
        assert holder_text(first.pid) in output.text
        assert "holds catalog/snapshot/looker.lock" in output.text
        assert len(fake.requests_to("/login")) == 1  # the second has not started pulling
        gate.gate.set()
        first_out, _ = first.communicate(timeout=120)
        second.wait(120)
        output.thread.join(10)
        log = list(fake.log)
    assert first.returncode == 0 and second.returncode == 0, output.text
    # No interleaving: every request of the first pull came before the second's login.
    logins = [n for n, r in enumerate(log) if r.path == "/login"]
    assert len(logins) == 2 and f"in {logins[1]} requests" in first_out
    json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))  # whole


def test_a_refresh_that_may_not_wait_refuses_with_exit_1_and_leaves_the_pull_alone(
    handbook_copy: Project,
):
    with held_pull(handbook_copy) as (fake, first, gate):
        second = refresh_process(
            handbook_copy, {**live_env(fake, attempts=3), "HANDBOOK_PULL_WAIT": "0"}
        )
        _, err = second.communicate(timeout=120)
        logins = len(fake.requests_to("/login"))
        gate.gate.set()
        first.wait(120)
    text = " ".join(err.split())
    assert second.returncode == 1, text
    assert holder_text(first.pid) in text and "so this refresh did not pull" in text
    assert "Traceback" not in text and logins == 1
    assert first.returncode == 0
    assert not handbook_copy.attempt_file("looker").exists()  # refusing is not a failed pull
    assert not handbook_copy.pulling_file("looker").exists()


def test_a_pull_killed_outright_leaves_no_lock_behind(handbook_copy: Project):
    with held_pull(handbook_copy) as (fake, first, gate):
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
        gate.gate.set()
        second = refresh_process(
            handbook_copy, {**live_env(fake, attempts=3), "HANDBOOK_PULL_WAIT": "0"}
        )
        out, err = second.communicate(timeout=120)
    text = " ".join((out + err).split())
    assert second.returncode == 0, text
    assert "did not finish" in text  # the killed pull is reported, and never waited for


def test_a_live_build_beside_a_running_pull_builds_from_the_snapshot_and_says_so(
    handbook_copy: Project,
):
    before = handbook_copy.looker_snapshot.read_bytes()
    with held_pull(handbook_copy) as (fake, first, gate):
        build = run_build(handbook_copy, env=live_env(fake, attempts=3))
        logins = len(fake.requests_to("/login"))
        assert handbook_copy.looker_snapshot.read_bytes() == before
        gate.gate.set()
        first.wait(120)
    assert build.returncode == 0, build.stderr
    text = " ".join(build.stderr.split())
    assert "building from the snapshot without pulling: looker:" in text
    assert holder_text(first.pid) in text and logins == 1
