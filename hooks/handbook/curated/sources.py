"""Data sources and their freshness SLAs, from `catalog/sources/*.yml`.

The shape follows dbt's `sources:` blocks on purpose: analysts who know dbt read and write
it without a manual, and dbt's rules (table settings replace source settings, `count` is a
positive integer, `period` is minute/hour/day) carry over unchanged. Unlike dbt we name
tables by their full BigQuery id (`project.dataset.table`) because the check runs straight
against BigQuery, with no dbt project to resolve `database`/`schema` from.

With `catalog/dbt.yml`, sources dbt defines come from dbt's manifest (`handbook.dbt`); an
entry here with such a source's name is read as `SourceNotes`: what dbt has no key for (a
label, a cadence, notes), never tables or SLAs.

Every mistake is reported with its file and line (via `yaml_source`), and all files are
read before failing so one PR check lists every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator, model_validator
from pydantic_core import PydanticCustomError

from handbook.curated.yaml_source import (
    YamlDoc,
    first_definitions,
    load_yaml,
    refuse_reserved,
    validate,
    yaml_files,
)
from handbook.errors import CatalogError, Problem
from handbook.project import Project

Period = Literal["minute", "hour", "day"]

_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}

# BigQuery ids: project ids are 6-30 lowercase letters, digits and hyphens; dataset ids are
# letters, digits and underscores; table ids also allow hyphens. Backticks, spaces or
# wildcards would end up inside generated SQL, so they are refused here, at the YAML.
TABLE_ID = re.compile(
    r"^[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_-]{1,1024}$"
)
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
# Column names only: `loaded_at_field` is put into SQL (quoted with backticks), so anything
# but a plain identifier (a function call, a subquery, a comment) is refused here.
COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,299}$")
# Source names whose anchor on the freshness board would clash with the page's own.
RESERVED_NAMES = {"data_freshness": "the freshness board's own heading", "index": "a page name"}


def _column(value: str | None) -> str | None:
    if value is not None and not COLUMN.match(value):
        raise PydanticCustomError(
            "column_name",
            "must be a plain column name (letters, digits and underscores, e.g. "
            "_loaded_at); for a computed time, add a column in the table instead",
        )
    return value


class _Strict(BaseModel):
    """Unknown keys are errors: a misspelt `eror_after` must not silently disable an SLA."""

    model_config = ConfigDict(extra="forbid")


class Time(_Strict):
    """dbt's `{count, period}`: a span of time an SLA allows."""

    count: Annotated[StrictInt, Field(gt=0)]
    period: Period

    @property
    def delta(self) -> timedelta:
        return timedelta(seconds=self.count * _SECONDS[self.period])

    def __str__(self) -> str:
        return f"{self.count} {self.period}{'s' if self.count != 1 else ''}"


class FreshnessRule(_Strict):
    """dbt's `freshness:` block. One of the two thresholds may be left out, as in dbt."""

    warn_after: Time | None = None
    error_after: Time | None = None

    @model_validator(mode="after")
    def _one_threshold(self) -> FreshnessRule:
        if self.warn_after is None and self.error_after is None:
            raise PydanticCustomError(
                "freshness_empty",
                "needs warn_after, error_after or both (or `freshness: null` for no SLA)",
            )
        if self.warn_after and self.error_after and self.warn_after.delta > self.error_after.delta:
            raise PydanticCustomError(
                "warn_after_longer",
                "warn_after ({warn}) is longer than error_after ({error}), so the warning "
                "could never show; make warn_after the shorter of the two",
                {"warn": str(self.warn_after), "error": str(self.error_after)},
            )
        return self

    def __str__(self) -> str:
        parts = []
        if self.warn_after:
            parts.append(f"warn after {self.warn_after}")
        if self.error_after:
            parts.append(f"error after {self.error_after}")
        return ", ".join(parts)


class SourceTable(_Strict):
    """One BigQuery table; unset settings fall back to the source's (dbt's hierarchy)."""

    table: str
    description: str | None = None
    loaded_at_field: str | None = None
    filter: str | None = None
    # `freshness: null` on a table switches the SLA off for it, as in dbt; leaving the key
    # out inherits the source's. `model_fields_set` tells the two apart.
    freshness: FreshnessRule | None = None

    @field_validator("loaded_at_field")
    @classmethod
    def _plain_column(cls, value: str | None) -> str | None:
        return _column(value)

    @field_validator("table")
    @classmethod
    def _table_id(cls, value: str) -> str:
        if not TABLE_ID.match(value):
            raise PydanticCustomError(
                "table_id",
                "must be a full BigQuery table id, project.dataset.table "
                "(e.g. sourcegraph-dw.hubspot.contacts)",
            )
        return value

    @property
    def project(self) -> str:
        return self.table.split(".", 1)[0]

    @property
    def own_check_refusal(self) -> str | None:
        """Why the handbook's own BigQuery check cannot check this table; None when it can."""
        return None


class Source(_Strict):
    """A data source as readers know it (HubSpot, Pings), and the tables it lands in."""

    name: str  # slug used by references such as [[freshness:hubspot]]
    label: str
    description: str
    owner: str
    cadence: str  # prose: "hourly", "every Sunday night"
    pipeline: str | None = None
    notes: str | None = None
    loaded_at_field: str | None = None
    filter: str | None = None
    freshness: FreshnessRule | None = None
    tables: Annotated[list[SourceTable], Field(min_length=1)]
    # Where the source was defined, for messages; never part of a dump.
    file: str = Field(default="", exclude=True)
    line: int | None = Field(default=None, exclude=True)

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise PydanticCustomError(
                "source_name",
                "must be lowercase letters, digits and underscores, starting with a letter",
            )
        return refuse_reserved(value, RESERVED_NAMES)

    @field_validator("loaded_at_field")
    @classmethod
    def _plain_column(cls, value: str | None) -> str | None:
        return _column(value)

    def rule_for(self, table: SourceTable) -> FreshnessRule | None:
        """The SLA that applies to `table`: its own block if it has the key, else ours."""
        return table.freshness if "freshness" in table.model_fields_set else self.freshness

    def loaded_at_field_for(self, table: SourceTable) -> str | None:
        """None means "use table metadata"; `loaded_at_field: null` on a table asks for it."""
        if "loaded_at_field" in table.model_fields_set:
            return table.loaded_at_field
        return self.loaded_at_field

    def filter_for(self, table: SourceTable) -> str | None:
        return table.filter if "filter" in table.model_fields_set else self.filter

    @property
    def sla(self) -> str:
        """The source-level SLA in words, e.g. 'warn after 2 days, error after 7 days'."""
        return str(self.freshness) if self.freshness else "no SLA"


class SourceNotes(_Strict):
    """A hand-written entry for a source dbt defines: what a reader needs that dbt has no key
    for. Its tables, `loaded_at_field`, `filter` and `freshness` come from dbt's manifest only
    (`handbook.dbt.sources` merges the two and refuses a key dbt already sets)."""

    name: str
    label: str | None = None
    description: str | None = None
    owner: str | None = None
    cadence: str | None = None
    pipeline: str | None = None
    notes: str | None = None
    file: str = Field(default="", exclude=True)
    line: int | None = Field(default=None, exclude=True)
    lines: dict[str, int | None] = Field(default_factory=dict, exclude=True)


# Keys that define what is checked: for a dbt source, dbt's manifest alone says them.
DBT_OWNED_KEYS = ("tables", "freshness", "loaded_at_field", "filter")


class SourcesFile(_Strict):
    """A file under catalog/sources/: sources, or notes on sources dbt defines (the schema
    editors read; the loader picks the shape by the source's name)."""

    sources: list[Source | SourceNotes]


class _FileShape(_Strict):
    sources: list[dict[str, Any]]


@dataclass
class SourceFiles:
    """What `catalog/sources/*.yml` holds: whole sources, and notes on dbt's sources."""

    sources: list[Source] = field(default_factory=list)
    notes: list[SourceNotes] = field(default_factory=list)


def _notes(doc: YamlDoc, i: int, raw: dict[str, Any], defined: str) -> SourceNotes:
    """Entry `i`, for a source dbt defines at `defined`; refuses keys dbt owns."""
    owned = [key for key in DBT_OWNED_KEYS if key in raw]
    if owned:
        keys = ", ".join(f"`{k}`" for k in owned)
        raise CatalogError.single(
            doc.display,
            doc.lines.line_for(("sources", i, owned[0])),
            f"source '{raw.get('name')}' is defined in dbt ({defined}), so its {keys} "
            "come from dbt's manifest and cannot be redefined here",
            f"remove {keys} here and change them in dbt; an entry for a dbt source may only "
            "add label, description, owner, cadence, pipeline and notes",
        )
    notes = validate(doc, SourceNotes, ("sources", i))
    assert isinstance(notes, SourceNotes)
    notes.file, notes.line = doc.display, doc.lines.line_for(("sources", i))
    notes.lines = {key: doc.lines.lines.get(("sources", i, key)) for key in raw}
    return notes


def _check_tables(source: Source, doc: YamlDoc, i: int) -> list[Problem]:
    problems = []
    seen: dict[str, int | None] = {}
    for j, table in enumerate(source.tables):
        line = doc.lines.line_for(("sources", i, "tables", j, "table"))
        if table.table in seen:
            problems.append(
                Problem(
                    doc.display,
                    line,
                    f"table '{table.table}' is listed twice in source '{source.name}' "
                    f"(first at line {seen[table.table]})",
                    "remove one of the two entries",
                )
            )
        seen.setdefault(table.table, line)
    return problems


def _is_notes(raw: dict[str, Any], dbt_defined: Mapping[str, str] | None) -> bool:
    if dbt_defined is None:  # dbt's sources are unknown (catalog/dbt.yml has problems)
        return "tables" not in raw
    name = raw.get("name")
    return isinstance(name, str) and name in dbt_defined


def _load_file(path: Path, display: str, dbt_defined: Mapping[str, str] | None) -> SourceFiles:
    doc = load_yaml(path, display)
    if doc.data is None:
        raise CatalogError.single(
            display, None, "file is empty", "add a `sources:` list or delete the file"
        )
    shape = validate(doc, _FileShape)
    assert isinstance(shape, _FileShape)
    found = SourceFiles()
    problems: list[Problem] = []
    for i, raw in enumerate(shape.sources):
        try:
            if _is_notes(raw, dbt_defined):
                where = (dbt_defined or {}).get(str(raw.get("name")), "catalog/dbt.yml")
                found.notes.append(_notes(doc, i, raw, where))
                continue
            source = validate(doc, Source, ("sources", i))
        except CatalogError as exc:
            problems.extend(exc.problems)
            continue
        assert isinstance(source, Source)
        source.file, source.line = display, doc.lines.line_for(("sources", i))
        problems.extend(_check_tables(source, doc, i))
        found.sources.append(source)
    if problems:
        raise CatalogError(problems)
    return found


def load_source_files(project: Project, dbt_defined: Mapping[str, str] | None) -> SourceFiles:
    """Every entry of `catalog/sources/*.yml`, in file order; CatalogError lists all problems.

    `dbt_defined` maps the names of the sources dbt defines to where (for messages): an entry
    with such a name is read as `SourceNotes`. None means dbt's sources could not be read;
    entries without `tables:` are then taken for notes. Names are unique across both kinds.
    """
    problems: list[Problem] = []
    loaded = SourceFiles()
    for path in yaml_files(project.sources_dir):
        try:
            files = _load_file(path, project.relative(path), dbt_defined)
        except CatalogError as exc:
            problems.extend(exc.problems)
            continue
        loaded.sources.extend(files.sources)
        loaded.notes.extend(files.notes)
    entries: list[Source | SourceNotes] = [*loaded.sources, *loaded.notes]
    entries.sort(key=lambda e: (e.file, e.line or 0))
    kept, duplicates = first_definitions(
        entries,
        kind="source",
        folder="catalog/sources/",
        name=lambda s: s.name,
        where=lambda s: (s.file, s.line),
    )
    problems.extend(duplicates)
    if problems:
        raise CatalogError(problems)
    return SourceFiles(
        [e for e in kept if isinstance(e, Source)], [e for e in kept if isinstance(e, SourceNotes)]
    )


def load_sources(project: Project) -> list[Source]:
    """The sources `catalog/sources/*.yml` defines by itself (no dbt); see `load_source_files`."""
    return load_source_files(project, {}).sources
