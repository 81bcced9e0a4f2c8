"""One pull of a source at a time: an OS lock on `catalog/snapshot/<source>.lock`.

Two pulls at once (the nightly run and a manual `handbook refresh`, or a live build beside
one) would each compare against the same previous snapshot and write the snapshot and the
change log in turn, so one pull's changes would be recorded twice or lost. So a pull holds
`fcntl.flock` on the lock file from before it reads the previous snapshot until the
snapshot and `changes.json` are written. The OS releases the lock when the process ends,
however it ends (`kill -9` included), so a killed pull never leaves a stale lock; the
file itself stays, empty, and is git-ignored.

Who holds it is read from the holder's `pull_marker` mark (pid, host, start), so a second
`handbook refresh` can say whom it waits for. It waits up to `HANDBOOK_PULL_WAIT` seconds
(default 1800: longer than a whole pull with a slow content validator, so a nightly run and
a manual one both finish, one after the other) and then refuses with exit 1; 0 refuses at
once. A live build never waits: it builds from the snapshot and says so.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator

from handbook import pull_marker
from handbook.project import Project
from handbook.timefmt import utc_minute

POLL_SECONDS = 0.2


class PullBusy(Exception):
    """Another pull of the same source held the lock for longer than we could wait.

    `holder` says who (see `holder`); `message` adds what the refused refresh did.
    """

    def __init__(self, holder: str, message: str) -> None:
        super().__init__(message)
        self.holder = holder
        self.message = message


def holder(project: Project, source: str, label: str) -> str:
    """Who holds the lock, in one phrase: from the holder's mark, when it wrote one yet."""
    where = project.relative(project.lock_file(source))
    marker = pull_marker.current(project, source)
    if marker is None:
        return f"another {label} pull holds {where}"
    started = utc_minute(marker.started_at)
    return (
        f"another {label} pull (pid {marker.pid} on {marker.host}, started {started}) holds {where}"
    )


@contextlib.contextmanager
def holding(
    project: Project,
    source: str,
    label: str,
    *,
    wait: float,
    waiting: Callable[[str], None] = lambda message: None,
) -> Iterator[None]:
    """Hold the pull lock of `source` for the block; PullBusy after `wait` seconds.

    `waiting` hears once, at the start of a wait, who holds the lock.
    """
    path = project.lock_file(source)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, project, source, label, wait, waiting)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(
    fd: int,
    project: Project,
    source: str,
    label: str,
    wait: float,
    waiting: Callable[[str], None],
) -> None:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline:
            who = holder(project, source, label)
            waited = f" (waited {wait:.0f} s)" if wait > 0 else ""
            raise PullBusy(
                who,
                f"{who}{waited}, so this refresh did not pull; the snapshot will be the one "
                "that pull writes. Run `handbook refresh` again once it has ended, or set "
                "HANDBOOK_PULL_WAIT to wait longer.",
            )
        if not told:
            waiting(f"{holder(project, source, label)}; waiting up to {wait:.0f} s for it to end")
            told = True
        time.sleep(POLL_SECONDS)
