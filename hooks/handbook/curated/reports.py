"""The notable-reports list (`catalog/reports.yml`): which Looker content the team vouches for.

Analysts curate sections and pick looks and dashboards by id; titles, owners and links come
from the snapshot at build time, so a renamed report is renamed here too and a deleted one
fails the build instead of becoming a dead link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from handbook.curated.yaml_source import YamlDoc, load_yaml, validate
from handbook.errors import Problem
from handbook.project import Project
from handbook.snapshot.model import LookerId


class ReportRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    look: LookerId | None = None
    dashboard: LookerId | None = None
    # Filters or toggles kept on the link, e.g. `toggle=fil,pik` or `Organization=Uber`.
    query: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ReportRef:
        if (self.look is None) == (self.dashboard is None):
            raise ValueError("give exactly one of 'look: ID' or 'dashboard: ID'")
        return self

    @property
    def kind(self) -> Literal["look", "dashboard"]:
        return "look" if self.look is not None else "dashboard"

    @property
    def id(self) -> str:
        return self.look if self.look is not None else self.dashboard  # type: ignore[return-value]


class ReportSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    intro: str | None = None
    reports: list[ReportRef] = Field(default_factory=list)


class ReportList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    intro: str | None = None
    sections: list[ReportSection] = Field(default_factory=list)
    # Where each reference was typed, for messages: (section index, report index) -> line.
    lines: dict[str, int] = Field(default_factory=dict, exclude=True)
    file: str = Field(default="catalog/reports.yml", exclude=True)


def load_reports(project: Project) -> ReportList:
    path = project.reports_file
    if not path.is_file():
        return ReportList()
    doc: YamlDoc = load_yaml(path, project.relative(path))
    reports: ReportList = validate(doc, ReportList)  # type: ignore[assignment]
    reports.file = doc.display
    for s, section in enumerate(reports.sections):
        for r, _ in enumerate(section.reports):
            line = doc.lines.line_for(("sections", s, "reports", r))
            if line:
                reports.lines[f"{s}.{r}"] = line
    return reports


def check_reports(
    reports: ReportList, why_unpublished: Callable[[str, str], tuple[str, str] | None]
) -> list[Problem]:
    """Every listed report must be published content in the snapshot."""
    problems = []
    for s, section in enumerate(reports.sections):
        for r, ref in enumerate(section.reports):
            unpublished = why_unpublished(ref.kind, ref.id)
            if unpublished:
                message, hint = unpublished
                problems.append(Problem(reports.file, reports.lines.get(f"{s}.{r}"), message, hint))
    return problems
