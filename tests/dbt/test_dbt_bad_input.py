"""Bad dbt input: a `catalog/dbt.yml:<line>` error with a fix, never a traceback.

Each test breaks one thing the way it breaks in practice (no `dbt parse` yet, a cut-short
write, an artifact from another dbt version or project, a typo in `include:`) and runs
`handbook validate` as a user would.
"""

from __future__ import annotations

import json
from pathlib import Path

from handbook.project import Project
from helpers.dbt_handbooks import TARGET, dbt_copy, small_handbook, write_dbt_config
from helpers.handbook import run_build, run_cli


def validate(project: Project) -> str:
    result = run_cli(project, "validate")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def artifact(project: Project, name: str) -> Path:
    return project.root / TARGET / name


def rewrite(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_missing_manifest_names_the_line_and_says_to_run_dbt_parse(tmp_path):
    project = small_handbook(tmp_path / "hb")
    artifact(project, "manifest.json").unlink()
    err = validate(project)
    assert err.startswith(
        f"catalog/dbt.yml:1: error: manifest: {TARGET}/manifest.json does not exist "
        f"({project.root / TARGET / 'manifest.json'})\n"
        "    fix: run `dbt parse` in the dbt project (it writes target/manifest.json), or fix "
        f"the path: it is relative to the handbook folder, {project.root}\n"
    )


def test_a_cut_short_manifest_is_not_valid_json(tmp_path):
    project = small_handbook(tmp_path / "hb")
    path = artifact(project, "manifest.json")
    path.write_bytes(path.read_bytes()[:100_000])
    err = validate(project)
    assert f"catalog/dbt.yml:1: error: manifest: {TARGET}/manifest.json is not valid JSON" in err
    assert "fix: run `dbt parse` in the dbt project to write it again" in err


def test_a_manifest_that_is_not_a_file_or_not_utf8(tmp_path):
    project = small_handbook(tmp_path / "hb")
    path = artifact(project, "manifest.json")
    path.write_bytes(b'{"metadata": "\xff"}')
    assert "is not UTF-8 text" in validate(project)
    path.unlink()
    path.mkdir()
    assert f"manifest: {TARGET}/manifest.json is a folder, not a file" in validate(project)


def test_a_manifest_of_another_schema_version_says_which_dbt_writes_v12(tmp_path):
    project = small_handbook(tmp_path / "hb")
    url = "https://schemas.getdbt.com/dbt/manifest/v11.json"
    rewrite(
        artifact(project, "manifest.json"), lambda m: m["metadata"].update(dbt_schema_version=url)
    )
    assert validate(project).startswith(
        f"catalog/dbt.yml:1: error: manifest: {TARGET}/manifest.json is dbt manifest schema "
        "v11; this handbook reads v12\n"
        "    fix: run `dbt parse` with dbt-core 1.8 to 1.11, which write manifest v12\n"
    )


def test_a_sources_json_named_as_the_manifest_is_refused(tmp_path):
    project = small_handbook(tmp_path / "hb")
    write_dbt_config(project, f"manifest: {TARGET}/sources.json\n")
    assert "is not a dbt manifest artifact (its metadata.dbt_schema_version is " in validate(
        project
    )


def test_results_from_a_different_dbt_project_are_refused(tmp_path):
    project = small_handbook(tmp_path / "hb")

    def other_project(data: dict) -> None:
        for result in data["results"]:
            result["unique_id"] = result["unique_id"].replace("handbook_fixture", "jaffle_shop")

    rewrite(artifact(project, "sources.json"), other_project)
    err = validate(project)
    assert err.startswith(
        f"catalog/dbt.yml:2: error: freshness_results: {TARGET}/sources.json is from a "
        "different dbt project: none of its 11 results is a source of the manifest's project "
        "'handbook_fixture' (e.g. source.jaffle_shop."
    )
    assert "fix: point freshness_results: at the sources.json of the dbt project" in err


def test_results_older_than_the_manifest_are_refused(tmp_path):
    project = small_handbook(tmp_path / "hb")
    rewrite(
        artifact(project, "sources.json"),
        lambda d: d["metadata"].update(generated_at="2020-01-01T00:00:00Z"),
    )
    err = validate(project)
    assert (
        f"catalog/dbt.yml:2: error: freshness_results: {TARGET}/sources.json is older than "
        "the manifest (`dbt source freshness` ran at 2020-01-01 00:00:00 UTC"
    ) in err
    assert "fix: run `dbt source freshness` again after `dbt parse`" in err


def test_a_missing_results_file_says_what_writes_it_or_how_to_do_without(tmp_path):
    project = small_handbook(tmp_path / "hb")
    artifact(project, "sources.json").unlink()
    err = validate(project)
    assert f"catalog/dbt.yml:2: error: freshness_results: {TARGET}/sources.json does not" in err
    assert "run `dbt source freshness`" in err and "remove `freshness_results:`" in err


def test_an_included_source_dbt_lacks_is_named_at_its_line_with_a_suggestion(tmp_path):
    project = small_handbook(tmp_path / "hb", extra="include:\n  - stripe\n  - strype\n")
    assert validate(project).startswith(
        "catalog/dbt.yml:5: error: include: dbt has no source named 'strype' in "
        f"{TARGET}/manifest.json\n"
        "    fix: did you mean 'stripe'? dbt's sources are: crm, legacy, stripe, web_analytics\n"
    )


def test_an_unknown_key_or_an_empty_file(tmp_path):
    project = small_handbook(tmp_path / "hb", extra="exlude: [legacy]\n")
    assert "catalog/dbt.yml:3: error: unknown key 'exlude'" in validate(project)
    write_dbt_config(project, "")
    assert "catalog/dbt.yml: error: file is empty" in validate(project)


def test_a_hand_written_source_cannot_redefine_a_dbt_sources_tables(tmp_path):
    project = small_handbook(tmp_path / "hb")
    (project.catalog_dir / "sources").mkdir()
    (project.catalog_dir / "sources" / "stripe.yml").write_text(
        "sources:\n"
        "  - name: stripe\n"
        "    notes: Card payments only.\n"
        "    tables:\n"
        "      - table: warehouse.raw_stripe.charges\n",
        encoding="utf-8",
    )
    assert validate(project).startswith(
        "catalog/sources/stripe.yml:4: error: source 'stripe' is defined in dbt "
        "(models/sources.yml of dbt project 'handbook_fixture', read through catalog/dbt.yml), "
        "so its `tables` come from dbt's manifest and cannot be redefined here\n"
        "    fix: remove `tables` here and change them in dbt; an entry for a dbt source may "
        "only add label, description, owner, cadence, pipeline and notes\n"
    )


def test_a_hand_written_note_may_not_contradict_what_dbt_sets(tmp_path):
    project = small_handbook(tmp_path / "hb")
    (project.catalog_dir / "sources").mkdir()
    (project.catalog_dir / "sources" / "notes.yml").write_text(
        "sources:\n  - name: stripe\n    cadence: Hourly.\n    owner: Someone Else\n",
        encoding="utf-8",
    )
    assert validate(project).startswith(
        "catalog/sources/notes.yml:4: error: source 'stripe': owner is already set in dbt "
        "(meta.owner: 'Finance Data' in models/sources.yml of dbt project 'handbook_fixture', "
        "read through catalog/dbt.yml)\n"
        "    fix: change it in dbt, or remove `owner:` here\n"
    )


def test_mkdocs_build_stops_on_a_broken_manifest_with_the_same_message(tmp_path):
    project = dbt_copy(tmp_path / "hb")
    artifact(project, "manifest.json").write_text("{", encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 1
    assert "catalog/dbt.yml:1: error: manifest: " in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project.root / "site").exists()
