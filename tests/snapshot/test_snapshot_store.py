"""Snapshots are replaced whole or not at all, and a broken one is named, not ignored."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest
from handbook.errors import CatalogError
from handbook.snapshot.model import LookerSnapshot
from handbook.snapshot.store import load, write_atomic

# Runs the real write_atomic in a child process that stops inside fsync, i.e. after the new
# snapshot is fully written to the temporary file and before the rename: the moment a killed
# nightly job would leave a half-done pull behind if the write were not atomic.
WRITER = """
import os, time
from pathlib import Path
from handbook.snapshot.store import write_atomic

def stuck_fsync(fd):
    print("in fsync", flush=True)
    time.sleep(60)

os.fsync = stuck_fsync
write_atomic(Path({path!r}), '{{"new": true}}\\n' * 100000)
"""


def test_a_write_replaces_the_file_and_leaves_no_temporary_file(tmp_path: Path):
    target = tmp_path / "looker.json"
    target.write_text("old\n")
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["looker.json"]


def test_a_failed_write_leaves_the_old_file_byte_identical(tmp_path: Path):
    target = tmp_path / "looker.json"
    target.write_bytes(b'{"old": true}\n')

    with pytest.raises(TypeError):
        write_atomic(target, None)  # type: ignore[arg-type]
    assert target.read_bytes() == b'{"old": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["looker.json"]


def test_a_killed_writer_leaves_the_old_snapshot_byte_identical(tmp_path: Path):
    target = tmp_path / "looker.json"
    target.write_bytes(b'{"old": true}\n')
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER.format(path=str(target))],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "in fsync\n"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert target.read_bytes() == b'{"old": true}\n'
    # The dead writer's temporary file is a dot-file that git ignores and loaders never read.
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == ["looker.json"]


def test_a_snapshot_that_is_not_json_is_reported_with_its_file_and_line(tmp_path: Path):
    target = tmp_path / "looker.json"
    target.write_text('{\n  "schema_version": 1,\n  "pulled_at": \n}\n')
    with pytest.raises(CatalogError) as info:
        load(target, LookerSnapshot)
    message = str(info.value)
    assert message.startswith(f"{target}:4: error: snapshot is not valid JSON")
    assert "handbook refresh" in message


def test_a_snapshot_from_another_schema_version_is_refused_with_what_to_do(tmp_path: Path):
    target = tmp_path / "looker.json"
    target.write_text('{"schema_version": 99}\n')
    with pytest.raises(CatalogError, match="schema_version is 99, this handbook reads 1"):
        load(target, LookerSnapshot)


def test_snapshot_times_without_a_zone_are_read_as_utc():
    snapshot = LookerSnapshot.model_validate(
        {
            "pulled_at": "2026-11-22T06:00:00",
            "base_url": "https://x.looker.com",
            "items": [
                {"kind": "look", "id": "1", "title": "t", "last_viewed_at": "2026-11-01T00:00:00"}
            ],
        }
    )
    assert snapshot.pulled_at.tzinfo is UTC
    # Ages are differences of snapshot times: mixing naive and aware would raise here.
    assert (snapshot.pulled_at - snapshot.items[0].last_viewed_at).days == 21
