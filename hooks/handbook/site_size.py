"""How big a built site is, against what GitHub Pages publishes (at most 1 GB per site).

A site over the limit fails late and far from its cause: the upload goes through, and the
deployment is refused or half-published. So the publish workflow measures `site/` right
after the build and stops before the upload, naming the folders that take the most room,
which is where to look (a search index, an export, the pages of one section).

Sizes are counted as the Pages artifact holds them: `actions/upload-pages-artifact` packs
the site into one tar file, where each file takes a 512-byte header plus its content
rounded up to 512 bytes, and each folder a header. Units are decimal (1 GB = 10⁹ bytes,
the stricter reading of GitHub's "1 GB"); `GiB`/`MiB`/`KiB` are accepted too.
"""

from __future__ import annotations

import heapq
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

PAGES_LIMIT = "1GB"  # GitHub Pages' published-site limit
_BLOCK = 512  # a tar record
_UNITS = {
    "": 1,
    "B": 1,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "KIB": 2**10,
    "MIB": 2**20,
    "GIB": 2**30,
}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$")


def parse_size(text: str) -> int:
    """Bytes in `text` such as `1GB`, `500 MB`, `1.5GiB` or `1000000`; ValueError otherwise."""
    match = _SIZE.match(text)
    unit = match.group(2).upper() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(f"{text!r} is not a size; write it like 1GB, 500MB or 1GiB")
    return int(float(match.group(1)) * _UNITS[unit])


def human(size: int) -> str:
    """`size` bytes in decimal units, one decimal: `773.2 MB`."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


def _in_tar(size: int) -> int:
    """What a file of `size` bytes takes in a tar: its header and whole records."""
    return _BLOCK + -(-size // _BLOCK) * _BLOCK


@dataclass
class SiteSize:
    """A built site's size, with each folder's own total (everything below it)."""

    root: Path
    total: int = 0  # bytes, as in the Pages tar
    files: int = 0
    folders: dict[str, int] = field(default_factory=dict)  # relative POSIX path → bytes
    folder_files: dict[str, int] = field(default_factory=dict)  # relative path → files
    biggest_files: list[tuple[int, str]] = field(default_factory=list)  # (bytes, path), a heap

    def largest(self, count: int) -> list[tuple[str, int]]:
        """The `count` folders that take the most room, biggest first (ties by name)."""
        ranked = sorted(self.folders.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked[:count]


def _files(count: int) -> str:
    return f"{count:,} file" + ("" if count == 1 else "s")


def measure(root: Path, keep_files: int = 3) -> SiteSize:
    """Walk `root` once; symlinks are not followed (the Pages artifact refuses them)."""
    size = SiteSize(root)
    for folder, dirs, names in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        own = _BLOCK if rel != "." else 0
        for name in names:
            taken = _in_tar(os.lstat(os.path.join(folder, name)).st_size)
            own += taken
            entry = (taken, name if rel == "." else f"{rel}/{name}")
            if len(size.biggest_files) < keep_files:
                heapq.heappush(size.biggest_files, entry)
            else:
                heapq.heappushpop(size.biggest_files, entry)
        size.total += own
        size.files += len(names)
        dirs.sort()
        parts = [] if rel == "." else rel.split("/")
        for depth in range(1, len(parts) + 1):  # the folder and each one above it
            key = "/".join(parts[:depth])
            size.folders[key] = size.folders.get(key, 0) + own
            size.folder_files[key] = size.folder_files.get(key, 0) + len(names)
    return size


def report(size: SiteSize, limit: int, top: int = 8) -> list[str]:
    """What the publish log says on every run: total, share of the limit, largest folders."""
    share = size.total / limit * 100 if limit else 0.0
    lines = [
        f"{size.root.as_posix().rstrip('/')}/ takes {human(size.total)} in {_files(size.files)}: "
        f"{share:.0f}% of the limit, {human(limit)}"
    ]
    if size.folders:
        lines.append("largest folders:")
        lines += [
            f"  {human(b):>10}  {path}/ ({_files(size.folder_files[path])})"
            for path, b in size.largest(top)
        ]
    if size.biggest_files:
        files = sorted(size.biggest_files, key=lambda e: (-e[0], e[1]))
        lines.append("largest files: " + ", ".join(f"{p} ({human(b)})" for b, p in files))
    return lines


def over_limit_message(size: SiteSize, limit: int, top: int = 3) -> str:
    """The one-line failure, naming where the room went."""
    folders = ", ".join(f"{path}/ ({human(b)})" for path, b in size.largest(top)) or "none"
    return (
        f"the site is {human(size.total)}, over the limit of {human(limit)}; "
        f"largest folders: {folders}. Make pages lighter (navigation.prune, fewer items per "
        "page) or publish less (exclude_folders in catalog/looker.yml)"
    )
