"""One rule for "did anything under this folder change since last time?".

Under `mkdocs serve` every save rebuilds; reloading and cross-checking a catalog of 20,000
Looker items on each save of a hand page is most of a rebuild. A fingerprint of every file's
path, modification time and size is cheap (one `stat` per file) and changes whenever a file
is saved, added or removed, so loaders keep their result until it differs.
"""

from __future__ import annotations

import os
from pathlib import Path


def folder_fingerprint(folder: Path) -> tuple:
    """What changes when any file under `folder` is saved, added or removed."""
    stamp = []
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            try:
                info = os.stat(os.path.join(dirpath, name))
            except OSError:
                continue
            stamp.append((dirpath, name, info.st_mtime_ns, info.st_size))
    return tuple(sorted(stamp))


def files_fingerprint(paths: list[Path]) -> tuple:
    """The same for single files anywhere (a missing one is stamped as missing)."""
    stamp = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            stamp.append((str(path), None, None))
            continue
        stamp.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(stamp)
