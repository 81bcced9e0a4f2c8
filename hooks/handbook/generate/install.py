"""Put generated files in place below docs/, touching nothing that is not `generate`'s own.

A path is generate's to replace when it is free, or when the record of the last run
(`handbook.generate.record`) lists it with the hash of the content on disk now. Anything else
in the way (a file of the user's, a page edited since, a folder, a symlink, a file where a
folder is needed) is refused, for every path, before anything is written; each refusal names
the file in the way and the generated page that wanted its place. Pages the catalog no longer
has (a deleted metric) are removed only when unchanged since generate wrote them; a folder
generate created is removed only once empty.

Handbooks that ran the old `generate` (which swapped whole folders marked with a
`.handbook-generated` file) are taken over once: while such a marker is in a folder just below
docs/, every existing file at a path this run generates counts as generate's (the old version
rewrote all of them on every run); every other file there is the user's and stays. The
markers are removed at the end.

What a reader (or `zensical serve`) may see mid-run: each file is either its old or its new
content, never half of one (`handbook.generate.files`); while the run is going, some pages
may be new and others still old, and pages of deleted metrics disappear last.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from handbook.errors import CatalogError, Problem
from handbook.generate.files import create_file, replace_file
from handbook.generate.gitignore import (
    IgnorePlan,
    candidate_folders,
    plan_ignores,
    update_git_exclude,
)
from handbook.generate.inputs import file_digest, sha256_bytes
from handbook.generate.record import Record, absolute, relative, save_record
from handbook.project import Project

OLD_MARKER = ".handbook-generated"
OLD_MARKER_TEXT = "written by `handbook generate`\n"


@dataclass(frozen=True)
class Target:
    """One file to write: where, what, and how to name it in a refusal."""

    path: Path
    data: bytes
    what: str  # "the generated page docs/metrics/mau.md (from catalog/metrics/mau.yml)"


@dataclass
class Installed:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # no longer generated, edited: left alone


def old_markers(docs: Path) -> list[Path]:
    """The old `generate`'s folder markers, in the folders just below docs/."""
    if not docs.is_dir():
        return []
    return sorted(p / OLD_MARKER for p in docs.iterdir() if (p / OLD_MARKER).is_file())


def written_by_generate(project: Project) -> Callable[[Path], bool]:
    """A test of "did `handbook generate` write the file at this path (edited since or not)?":
    such a page is one the catalog may claim, and generate itself decides whether it may
    replace it. Reads the record once, for checking many paths."""
    from handbook.generate.record import load_record

    try:
        record = load_record(project)
    except CatalogError:
        record = None
    listed = set(record.files) if record else set()
    docs = project.docs_dir

    def test(path: Path) -> bool:
        if relative(project, path) in listed:
            return True
        top = docs / path.relative_to(docs).parts[0] if path.is_relative_to(docs) else None
        return top is not None and (top / OLD_MARKER).is_file()

    return test


def _ancestors(base: Path, path: Path) -> list[Path]:
    """The folders between `base` (excluded) and `path` (excluded), outermost first."""
    parts = path.relative_to(base).parts[:-1]
    return [base.joinpath(*parts[: i + 1]) for i in range(len(parts))]


class _Owner:
    """Answers "is this file generate's own?" for one run (each file read once)."""

    def __init__(self, project: Project, record: Record, legacy: bool, wanted: set[Path]):
        self.project, self.record, self.legacy, self.wanted = project, record, legacy, wanted
        self.digests: dict[Path, str | None] = {}

    def digest(self, path: Path) -> str | None:
        if path not in self.digests:
            self.digests[path] = file_digest(path)
        return self.digests[path]

    def owns(self, path: Path) -> bool:
        if os.path.islink(path) or path.is_dir():
            return False
        digest = self.digest(path)
        if digest is None:
            return not os.path.lexists(path)  # free
        return self.record.owns(self.project, path, digest) or (self.legacy and path in self.wanted)


def _refusal(project: Project, in_the_way: Path, target: Target, folder: bool) -> Problem:
    where = relative(project, in_the_way)  # not resolved: a symlink is named, not its target
    if folder:
        message = (
            f"{target.what} needs a folder here, but this is a file `handbook generate` "
            "did not write"
        )
    else:
        kind = "folder" if in_the_way.is_dir() and not in_the_way.is_symlink() else "file"
        message = (
            f"{target.what} would replace this {kind}, which `handbook generate` did not "
            "write (or which was changed since)"
        )
    return Problem(
        where,
        None,
        message,
        "move or rename your file (or give `--pages-dir DIR` to put the generated pages in "
        "a folder of their own); nothing was written",
    )


def check(project: Project, targets: list[Target], owner: _Owner) -> list[Problem]:
    """Every target whose place is taken by something not generate's; see the docstring."""
    problems: list[Problem] = []
    docs = project.docs_dir
    for target in targets:
        base = docs if target.path.is_relative_to(docs) else project.root
        blocked = next(
            (a for a in _ancestors(base, target.path) if os.path.lexists(a) and not a.is_dir()),
            None,
        )
        if blocked is not None:
            problems.append(_refusal(project, blocked, target, folder=True))
        elif not owner.owns(target.path):
            problems.append(_refusal(project, target.path, target, folder=False))
    return problems


def _missing_folders(project: Project, targets: list[Target]) -> list[Path]:
    out: dict[Path, None] = {}
    for target in targets:
        base = project.docs_dir if target.path.is_relative_to(project.docs_dir) else project.root
        for folder in [base, *_ancestors(base, target.path)]:
            if not folder.exists():
                out[folder] = None
    return list(out)


def _write(target: Target, installed: Installed, current: str | None) -> None:
    """Write `target` unless the file holds its bytes already (`current`: its hash now)."""
    digest = sha256_bytes(target.data)
    if current == digest:
        installed.unchanged.append(target.path)
        return
    try:
        if current is None:
            create_file(target.path, target.data)
        elif file_digest(target.path) != current:  # saved by someone since the check
            raise FileExistsError(errno.EEXIST, "changed while generate ran", str(target.path))
        else:
            replace_file(target.path, target.data)
    except OSError as exc:
        exc.filename = str(target.path)  # the page, not the temporary file beside it
        raise
    installed.written.append(target.path)


def install_targets(
    project: Project,
    targets: list[Target],
    record: Record,
    new: Record,
) -> Installed:
    """Write `targets` (pages, assets) and their ignore files; `record` is the last run's,
    `new` the inputs this run records. CatalogError (nothing written) on any refusal."""
    markers = old_markers(project.docs_dir)
    owner = _Owner(project, record, bool(markers), {t.path for t in targets})
    ignores = _plan_ignores(project, targets, owner)
    helpers = [
        Target(p, text.encode("utf-8"), "generate's ignore file")
        for p, text in ignores.files.items()
    ]
    problems = check(project, [*targets, *helpers], owner)
    if problems:
        raise CatalogError(problems)

    everything = [*targets, *helpers]
    created = _missing_folders(project, everything)
    new.folders = sorted({*record.folders, *(relative(project, f) for f in created)})
    new.excluded = record.excluded
    new.files = _intent(project, record, everything, owner)
    new.complete = False
    installed = Installed()
    try:
        save_record(project, new)  # before any write: a killed run leaves its files its own
        for folder in created:
            folder.mkdir(exist_ok=True)
        for target in targets:
            _write(target, installed, owner.digest(target.path))
        for target in helpers:  # not counted: the summary is about pages
            _write(target, Installed(), owner.digest(target.path))
        _remove_dropped(project, record, {t.path for t in everything}, installed)
    except OSError as exc:  # a file that appeared meanwhile, permissions, a full disk
        raise _failed(project, exc) from None
    new.folders = _remove_empty_folders(project, new.folders)
    new.excluded = update_git_exclude(
        project.docs_dir if project.docs_dir.is_dir() else project.root,
        ignores.unplaced,
        record.excluded,
    )
    for marker in markers:
        if file_digest(marker) == sha256_bytes(OLD_MARKER_TEXT.encode()):
            marker.unlink()
    new.files = {relative(project, t.path): [sha256_bytes(t.data)] for t in everything}
    new.pages = sorted(relative(project, t.path) for t in targets)
    new.complete = True
    save_record(project, new)
    return installed


class Stopped(CatalogError):
    """A run that failed after it started writing (unlike a refusal, which writes nothing)."""


def _failed(project: Project, exc: OSError) -> Stopped:
    """A write that failed half-way through a run, as a problem naming the file."""
    where = (
        relative(project, Path(exc.filename))
        if exc.filename
        else project.relative(project.docs_dir)
    )
    if isinstance(exc, FileExistsError):
        message = "this file appeared or changed while `handbook generate` ran; left as it is"
    else:
        message = f"could not be written: {exc.strerror or exc}"
    return Stopped(
        [
            Problem(
                where,
                None,
                f"{message}; the run stopped, and the files it wrote so far are recorded as "
                "its own",
                "fix that (permissions, free space, a file of yours in the way), then run "
                "`handbook generate` again",
            )
        ]
    )


def _plan_ignores(project: Project, targets: list[Target], owner: _Owner) -> IgnorePlan:
    """Ignore files for the targets and for the record itself (see handbook.generate.gitignore)."""
    docs = project.docs_dir
    wanted = [
        (t.path, candidate_folders(docs, t.path)) for t in targets if t.path.is_relative_to(docs)
    ]
    record = project.generate_record
    wanted.append((record, [record.parent]))
    return plan_ignores(wanted, lambda p: owner.owns(p) and p not in owner.wanted)


def _intent(
    project: Project, record: Record, targets: list[Target], owner: _Owner
) -> dict[str, list[str]]:
    """The record's files while the run writes: old and new hashes both count as generate's."""
    files = {name: list(hashes) for name, hashes in record.files.items()}
    for target in targets:
        name = relative(project, target.path)
        hashes = files.setdefault(name, [])
        current = owner.digest(target.path)
        if current is not None and owner.owns(target.path) and current not in hashes:
            hashes.append(current)  # a page of the old `generate`, taken over
        hashes.append(sha256_bytes(target.data))
    return files


def _remove_dropped(
    project: Project, record: Record, keep: set[Path], installed: Installed
) -> None:
    """Remove files the last run wrote and this one does not, if unchanged since."""
    for name, hashes in sorted(record.files.items()):
        path = absolute(project, name)
        if path in keep or os.path.islink(path):
            continue
        digest = file_digest(path)
        if digest is None:
            continue
        page = name in record.pages  # the rest are ignore files: not reported
        if digest in hashes:
            path.unlink()
            if page:
                installed.removed.append(path)
        elif page:
            installed.kept.append(path)


def _remove_empty_folders(project: Project, folders: list[str]) -> list[str]:
    """Remove the folders generate created that are empty now; returns those still there."""
    left = []
    for name in sorted(folders, key=lambda n: n.count("/"), reverse=True):
        path = absolute(project, name)
        try:
            path.rmdir()
        except FileNotFoundError:
            continue
        except OSError:  # not empty: something of generate's or the user's is in it
            left.append(name)
    return sorted(left)
