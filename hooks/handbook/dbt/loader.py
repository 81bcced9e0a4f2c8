"""Read the artifacts `catalog/dbt.yml` names, once per change, and check them against it.

Every problem is reported at the line of `catalog/dbt.yml` that named the file or the source,
with a fix: a missing or unreadable manifest, one of a schema version this handbook does not
read, a `sources.json` from another dbt project or older than the manifest, a source in
`include:` or `exclude:` that dbt does not have.

A manifest can be tens of megabytes and a build under `mkdocs serve` loads the catalog on
every save under `catalog/`, so what an artifact yields is kept per path with the file's
size, modification time and inode, and read again only when one of them changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from handbook.dbt.artifacts import (
    ArtifactError,
    FreshnessResults,
    Manifest,
    ManifestTable,
    read_manifest,
    read_results,
)
from handbook.dbt.config import DbtConfig, load_dbt_config
from handbook.errors import CatalogError, Problem
from handbook.project import Project
from handbook.suggest import did_you_mean

T = TypeVar("T")

# (what, path) -> (the file's stamp when read, what it yielded): one version per path.
_READ: dict[tuple[str, Path], tuple[tuple[int, int, int], object]] = {}

_MISSING_HINTS = {
    "manifest": "run `dbt parse` in the dbt project (it writes target/manifest.json), or fix "
    "the path: it is relative to the handbook folder, {root}",
    "freshness_results": "run `dbt source freshness` in the dbt project (it writes "
    "target/sources.json), or remove `freshness_results:` to have `handbook refresh` check "
    "the tables itself; the path is relative to the handbook folder, {root}",
}


@dataclass(frozen=True)
class DbtArtifacts:
    """A handbook's dbt settings and what the artifacts they name hold."""

    config: DbtConfig
    manifest_path: Path
    manifest: Manifest
    results_path: Path | None
    results: FreshnessResults | None

    @property
    def watched(self) -> tuple[Path, ...]:
        """The artifact files a preview must watch and a reload must compare."""
        return tuple(p for p in (self.manifest_path, self.results_path) if p is not None)

    def selected(self) -> list[ManifestTable]:
        """dbt's source tables that become handbook source tables: a freshness config
        (after dbt's inheritance) and a source kept by `include:` / `exclude:`."""
        include, exclude = self.config.include, set(self.config.exclude)
        return [
            t
            for t in self.manifest.tables
            if t.has_freshness
            and t.source_name not in exclude
            and (include is None or t.source_name in include)
        ]


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """What changes when a file is rewritten or replaced; None when it is not there."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _read(
    config: DbtConfig, key: str, path: Path, root: Path, reader: Callable[[Path, str], T]
) -> T:
    """`reader(path)`, kept until the file changes; CatalogError at `key`'s line."""
    given = getattr(config, key)
    where = (config.file, config.line(key))
    if path.is_dir():
        raise CatalogError.single(*where, f"{key}: {given} is a folder, not a file", None)
    stamp = file_stamp(path)
    if stamp is None:
        raise CatalogError.single(
            *where,
            f"{key}: {given} does not exist ({path})",
            _MISSING_HINTS[key].format(root=root),
        )
    cached = _READ.get((key, path))
    if cached is not None and cached[0] == stamp:
        return cached[1]  # type: ignore[return-value]
    try:
        value = reader(path, given)
    except ArtifactError as exc:
        raise CatalogError.single(*where, f"{key}: {exc.message}", exc.hint) from None
    _READ[(key, path)] = (stamp, value)
    return value


def _check_selection(config: DbtConfig, manifest: Manifest) -> list[Problem]:
    known = sorted(manifest.source_names)
    problems = []
    for key in ("include", "exclude"):
        for i, name in enumerate(getattr(config, key) or []):
            if name in manifest.source_names:
                continue
            listed = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
            problems.append(
                Problem(
                    config.file,
                    config.line(key, i),
                    f"{key}: dbt has no source named '{name}' in {config.manifest}",
                    did_you_mean(name, known)
                    + (f"dbt's sources are: {listed}" if known else "the manifest has no sources"),
                )
            )
    return problems


def _check_results(config: DbtConfig, manifest: Manifest, results: FreshnessResults) -> None:
    """A `sources.json` must be about this manifest's sources, and not older than it."""
    given, where = config.freshness_results, (config.file, config.line("freshness_results"))
    ids = {t.unique_id for t in manifest.tables}
    if results.results and not ids & results.results.keys():
        example = next(iter(results.results))
        project = manifest.metadata.project_name or "?"
        raise CatalogError.single(
            *where,
            f"freshness_results: {given} is from a different dbt project: none of its "
            f"{len(results.results)} results is a source of the manifest's project "
            f"'{project}' (e.g. {example})",
            "point freshness_results: at the sources.json of the dbt project manifest: names",
        )
    ran, parsed = results.written_at, manifest.metadata.generated_at
    if ran is not None and parsed is not None and ran < parsed:
        raise CatalogError.single(
            *where,
            f"freshness_results: {given} is older than the manifest (`dbt source freshness` "
            f"ran at {ran:%Y-%m-%d %H:%M:%S} UTC, the manifest was written at "
            f"{parsed:%Y-%m-%d %H:%M:%S} UTC), so its statuses may judge settings the "
            "manifest no longer has",
            "run `dbt source freshness` again after `dbt parse` (it writes both files), or "
            "point manifest: at the manifest written with it",
        )


def load_dbt(project: Project) -> DbtArtifacts | None:
    """The dbt artifacts of `project`, checked; None without `catalog/dbt.yml`."""
    config = load_dbt_config(project)
    if config is None:
        return None
    manifest_path = config.path(project, "manifest")
    assert manifest_path is not None
    manifest = _read(config, "manifest", manifest_path, project.root, read_manifest)
    problems = _check_selection(config, manifest)
    results_path = config.path(project, "freshness_results")
    results = None
    if results_path is not None:
        try:
            results = _read(config, "freshness_results", results_path, project.root, read_results)
            _check_results(config, manifest, results)
        except CatalogError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CatalogError(problems)
    return DbtArtifacts(config, manifest_path, manifest, results_path, results)
