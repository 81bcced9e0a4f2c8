"""Explores and their fields, fetched again only for LookML projects whose deploy changed.

Looker has no bulk call for explore fields: `lookml_model_explore` answers one explore per
request, and with 100 explores a nightly pull would spend 100 calls of Looker's monthly
administrative API budget on metadata that changes only when someone deploys LookML. So
each model's project (`project_name` from `all_lookml_models`) is asked for its deployed
commit (`git_branch` → `ref`, one call per project), and an explore whose project is at
the commit the previous snapshot recorded is copied from that snapshot. Projects are judged
one by one: a project the API user may not read (its `git_branch` answers 403 or 404) has
its explores fetched again, every other project at the same commit keeps its copies, and
one note names the projects that were refused.

Mapping Looker's rows onto the snapshot models lives here too; `looker_pull` orchestrates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError

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


def validated(model: Any, data: dict[str, Any], what: str) -> Any:
    """`model` built from Looker's `data`, or a PullError naming what was unreadable."""
    try:
        return model.model_validate(data)
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
    projects: list[LookerProject]  # every project; one whose commit was refused has none
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


Commit = str | None | PullError  # a project's deployed commit, or why it could not be read


def plan(
    models: list[dict[str, Any]],
    commits: dict[str, Commit],
    previous: LookerSnapshot | None,
) -> LookmlState:
    """Which models' explores can be copied from `previous`, given each project's commit.

    A project whose commit could not be read (its `commits` entry is the PullError of a
    403/404) is recorded without a commit, so its explores are fetched now and next time;
    the others are judged on their own. `note` names the refused projects, once.
    """
    pairs = explore_pairs(models)
    by_project = project_models(models)
    known = {p: c for p, c in commits.items() if not isinstance(c, PullError)}
    projects = [LookerProject(id=p, commit=known.get(p), models=ms) for p, ms in by_project.items()]
    before = {p.id: p for p in (previous.projects if previous else [])}
    unchanged: set[str] = set()
    for project in projects:
        old = before.get(project.id)
        if project.commit and old is not None and old.commit == project.commit:
            unchanged.update(m for m in project.models if m in old.models)
    refused = {p: c for p, c in commits.items() if isinstance(c, PullError)}
    return LookmlState(pairs, projects, unchanged, _refused_note(refused, by_project, pairs))


def _refused_note(
    refused: dict[str, PullError],
    by_project: dict[str, list[str]],
    pairs: list[tuple[str, str]],
) -> str | None:
    """One sentence for every project whose deployed commit the API user may not read."""
    if not refused:
        return None
    models = {m for p in refused for m in by_project.get(p, [])}
    count = sum(1 for m, _ in pairs if m in models)
    statuses = "/".join(str(s) for s in sorted({e.status or 0 for e in refused.values()}))
    names = ", ".join(sorted(refused))
    whose = "its" if len(refused) == 1 else "their"
    noun = "project" if len(refused) == 1 else "projects"
    return (
        f"looker: note: the API user may not read the deployed commit of LookML {noun} "
        f"{names} (HTTP {statuses}), so {whose} {count} explore(s) were fetched again; give "
        "it the see_lookml permission on them to fetch their explores only after a deploy"
    )


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
