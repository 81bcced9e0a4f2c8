"""`handbook generate --watch`: write the pages again whenever something under catalog/ changes.

The companion of `zensical serve`, which watches docs/ but knows nothing of the catalog:
this polls the catalog folder's fingerprint (one `stat` per file, `handbook.fingerprint`),
and that of the dbt artifacts `catalog/dbt.yml` names, every half second and runs `generate`
again when it changes: a YAML file saved, the snapshot refreshed, a file added or removed, a
new `dbt parse` or `dbt source freshness`. Only pages whose inputs changed are rendered again
(`handbook.render.cache`) and only pages whose text changed are rewritten, so the engine
re-renders just those. The hand pages' `[[…]]` references are left to the engine's serve to
report (unless `--strict`). A run with errors (a YAML mistake) prints them with file and
line and writes nothing: the last good pages stay on screen until the next good save.
Ctrl-C (or SIGTERM) waits for a run in progress to finish, then exits with 0.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from handbook.dbt.config import artifact_files
from handbook.fingerprint import files_fingerprint, folder_fingerprint
from handbook.generate.run import Outcome, generate_once
from handbook.project import Project
from handbook.render.cache import RenderCache

INTERVAL = 0.5  # seconds between two looks at the catalog folder


class _Stop(Exception):
    pass


@contextmanager
def _stop_after_run() -> Iterator[list[bool]]:
    """Ctrl-C or SIGTERM while a run writes: note it, let the run finish, stop after."""
    asked = [False]

    def note(_signum: int, _frame: Any) -> None:
        asked[0] = True

    before = {s: signal.signal(s, note) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield asked
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def _stop(_signum: int, _frame: Any) -> None:
    raise _Stop


def watch(
    project: Project,
    pages_dir: str,
    report: Callable[[Outcome, bool], None],
    *,
    strict: bool = False,
    interval: float = INTERVAL,
) -> int:
    """Generate now and after every change under catalog/ until stopped; returns 0."""
    previous = signal.signal(signal.SIGTERM, _stop)
    cache = RenderCache()  # only pages whose inputs changed are rendered again
    first = True
    try:
        while True:
            stamp = _inputs_stamp(project)
            with _stop_after_run() as asked:
                outcome = generate_once(
                    project, pages_dir, strict=strict, cache=cache, check_references=False
                )
                report(outcome, first)
            first = False
            if asked[0]:
                raise _Stop
            while _inputs_stamp(project) == stamp:
                time.sleep(interval)
    except (KeyboardInterrupt, _Stop):
        print(
            f"{timestamp()} stopped watching {project.relative(project.catalog_dir)}/", flush=True
        )
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def _inputs_stamp(project: Project) -> tuple:
    """What changes when a file the pages are made from changes (see the module docstring)."""
    return folder_fingerprint(project.catalog_dir), files_fingerprint(artifact_files(project))


def timestamp() -> str:
    """The time of day each message of a watch starts with."""
    return datetime.now().strftime("%H:%M:%S")
