"""Data sources and their freshness SLAs, from `catalog/sources/*.yml`.

The shape follows dbt's `sources:` blocks on purpose: analysts who know dbt read and write
it without a manual, and dbt's rules (table settings replace source settings, `count` is a
positive integer, `period` is minute/hour/day) carry over unchanged. Unlike dbt we name
tables by their full BigQuery id (`project.dataset.table`) because the check runs straight
against BigQuery, with no dbt project to resolve `database`/`schema` from.

Every mistake is reported with its file and line (via `yaml_source`), and all files are
read before failing so one PR check lists every problem at once.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator, model_validator
from pydantic_core import PydanticCustomError

from handbook.curated.yaml_source import (
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


class SourcesFile(_Strict):
    sources: list[Source]


def _load_file(path, display: str) -> list[Source]:
    doc = load_yaml(path, display)
    if doc.data is None:
        raise CatalogError.single(
            display, None, "file is empty", "add a `sources:` list or delete the file"
        )
    parsed = validate(doc, SourcesFile)
    assert isinstance(parsed, SourcesFile)
    problems: list[Problem] = []
    for i, source in enumerate(parsed.sources):
        source.file = display
        source.line = doc.lines.line_for(("sources", i))
        seen: dict[str, int | None] = {}
        for j, table in enumerate(source.tables):
            line = doc.lines.line_for(("sources", i, "tables", j, "table"))
            if table.table in seen:
                problems.append(
                    Problem(
                        display,
                        line,
                        f"table '{table.table}' is listed twice in source '{source.name}' "
                        f"(first at line {seen[table.table]})",
                        "remove one of the two entries",
                    )
                )
            seen.setdefault(table.table, line)
    if problems:
        raise CatalogError(problems)
    return parsed.sources


def load_sources(project: Project) -> list[Source]:
    """Every source in `catalog/sources/*.yml`, in file order; CatalogError lists all problems."""
    problems: list[Problem] = []
    loaded: list[Source] = []
    for path in yaml_files(project.sources_dir):
        try:
            loaded.extend(_load_file(path, project.relative(path)))
        except CatalogError as exc:
            problems.extend(exc.problems)
    sources, duplicates = first_definitions(
        loaded,
        kind="source",
        folder="catalog/sources/",
        name=lambda s: s.name,
        where=lambda s: (s.file, s.line),
    )
    problems.extend(duplicates)
    if problems:
        raise CatalogError(problems)
    return sources
