"""JSON Schemas for the catalog YAML: committed, current, referenced, and true to the models."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from handbook.adapters.cli import main
from handbook.curated.schemas import SCHEMA_DIR, SCHEMAS, modeline, rendered
from handbook.project import Project
from helpers.handbook import REPO

PROJECT = Project(REPO)
CATALOG = PROJECT.catalog_dir


def catalog_files() -> list[tuple[Path, str]]:
    return [
        (path, name)
        for name, (_, pattern) in SCHEMAS.items()
        for path in sorted(CATALOG.glob(pattern))
    ]


def test_committed_schemas_match_the_models():
    for name, text in rendered().items():
        committed = CATALOG / SCHEMA_DIR / name
        assert committed.is_file(), f"run `handbook schemas` ({name})"
        assert committed.read_text(encoding="utf-8") == text, (
            f"{name} is stale: run `handbook schemas`"
        )


def test_check_mode_reports_a_stale_schema(tmp_path: Path, capsys):
    (tmp_path / "catalog" / SCHEMA_DIR).mkdir(parents=True)
    schemas = ["--root", str(tmp_path), "schemas"]
    assert main([*schemas, "--check"]) == 1
    assert "catalog/schemas/metrics.schema.json: stale" in capsys.readouterr().out
    assert main(schemas) == 0 and main([*schemas, "--check"]) == 0


@pytest.mark.parametrize(("path", "schema"), catalog_files(), ids=lambda v: str(v)[-30:])
def test_every_catalog_file_names_its_schema_and_passes_it(path: Path, schema: str):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == modeline(PROJECT, path, schema)
    target = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target == (CATALOG / SCHEMA_DIR / schema).resolve() and target.is_file()
    validator = jsonschema.Draft202012Validator(json.loads(target.read_text(encoding="utf-8")))
    errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert not errors, [e.message for e in errors]


def test_schemas_catch_what_the_loader_refuses():
    schema = json.loads((CATALOG / SCHEMA_DIR / "metrics.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    good = yaml.safe_load((CATALOG / "metrics" / "product.yml").read_text(encoding="utf-8"))
    metric = good["metrics"][0]
    typo = {**metric, "ownr": "x"}
    bad_status = {**metric, "status": "approved"}
    for bad in (typo, bad_status):
        assert list(validator.iter_errors({"metrics": [bad]}))
    # Loader-only fields (where a value was typed) are not offered to editors.
    props = schema["$defs"]["Metric"]["properties"]
    assert "file" not in props and "line" not in props and "lines" not in props
    assert {"name", "label", "owner", "status", "calculation"} <= set(props)
