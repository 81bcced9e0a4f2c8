"""A mark that a pull started, so a pull that never finished is visible afterwards.

A pull killed with `kill -9` or by a power cut leaves the snapshot intact (it is only ever
replaced in one rename) but runs no code on the way out, so nothing could record the
failure then. Instead `refresh` writes `<source>.pulling.json` atomically before its first
request and removes it when the pull ends, whatever the outcome. A mark whose process is
gone is a pull that did not finish; one whose process still runs is a pull in progress,
whose pid, host and start `pull_lock` names to a second pull that has to wait for it.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import UTC, datetime

from handbook.project import Project
from handbook.snapshot.model import PullInProgress
from handbook.snapshot.store import dump_json, write_atomic
from handbook.timefmt import utc_minute


def mark_started(project: Project, source: str) -> None:
    marker = PullInProgress(
        source=source,  # type: ignore[arg-type]
        started_at=datetime.now(UTC).replace(microsecond=0),
        pid=os.getpid(),
        host=socket.gethostname(),
    )
    write_atomic(project.pulling_file(source), dump_json(marker))


def clear(project: Project, source: str) -> None:
    project.pulling_file(source).unlink(missing_ok=True)


def current(project: Project, source: str) -> PullInProgress | None:
    """The mark of the pull of `source` running now, if there is one (see `pull_lock`)."""
    marker = _read(project, source)
    return marker if marker is not None and _running(marker) else None


def unfinished(project: Project, source: str) -> PullInProgress | None:
    """The mark of a pull of `source` that started and never ended, if there is one."""
    marker = _read(project, source)
    return None if marker is None or _running(marker) else marker


def _read(project: Project, source: str) -> PullInProgress | None:
    path = project.pulling_file(source)
    try:
        return PullInProgress.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except ValueError:  # unreadable: the machine died while it was being written
        return PullInProgress(
            source=source,  # type: ignore[arg-type]
            started_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
            pid=0,
            host="",
        )


def _running(marker: PullInProgress) -> bool:
    if marker.host != socket.gethostname() or marker.pid <= 0:
        return False
    if marker.pid == os.getpid():
        return True
    try:
        os.kill(marker.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def describe(marker: PullInProgress, label: str, shown: datetime | None) -> str:
    """One sentence for pages and the CLI: what did not finish, and how old the data is."""
    started = utc_minute(marker.started_at)
    data = utc_minute(shown) if shown else "no snapshot"
    return (
        f"The last {label} pull, started at {started}, did not finish (the process was "
        f"stopped before it ended). The data shown is from {data}."
    )
