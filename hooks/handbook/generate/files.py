"""Whole-file writes: a reader never sees half of a file, and a new file never lands on one
that appeared meanwhile.

Each file is written to a temporary dotfile in its own folder, then renamed over the old one
(`os.replace`, atomic on POSIX). A file that should not exist yet is hard-linked into place
instead, which fails rather than replace whatever someone saved there since the check. No
fsync per file: the pages can always be generated again, and a thousand fsyncs take seconds.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

TEMP_SUFFIX = ".handbook-tmp"  # a temporary file is `.<name>.<random>.handbook-tmp`


def _temporary(path: Path, data: bytes) -> Path:
    """`data` in a new dotfile beside `path`, with the permissions any new file gets (the
    umask's; `tempfile.mkstemp` would make it private to its owner)."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        break
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def replace_file(path: Path, data: bytes) -> None:
    """Replace `path` (or create it) with `data` in one step."""
    tmp = _temporary(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def create_file(path: Path, data: bytes) -> None:
    """Create `path` with `data` in one step; FileExistsError if something is there now."""
    tmp = _temporary(path, data)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        except OSError:  # a file system without hard links: check, then rename
            if os.path.lexists(path):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
