"""`catalog/dbt.yml`: where dbt's artifacts are, and which dbt sources the handbook shows.

    manifest: ../analytics/target/manifest.json          # written by `dbt parse`
    freshness_results: ../analytics/target/sources.json  # optional: `dbt source freshness`
    include: [stripe, hubspot]                           # optional: only these dbt sources
    exclude: [legacy]                                    # optional: all but these

Paths are relative to the handbook folder (the one with `mkdocs.yml`), like every path a
handbook command prints. The file is optional: without it, sources come from
`catalog/sources/*.yml` alone. Every key keeps its line, so a problem with an artifact it
names is reported at the line that named it.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from handbook.curated.yaml_source import load_yaml, validate
from handbook.errors import CatalogError
from handbook.project import Project


class DbtConfig(BaseModel):
    """The dbt settings of a handbook; unknown keys are errors, as in every catalog file."""

    model_config = ConfigDict(extra="forbid", title="dbt settings")

    manifest: str = Field(
        description="dbt's manifest.json (written by `dbt parse`), relative to the handbook "
        "folder, e.g. ../analytics/target/manifest.json"
    )
    freshness_results: str | None = Field(
        default=None,
        description="dbt's sources.json (written by `dbt source freshness`): show dbt's own "
        "statuses. Without it, `handbook refresh` checks the tables itself with dbt's settings.",
    )
    include: list[str] | None = Field(
        default=None, description="Only these dbt sources (by source name) become handbook sources"
    )
    exclude: list[str] = Field(
        default_factory=list, description="dbt sources (by source name) the handbook leaves out"
    )
    # Where each key was typed, for messages; never part of a dump or the schema.
    file: str = Field(default="catalog/dbt.yml", exclude=True)
    lines: dict[str, int | None] = Field(default_factory=dict, exclude=True)

    @field_validator("manifest", "freshness_results")
    @classmethod
    def _a_path(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise PydanticCustomError("path", "must be a file path, not empty text")
        return value

    def line(self, key: str, index: int | None = None) -> int | None:
        """The line of `key` (or of item `index` of a list key), else of the file's start."""
        found = self.lines.get(f"{key}.{index}") if index is not None else None
        return found or self.lines.get(key) or self.lines.get("")

    def path(self, project: Project, key: str) -> Path | None:
        value = getattr(self, key)
        return (project.root / value).resolve() if value else None


def load_dbt_config(project: Project) -> DbtConfig | None:
    """`catalog/dbt.yml`, or None when there is none; CatalogError with lines otherwise."""
    path = project.dbt_config
    if not path.is_file():
        return None
    doc = load_yaml(path, project.relative(path))
    if doc.data is None:
        raise CatalogError.single(
            doc.display,
            None,
            "file is empty",
            "add `manifest: <path to dbt's target/manifest.json>`, or delete the file",
        )
    config = validate(doc, DbtConfig)
    assert isinstance(config, DbtConfig)
    config.file = doc.display
    lines: dict[str, int | None] = {"": doc.lines.line_for(())}
    for key in ("manifest", "freshness_results", "include", "exclude"):
        lines[key] = doc.lines.lines.get((key,))
        for i in range(len(getattr(config, key) or []) if key in ("include", "exclude") else 0):
            lines[f"{key}.{i}"] = doc.lines.line_for((key, i))
    config.lines = lines
    return config


def artifact_files(project: Project) -> list[Path]:
    """The artifact files `catalog/dbt.yml` names (existing or not), outside the catalog
    folder: what changes the catalog without a change under it. Empty when there is no
    (readable) `catalog/dbt.yml`; its problems are the build's to say."""
    try:
        config = load_dbt_config(project)
    except CatalogError:
        return []
    if config is None:
        return []
    inside = project.catalog_dir.resolve()
    paths = (config.path(project, key) for key in ("manifest", "freshness_results"))
    return [p for p in paths if p is not None and not p.is_relative_to(inside)]


def artifact_folders(project: Project) -> list[Path]:
    """The existing folders holding the artifacts `catalog/dbt.yml` names, outside the catalog
    folder: what a preview watches so a new `dbt parse` or `dbt source freshness` shows.
    Empty when there is no (readable) `catalog/dbt.yml`; its problems are the build's to say."""
    folders: list[Path] = []
    for path in artifact_files(project):
        if path.parent.is_dir() and path.parent not in folders:
            folders.append(path.parent)
    return folders
