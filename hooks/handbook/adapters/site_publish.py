"""Publish the built site atomically: the last good `site/` stays until a new one is whole.

MkDocs empties `site_dir` before it writes a page, so a build that fails late (a page it
cannot decode, a plugin error, `--strict` warnings) or is killed leaves a half-written or
empty site. Instead the build is pointed at a staging folder beside the target
(`.site.building-<pid>`), and only when the whole build succeeded is the old site moved
aside and the new one renamed into place, two renames in the same folder. A failed build
removes its staging folder; a killed one leaves it behind, and the next build removes it
(its process is gone). If a build was killed between the two renames, the next one first
puts the previous site back.

`mkdocs serve` builds into its own temporary folder and is left alone. The logic is plain
methods on `AtomicPublish`, so the MkDocs hooks and a plugin class can share it: call
`startup` from `on_startup`, `stage` from `on_config`, `publish` last in `on_post_build`,
and `abandon` from `on_build_error`.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.plugins.handbook")

_BUILDING = ".building-"
_PREVIOUS = ".previous-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_pid(name: str, marker: str) -> int | None:
    try:
        return int(name.rsplit(marker, 1)[1])
    except (IndexError, ValueError):
        return None


def recover(final: Path) -> None:
    """Undo what a killed build left beside `final`: restore the old site, drop staging."""
    parent = final.parent
    if not parent.is_dir():
        return
    for kind in (_PREVIOUS, _BUILDING):
        for leftover in sorted(parent.glob(f".{final.name}{kind}*")):
            pid = _owner_pid(leftover.name, kind)
            if pid is None or (pid != os.getpid() and _pid_alive(pid)):
                continue  # another build is running right now; its folders are its own
            if kind == _PREVIOUS and not final.exists():
                os.replace(leftover, final)  # killed between the two renames
                log.info("restored the last good site from %s", leftover.name)
            else:
                shutil.rmtree(leftover, ignore_errors=True)


def staging_dir(final: Path) -> Path:
    return final.parent / f".{final.name}{_BUILDING}{os.getpid()}"


def swap_in(staging: Path, final: Path) -> None:
    """Replace `final` by `staging`: old site aside, new site in, old site removed."""
    previous = final.parent / f".{final.name}{_PREVIOUS}{os.getpid()}"
    if final.exists():
        os.replace(final, previous)
    os.replace(staging, final)
    shutil.rmtree(previous, ignore_errors=True)


class _WarningCounter(logging.Handler):
    """Counts MkDocs warnings, so a `--strict` build that MkDocs will abort is not published."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@dataclass
class AtomicPublish:
    """One process's builds: where the site should end up and where it is being built."""

    command: str | None = None
    dirty: bool = False
    final: Path | None = None
    staging: Path | None = None
    _warnings: _WarningCounter | None = None

    def startup(self, command: str | None, dirty: bool = False) -> None:
        self.command, self.dirty = command, dirty

    def stage(self, config: Any) -> None:
        """Point `config.site_dir` at a fresh staging folder beside the real one."""
        if self.command == "serve":
            return
        final = Path(config.site_dir).resolve()
        final.parent.mkdir(parents=True, exist_ok=True)
        recover(final)
        staging = staging_dir(final)
        shutil.rmtree(staging, ignore_errors=True)
        if self.dirty and final.is_dir():
            shutil.copytree(final, staging, symlinks=True)  # --dirty builds on what is there
        else:
            staging.mkdir()
        self.final, self.staging = final, staging
        config.site_dir = str(staging)
        if config.strict:
            self._warnings = _WarningCounter()
            logging.getLogger("mkdocs").addHandler(self._warnings)

    def publish(self, config: Any) -> None:
        """Swap the finished build in; under `--strict` with warnings, keep the old site."""
        if self.staging is None or self.final is None:
            return
        staging, final = self.staging, self.final
        warned = self._stop_counting()
        if warned:
            log.info("not publishing: the strict build had %d warning(s)", warned)
            self.abandon()
            config.site_dir = str(final)
            return
        swap_in(staging, final)
        self.staging = None
        config.site_dir = str(final)  # for what runs after the build (gh-deploy)

    def abandon(self, config: Any = None) -> None:
        """A failed build: drop the staging folder, leave the published site untouched."""
        self._stop_counting()
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        if config is not None and self.final is not None:
            config.site_dir = str(self.final)

    def _stop_counting(self) -> int:
        if self._warnings is None:
            return 0
        logging.getLogger("mkdocs").removeHandler(self._warnings)
        count, self._warnings = self._warnings.count, None
        return count
