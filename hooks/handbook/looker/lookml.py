"""Explores and their fields, fetched again only for LookML projects whose deploy changed.

Looker has no bulk call for explore fields: `lookml_model_explore` answers one explore per
request, and with 100 explores a nightly pull would spend 100 calls of Looker's monthly
administrative API budget on metadata that changes only when someone deploys LookML. So
each model's project (`project_name` from `all_lookml_models`) is asked for its deployed
commit (`git_branch` → `ref`, one call per project), and an explore whose project is at
the commit the previous snapshot recorded is copied from that snapshot. Projects are judged
one by one: a project the API user may not read (its `git_branch` answers 403 or 404) has
its explores fetched again, every other project at the same commit keeps its copies, and
one note names the projects that were refused. Reading an explore's answer is
`rows.explore`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from handbook.errors import PullError
from handbook.looker.client import LookerClient
from handbook.looker.faults import is_refusal
from handbook.snapshot.model import LookerProject, LookerSnapshot

MODEL_FIELDS = "name,project_name,explores(name)"


def _quoted(part: str) -> str:
    """One path segment of an API URL (model, explore and project names are free text)."""
    return quote(part, safe="")


def explore_path(model: str, name: str) -> str:
    """The API path of one explore (`lookml_model_explore`)."""
    return f"/lookml_models/{_quoted(model)}/explores/{_quoted(name)}"


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
    """(model, explore) of every explore `all_lookml_models` lists, in its order."""
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


Commit = str | None | PullError  # a project's deployed commit, or why it could not be read


def deployed_commit(client: LookerClient, project: str) -> Commit:
    """The project's deployed commit (`git_branch` `ref`), or the PullError of a refusal
    (403/404: the API user may not read it); any other failure raises."""
    try:
        row = client.get(f"/projects/{_quoted(project)}/git_branch")
    except PullError as exc:
        if is_refusal(exc):
            return exc
        raise
    ref = row.get("ref") if isinstance(row, dict) else None
    return str(ref) if ref else None


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
