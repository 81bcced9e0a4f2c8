"""The record of what `handbook generate` wrote: `.handbook/generated.json` beside mkdocs.yml.

It is what makes `generate` safe to run in a folder of the user's: a file is generate's to
replace or remove only when the record lists it and the file still has a content hash the
record holds for it (anything else there is the user's). It also keeps what the pages were
made from (`handbook.generate.inputs`), so a build can tell they are out of date.

The record is written atomically. While a run writes pages it lists, for each page, both the
hash on disk before the run and the new one (`complete` is false); at the end only the new.
So a run killed half-way leaves every file it touched recognisably its own.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from handbook.errors import CatalogError, first_validation_error
from handbook.project import Project

FORMAT = 1
WRITTEN_BY = "handbook generate"


class WarningRecord(BaseModel):
    """A problem the run published through (content gone from Looker), for a strict build."""

    model_config = ConfigDict(extra="forbid")
    file: str
    line: int | None = None
    message: str
    hint: str | None = None


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: int = FORMAT
    written_by: str = WRITTEN_BY
    complete: bool = True
    # Path relative to the handbook root (POSIX) → the content hashes that count as generate's.
    files: dict[str, list[str]] = {}
    # Which of `files` are pages, the stylesheet and the script (the rest: .gitignore files).
    pages: list[str] = []
    # Folders generate created, relative to the root: removed again once empty, never else.
    folders: list[str] = []
    # The lines this run keeps in git's info/exclude (when no .gitignore could be used).
    excluded: list[str] = []
    pages_dir: str = ""
    directory_urls: bool = True
    generator: str = ""
    catalog: dict[str, str] = {}  # catalog file → SHA-256 (handbook.generate.inputs)
    warnings: list[WarningRecord] = []

    def owns(self, project: Project, path: Path, digest: str | None) -> bool:
        """Whether the file at `path`, whose content hash is `digest`, is generate's own."""
        return digest is not None and digest in self.files.get(relative(project, path), [])


def relative(project: Project, path: Path) -> str:
    """How the record names a path: relative to the handbook root, POSIX."""
    if path.is_relative_to(project.root):  # the usual case, and much cheaper than relpath
        return path.relative_to(project.root).as_posix()
    return Path(os.path.relpath(path, project.root)).as_posix()


def absolute(project: Project, name: str) -> Path:
    return project.root / name


def load_record(project: Project) -> Record | None:
    """The last run's record; None before the first run; CatalogError when unreadable."""
    path = project.generate_record
    display = project.relative(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable(display, str(exc)) from None
    try:
        record = Record.model_validate_json(text)
    except ValidationError as exc:
        raise _unreadable(display, first_validation_error(exc)) from None
    if record.format != FORMAT or record.written_by != WRITTEN_BY:
        raise _unreadable(display, f"format {record.format} is not one this version reads")
    return record


def _unreadable(display: str, why: str) -> CatalogError:
    return CatalogError.single(
        display,
        None,
        f"not a record `handbook generate` can read ({why}), so it cannot tell the files it "
        "wrote from yours; nothing was written",
        "restore the file, or delete it and move away the generated pages it listed "
        "(metrics/, looker/, reports/ below docs/, data/freshness.md, assets/handbook/)",
    )


def save_record(project: Project, record: Record) -> None:
    """Write the record in one step (a temporary file renamed over the old one)."""
    path = project.generate_record
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record.model_dump(mode="json"), indent=1, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
