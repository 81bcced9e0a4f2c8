"""Metric definitions (`catalog/metrics/*.yml`): the team's agreed meaning of each number.

Keys use dbt's metric vocabulary where dbt has a word for the idea (`name`, `label`,
`description`, `type`, `meta`, `tags`), so an analyst who knows dbt reads the files without a
guide. The rest is ours: `owner`, `domain`, `status`, `calculation`, `grain`, the one LookML
field that implements the metric, the `sources` it is built from (names of
`catalog/sources/*.yml` entries; dbt spells this `depends_on`, but a flat list is one less
level of indentation to get wrong in a PR), the Looker content that shows it, `synonyms`
so search finds "active users" for `mau`, and `caveats`.

Each metric remembers its file and the line of each key it was written with (never
exported), so `validate` can point at the exact line of, say, a wrong look id.

A file looks like::

    metrics:
      - name: mau
        label: Monthly active users
        ...
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from handbook.curated.yaml_source import (
    YamlDoc,
    YamlReader,
    first_definitions,
    load_yaml,
    refuse_reserved,
    validation_problems,
    yaml_files,
)
from handbook.errors import CatalogError, Problem
from handbook.project import Project
from handbook.snapshot.model import LookerId

MetricStatus = Literal["certified", "draft", "deprecated"]
METRIC_STATUSES: tuple[MetricStatus, ...] = get_args(MetricStatus)  # in the glossary's order
TimeGrain = Literal["day", "week", "month", "quarter", "year"]

# `model.explore.view.field`, as Looker names a field inside an explore.
LOOKML_FIELD = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+$")


class Grain(BaseModel):
    """What one value of the metric is about: a time bucket, and optionally an entity."""

    model_config = ConfigDict(extra="forbid")

    time: TimeGrain
    entity: str | None = None  # "instance", "customer", "user", ...

    def __str__(self) -> str:
        return f"{self.time} per {self.entity}" if self.entity else f"per {self.time}"


# Names whose page would replace a generated page (metric pages are metrics/<name>.md).
RESERVED_NAMES = {"index": "its page would replace metrics/index.md, the glossary"}


class Metric(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    description: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    domain: str = Field(min_length=1)
    status: MetricStatus = "draft"
    # dbt's metric types; optional because a Looker-only metric need not pick one.
    type: Literal["simple", "ratio", "cumulative", "derived", "conversion"] | None = None
    calculation: str = Field(min_length=1)
    grain: Grain
    lookml_field: str | None = Field(default=None, pattern=LOOKML_FIELD.pattern)
    sources: list[str] = Field(default_factory=list)
    looks: list[LookerId] = Field(default_factory=list)
    dashboards: list[LookerId] = Field(default_factory=list)
    synonyms: list[str] = Field(default_factory=list)
    caveats: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    # For a deprecated metric: the metric readers should use instead.
    replaced_by: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict)

    # Where it was written, for messages; not part of the definition, so never dumped.
    file: str = Field(default="", exclude=True)
    line: int | None = Field(default=None, exclude=True)
    # Line of each key path below this metric, joined with dots: "looks.1" -> 12.
    lines: dict[str, int] = Field(default_factory=dict, exclude=True)

    def line_of(self, *path: str | int) -> int | None:
        """The line of a key (or list entry) in this metric, falling back to its parent."""
        parts = [str(p) for p in path]
        while parts:
            found = self.lines.get(".".join(parts))
            if found:
                return found
            parts.pop()
        return self.line

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        return refuse_reserved(value, RESERVED_NAMES)

    @property
    def deprecated(self) -> bool:
        return self.status == "deprecated"


class _MetricsFile(BaseModel):
    """The top level of a metrics file: only `metrics:` is allowed, so typos surface."""

    model_config = ConfigDict(extra="forbid")

    metrics: list[Any] = Field(default_factory=list)


def _lines_by_metric(doc: YamlDoc) -> dict[int, dict[str, int]]:
    """The line of each key path below each `metrics[i]`, in one pass over the file's lines.

    (Filtering every line of the file once per metric made loading quadratic in the
    number of metrics per file: 4,000 metrics took 16 s.)
    """
    out: dict[int, dict[str, int]] = {}
    for loc, line in doc.lines.lines.items():
        if len(loc) > 2 and loc[0] == "metrics" and isinstance(loc[1], int):
            out.setdefault(loc[1], {})[".".join(str(p) for p in loc[2:])] = line
    return out


def _load_file(doc: YamlDoc) -> tuple[list[Metric], list[Problem]]:
    """Every valid metric of one file, and a problem per mistake (one bad metric hides none)."""
    try:
        top = _MetricsFile.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        return [], validation_problems(doc, exc, model=_MetricsFile)
    metrics, problems = [], []
    lines = _lines_by_metric(doc)
    for i, raw in enumerate(top.metrics):
        prefix = ("metrics", i)
        try:
            metric = Metric.model_validate(raw)
        except ValidationError as exc:
            # In the order they were typed, which is how the editor reads the file.
            found = validation_problems(doc, exc, prefix, Metric)
            problems.extend(sorted(found, key=lambda p: p.line or 0))
            continue
        metric.file = doc.display
        metric.line = doc.lines.line_for(prefix)
        metric.lines = lines.get(i, {})
        metrics.append(metric)
    return metrics, problems


def load_metrics(project: Project, read: YamlReader = load_yaml) -> list[Metric]:
    """All metrics from `catalog/metrics/*.yml`, or a CatalogError listing every mistake.

    `read` parses one file (`load_yaml`); a process that loads the catalog again and again
    may give one that reuses the parse of a file that did not change."""
    problems: list[Problem] = []
    loaded: list[Metric] = []
    for path in yaml_files(project.metrics_dir):
        try:
            doc = read(path, project.relative(path))
        except CatalogError as exc:
            problems.extend(exc.problems)
            continue
        in_file, file_problems = _load_file(doc)
        problems.extend(file_problems)
        loaded.extend(in_file)
    metrics, duplicates = first_definitions(
        loaded,
        kind="metric",
        folder="catalog/metrics/",
        name=lambda m: m.name,
        where=lambda m: (m.file, m.line_of("name")),
    )
    problems.extend(duplicates)
    if problems:
        raise CatalogError(problems)
    return sorted(metrics, key=lambda m: m.name)
