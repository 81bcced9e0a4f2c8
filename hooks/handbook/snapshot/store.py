"""Read and write snapshot files without ever leaving half of one behind.

A pull writes to a temporary file in the same folder, flushes it to disk, then renames it
over the old one: `os.replace` is atomic on POSIX, so a reader (or a build after a killed
pull) sees either the whole old snapshot or the whole new one, byte for byte.
`ReusedParses` reads them for a long-lived process, parsing a file again only once it changed.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from handbook.errors import CatalogError, first_validation_error
from handbook.snapshot.model import SCHEMA_VERSION

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024  # 20,000 Looker items take a few MB


def _restore_hint(path: Path) -> str:
    return f"restore it with `git checkout -- {path.as_posix()}` or run `handbook refresh`"


def dump_json(model: BaseModel) -> str:
    """Stable, diff-friendly JSON: sorted keys, two-space indent, trailing newline."""
    data = model.model_dump(mode="json", exclude_none=False)
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step; on any failure the old file is untouched."""
    from handbook.redact import scrub

    text = scrub(text, pairs=False)  # no configured secret or token ever lands on disk
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(path: Path, model: BaseModel) -> None:
    write_atomic(path, dump_json(model))


def load(path: Path, model_type: type[M]) -> M | None:
    """The snapshot at `path`, or None when there is none yet.

    A snapshot that exists but does not parse is a user-visible error (someone edited it by
    hand or a merge went wrong), named with its file, never silently replaced by nothing.
    """
    if not path.is_file():
        return None
    from handbook.textfile import read_utf8

    text = read_utf8(path, path.as_posix(), max_bytes=MAX_SNAPSHOT_BYTES)
    try:
        # The common case in one pass, without a dict of the whole file in between: faster,
        # and less peak memory for 20,000 items. Anything odd takes the path below, which
        # says what is wrong and where.
        model = model_type.model_validate_json(text)
        if getattr(model, "schema_version", SCHEMA_VERSION) == SCHEMA_VERSION:
            return model
    except ValidationError:
        pass
    try:
        raw = json.loads(text)
    except RecursionError:
        raise CatalogError.single(
            path, None, "snapshot is nested too deeply to be a snapshot", _restore_hint(path)
        ) from None
    except json.JSONDecodeError as exc:
        raise CatalogError.single(
            path,
            exc.lineno,
            f"snapshot is not valid JSON ({exc.msg})",
            "restore it with `git checkout -- " + path.as_posix() + "` or run `handbook refresh`",
        ) from None
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    if version != SCHEMA_VERSION:
        raise CatalogError.single(
            path,
            1,
            f"snapshot schema_version is {version!r}, this handbook reads {SCHEMA_VERSION}",
            "run `handbook refresh` to pull a new snapshot",
        )
    try:
        return model_type.model_validate(raw)
    except ValidationError as exc:
        raise CatalogError.single(
            path,
            None,
            f"snapshot does not match the expected shape {first_validation_error(exc)}",
            "restore it from git or run `handbook refresh`",
        ) from None


class ReusedParses:
    """`load`, reusing a file's last parse while the file is unchanged (same modification
    time, size and inode: `refresh` replaces a snapshot with a new file, so a pull always
    shows as a change); `parse` does the same for any other parser of a file.

    For a process that loads the catalog again and again (`mkdocs serve` reloads it on every
    save under catalog/): a 60,000-item Looker snapshot takes seconds to parse and validate,
    and a metric edit does not change it (nor the other metric files). The results returned
    are shared between loads, so callers must not change them.
    """

    def __init__(self) -> None:
        self._parses: dict[tuple[Path, object], tuple[tuple[int, int, int], object]] = {}
        self.reused: set[Path] = set()  # the files the last call for each path reused

    def __call__(self, path: Path, model_type: type[M]) -> M | None:
        return self.parse(path, model_type, lambda: load(path, model_type))

    def parse(self, path: Path, kind: object, parse: Callable[[], T]) -> T:
        """`parse()`, or what it returned last time for this `path` and `kind` (say, the
        model type) while the file is unchanged. A parse that raises is not kept."""
        try:
            info = path.stat()
        except OSError:  # gone or unreadable: the parser says which
            self._parses.pop((path, kind), None)
            self.reused.discard(path)
            return parse()
        stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        kept = self._parses.get((path, kind))
        if kept is not None and kept[0] == stamp:
            self.reused.add(path)
            return kept[1]  # type: ignore[return-value]  # what `parse` returned for it
        self.reused.discard(path)
        result = parse()
        self._parses[(path, kind)] = (stamp, result)
        return result
