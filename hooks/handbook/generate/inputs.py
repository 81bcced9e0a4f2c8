"""What a run of `handbook generate` made its pages from, as digests that can be compared later.

The record of a run keeps them, so a build under an engine without our plugin (Zensical) can
tell that the pages on disk no longer match the catalog (a YAML file or the snapshot changed
since) or the code that renders them (another version of this package), and say which.
Contents, not modification times: a `git checkout` or `touch` that changes nothing is not a
change.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

import handbook
from handbook.project import Project

# The package's files that can change what a page says: code, templates, stylesheet, script.
_SOURCE_SUFFIXES = (".py", ".j2", ".css", ".js")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a file's bytes; None when it cannot be read as a file."""
    try:
        return sha256_bytes(path.read_bytes())
    except (IsADirectoryError, FileNotFoundError, NotADirectoryError, PermissionError):
        return None


def input_digests(project: Project) -> dict[str, str]:
    """What the pages are made from: `catalog_digests` of the catalog folder, plus the dbt
    artifacts `catalog/dbt.yml` names outside it (keyed `dbt:<path from the handbook root>`;
    a missing one is left out, so its appearance is a change too)."""
    from handbook.dbt.config import artifact_files

    out = catalog_digests(project.catalog_dir)
    for path in artifact_files(project):
        digest = file_digest(path)
        if digest is not None:
            out[f"dbt:{project.relative(path)}"] = digest
    return out


def catalog_digests(catalog_dir: Path) -> dict[str, str]:
    """Each file under the catalog folder (POSIX path relative to it) → its SHA-256.

    Dotfiles are left out: they are a snapshot's temporary files during `handbook refresh`,
    gone or renamed when it ends. Attempt and pull-in-progress records are included: pages
    show them ("the last pull failed").
    """
    out: dict[str, str] = {}
    for dirpath, dirs, files in os.walk(catalog_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            digest = file_digest(path)
            if digest is not None:
                out[path.relative_to(catalog_dir).as_posix()] = digest
    return out


@cache
def generator_digest() -> str:
    """One digest of this package's version and source: another one renders other pages."""
    package = Path(handbook.__file__).parent
    h = hashlib.sha256(handbook.__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in _SOURCE_SUFFIXES and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def changed_inputs(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """The input files added, removed or edited between two `input_digests`, sorted."""
    names = recorded.keys() | current.keys()
    return sorted(n for n in names if recorded.get(n) != current.get(n))
