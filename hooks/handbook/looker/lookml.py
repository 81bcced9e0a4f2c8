"""Explores and their fields, fetched again only for LookML projects whose deploy changed.

Looker has no bulk call for explore fields: `lookml_model_explore` answers one explore per
request, and with 100 explores a nightly pull would spend 100 calls of Looker's monthly
administrative API budget on metadata that changes only when someone deploys LookML. So
each model's project (`project_name` from `all_lookml_models`) is asked for its deployed
commit (`git_branch` → `ref`, one call per project), and an explore whose project is at
the commit the previous snapshot recorded is copied from that snapshot. An API user that
may not read projects (403/404) gets every explore fetched, and one note saying so.

Mapping Looker's rows onto the snapshot models lives here too; `looker_pull` orchestrates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import quote

from pydantic import TypeAdapter, ValidationError

from handbook.errors import PullError, first_validation_error
from handbook.looker.client import SOURCE, LookerClient
from handbook.snapshot.model import LookerExplore, LookerField, LookerProject, LookerSnapshot

MODEL_FIELDS = "name,project_name,explores(name)"
EXPLORE_FIELDS = (
    "name,label,description,"
    "fields(dimensions(name,label,description,type,category,hidden),"
    "measures(name,label,description,type,category,hidden),"
    "filters(name,label,description,type,category,hidden),"
    "parameters(name,label,description,type,category,hidden))"
)
_CATEGORIES = {
    "dimensions": "dimension",
    "measures": "measure",
    "filters": "filter",
    "parameters": "parameter",
}


@cache
def _adapter(model: Any) -> TypeAdapter:
    return TypeAdapter(model)


def validated(model: Any, data: dict[str, Any], what: str) -> Any:
    """`model` (a model or a pydantic dataclass) built from Looker's `data`, or a PullError
    naming what was unreadable."""
    try:
        return _adapter(model).validate_python(data)
    except ValidationError as exc:
        raise PullError(
            SOURCE, f"Looker sent an unreadable {what} {first_validation_error(exc)}"
        ) from None


def text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def quoted(part: str) -> str:
    """One path segment of an API URL (model, explore and project names are free text)."""
    return quote(part, safe="")


@dataclass
class LookmlState:
    """What `all_lookml_models` and the projects' deployed commits say, and what to refetch."""

    pairs: list[tuple[str, str]]  # (model, explore) as Looker lists them now
    projects: list[LookerProject]  # empty when the API user may not read projects
    unchanged_models: set[str] = field(default_factory=set)
    note: str | None = None

    @property
    def nothing_changed(self) -> bool:
        """Every model's project is at the commit of the previous snapshot."""
        models = {m for p in self.projects for m in p.models}
        return bool(self.projects) and models <= self.unchanged_models


def explore_pairs(models: list[dict[str, Any]]) -> list[tuple[str, str]]:
    pairs = []
    for m in models:
        for e in m.get("explores") or []:
            if isinstance(e, dict) and m.get("name") and e.get("name"):
                pairs.append((str(m["name"]), str(e["name"])))
    return pairs


def project_models(models: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Project name → its model names, from `all_lookml_models`' `project_name`."""
    out: dict[str, list[str]] = {}
    for m in models:
        if m.get("name") and m.get("project_name"):
            out.setdefault(str(m["project_name"]), []).append(str(m["name"]))
    return {p: sorted(ms) for p, ms in sorted(out.items())}


def deployed_commit(client: LookerClient, project: str) -> str | None:
    """The project's deployed commit (`git_branch` `ref`); PullError with the status."""
    row = client.get(f"/projects/{quoted(project)}/git_branch")
    ref = row.get("ref") if isinstance(row, dict) else None
    return str(ref) if ref else None


def plan(
    models: list[dict[str, Any]],
    commits: dict[str, str | None] | PullError,
    previous: LookerSnapshot | None,
) -> LookmlState:
    """Which models' explores can be copied from `previous`, given the projects' commits.

    `commits` is the PullError of the first refused `git_branch` call when the API user
    may not read projects: then nothing is copied and `note` says so, once.
    """
    pairs = explore_pairs(models)
    by_project = project_models(models)
    if isinstance(commits, PullError):
        return LookmlState(
            pairs,
            [],
            note=(
                f"looker: note: the API user may not read LookML projects (HTTP "
                f"{commits.status}), so all {len(pairs)} explores were fetched again; give it "
                "the see_lookml permission to fetch only those of changed projects"
            ),
        )
    projects = [
        LookerProject(id=p, commit=commits.get(p), models=ms) for p, ms in by_project.items()
    ]
    before = {p.id: p for p in (previous.projects if previous else [])}
    unchanged: set[str] = set()
    for project in projects:
        old = before.get(project.id)
        if project.commit and old is not None and old.commit == project.commit:
            unchanged.update(m for m in project.models if m in old.models)
    return LookmlState(pairs, projects, unchanged)


def explore(model: str, name: str, row: object) -> LookerExplore:
    """One `lookml_model_explore` answer as the snapshot keeps it."""
    if not isinstance(row, dict):
        raise PullError(
            SOURCE, f"Looker answered explore {model}.{name} with something not an object"
        )
    fields: list[LookerField] = []
    fieldset = row.get("fields") if isinstance(row.get("fields"), dict) else {}
    for group, default in _CATEGORIES.items():
        for f in fieldset.get(group) or []:
            if isinstance(f, dict) and f.get("name"):
                fields.append(_field(f, default, f"field of explore {model}.{name}"))
    return validated(
        LookerExplore,
        {
            "model": model,
            "name": name,
            "label": text_or_none(row.get("label")),
            "description": text_or_none(row.get("description")) or None,
            "fields": fields,
        },
        f"explore {model}.{name}",
    )


def _field(f: dict[str, Any], default: str, what: str) -> LookerField:
    category = f.get("category") if f.get("category") in _CATEGORIES.values() else default
    return validated(
        LookerField,
        {
            "name": str(f["name"]),
            "label": text_or_none(f.get("label")),
            "description": text_or_none(f.get("description")) or None,
            "type": text_or_none(f.get("type")),
            "category": category,
            "hidden": f.get("hidden") is True,
        },
        what,
    )
