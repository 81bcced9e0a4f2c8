"""JSON Schemas of the catalog YAML files, generated from the pydantic models that read them.

Editors with the YAML language server (VS Code's YAML extension, JetBrains, Neovim) read the
`# yaml-language-server: $schema=…` line at the top of each catalog file and then complete
keys, show their descriptions and underline mistakes as the analyst types. The schemas are
derived from the same models `handbook validate` uses, so the two cannot disagree; a test
keeps the committed files in step. Regenerate after changing a model:

    handbook schemas          # writes catalog/schemas/*.schema.json that are missing or stale
    handbook schemas --check  # exit 1 if a committed schema is stale

Fields the loader fills in itself (`file`, `line`, `lines`: where a value was typed) are
marked `exclude=True` on the models and left out of the schemas.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from handbook.curated.metrics import Metric
from handbook.curated.policy import LookerPolicy
from handbook.curated.reports import ReportList
from handbook.curated.sources import SourcesFile
from handbook.dbt.config import DbtConfig
from handbook.project import Project

SCHEMA_DIR = "schemas"  # under catalog/


class MetricsFile(BaseModel):
    """A file under catalog/metrics/: a list of metric definitions."""

    model_config = ConfigDict(extra="forbid", title="Metrics file")
    metrics: list[Metric] = Field(default_factory=list)


# schema file name → (model, the catalog files it describes, relative to catalog/)
SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "metrics.schema.json": (MetricsFile, "metrics/*.yml"),
    "sources.schema.json": (SourcesFile, "sources/*.yml"),
    "reports.schema.json": (ReportList, "reports.yml"),
    "looker.schema.json": (LookerPolicy, "looker.yml"),
    "dbt.schema.json": (DbtConfig, "dbt.yml"),
}


def _models(root: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model reachable from `root` by field annotations, by class name."""
    found: dict[str, type[BaseModel]] = {}
    stack: list[Any] = [root]
    while stack:
        tp = stack.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp.__name__ in found:
                continue
            found[tp.__name__] = tp
            stack.extend(f.annotation for f in tp.model_fields.values())
        stack.extend(getattr(tp, "__args__", ()))
    return found


def _drop_internal(schema: dict[str, Any], model: type[BaseModel]) -> None:
    internal = [n for n, f in model.model_fields.items() if f.exclude]
    for name in internal:
        schema.get("properties", {}).pop(name, None)
        if name in schema.get("required", []):
            schema["required"].remove(name)


def schema_for(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one catalog file, without loader-only fields."""
    schema = model.model_json_schema(mode="validation")
    models = _models(model)
    _drop_internal(schema, model)
    for name, sub in schema.get("$defs", {}).items():
        if name in models:
            _drop_internal(sub, models[name])
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def rendered() -> dict[str, str]:
    """File name → JSON text, exactly as committed."""
    return {
        name: json.dumps(schema_for(model), indent=2, sort_keys=True) + "\n"
        for name, (model, _) in SCHEMAS.items()
    }


def modeline(project: Project, yaml_file: Path, schema_name: str) -> str:
    """The `# yaml-language-server` line for `yaml_file`, with a path relative to it."""
    target = project.catalog_dir / SCHEMA_DIR / schema_name
    depth = len(yaml_file.relative_to(project.catalog_dir).parts) - 1
    rel = "../" * depth + target.relative_to(project.catalog_dir).as_posix()
    return f"# yaml-language-server: $schema={rel if depth else './' + rel}"


def stale_schemas(project: Project) -> dict[Path, str]:
    """Each schema file under catalog/schemas/ that is missing or differs from the models,
    with the text it should hold, in `SCHEMAS` order."""
    out_dir = project.catalog_dir / SCHEMA_DIR
    stale = {}
    for name, text in rendered().items():
        path = out_dir / name
        if not (path.is_file() and path.read_text(encoding="utf-8") == text):
            stale[path] = text
    return stale


def write_schemas(files: dict[Path, str]) -> None:
    """Write each file's text (what `stale_schemas` found), making catalog/schemas/."""
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
