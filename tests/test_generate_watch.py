"""`handbook generate --watch`, run as a user runs it beside `zensical serve`.

How fast a change reaches the page is measured in scripts/bench_watch.py; here each step
only has to happen (within a generous deadline, so a loaded machine does not fail it).
"""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from handbook.project import Project
from helpers.handbook import start_cli

DEADLINE = 30.0  # seconds; the target (3 s) is the benchmark's


class Watcher:
    """`handbook generate --watch` in the background, its output collected as it comes."""

    def __init__(self, project: Project) -> None:
        self.proc = start_cli(project, "generate", "--watch")
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, lines), daemon=True).start()

    @staticmethod
    def _read(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    def text(self) -> str:
        return "".join(self.out) + "".join(self.err)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


def wait_for(condition: Callable[[], bool], what: str, watcher: Watcher) -> None:
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {DEADLINE} s; output:\n{watcher.text()}")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def test_watch_regenerates_on_yaml_and_snapshot_changes_and_survives_a_yaml_error(
    handbook_copy: Project,
):
    docs, yml = handbook_copy.docs_dir, handbook_copy.metrics_dir / "product.yml"
    mau = docs / "metrics" / "mau.md"
    watcher = Watcher(handbook_copy)
    try:
        wait_for(lambda: "Monthly active users" in read(mau), "the first run", watcher)

        edit(yml, "label: Monthly active users", "label: Monthly actives")
        wait_for(lambda: "# Monthly actives" in read(mau), "a YAML change", watcher)

        edit(yml, "label: Monthly actives", "label: [Monthly actives")  # unclosed
        wait_for(
            lambda: "the pages from the last good run stay" in "".join(watcher.err),
            "the YAML error",
            watcher,
        )
        assert re.search(r"catalog/metrics/product\.yml:\d+: error: YAML", "".join(watcher.err))
        assert "Traceback" not in watcher.text()
        assert "# Monthly actives" in read(mau)  # the last good page is kept

        edit(yml, "label: [Monthly actives", "label: Monthly active people")
        wait_for(lambda: "# Monthly active people" in read(mau), "recovery", watcher)

        snapshot = handbook_copy.looker_snapshot
        edit(snapshot, "Monthly users by instance type", "Monthly users per instance type")
        wait_for(
            lambda: any(
                "Monthly users per instance type" in read(p)
                for p in (docs / "looker").rglob("*.md")
            ),
            "a snapshot change",
            watcher,
        )
    finally:
        code = watcher.stop()
    assert code == 0, watcher.text()
    assert "stopped watching catalog/" in "".join(watcher.out)
    assert "Traceback" not in watcher.text()
