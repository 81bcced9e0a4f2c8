"""`handbook validate`: cross-checks between metrics, sources, reports and the Looker snapshot."""

from __future__ import annotations

import json
from pathlib import Path

from handbook.project import Project
from handbook.validate import validate_project
from helpers.handbook import run_cli


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in `path`; return the line number where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def product(project: Project) -> Path:
    return project.metrics_dir / "product.yml"


def messages(project: Project) -> list[str]:
    return [str(p) for p in validate_project(project)]


def test_repository_catalog_is_valid_without_warnings(handbook_copy: Project):
    assert messages(handbook_copy) == []


def test_unknown_source_is_an_error_with_a_suggestion(handbook_copy: Project):
    line = edit(
        product(handbook_copy), "sources: [pings, dotcom_events]", "sources: [pingz, dotcom_events]"
    )
    found = messages(handbook_copy)
    assert len(found) == 1
    assert found[0].startswith(
        f"catalog/metrics/product.yml:{line}: error: metric 'mau': unknown source 'pingz'\n"
        "    fix: did you mean 'pings'? sources are defined in catalog/sources/*.yml and by "
        "dbt (catalog/dbt.yml): "
    )


def test_unknown_deleted_and_excluded_looker_ids_are_errors(handbook_copy: Project):
    line = edit(product(handbook_copy), "looks: [1065]", "looks: [1065, 99999, 1290, 1500]")
    assert messages(handbook_copy) == [
        f"catalog/metrics/product.yml:{line}: error: metric 'mau': look 99999 is not in the "
        "Looker snapshot\n"
        "    fix: check the id (the number in its Looker URL), then run "
        "`handbook refresh`; or remove it",
        f"catalog/metrics/product.yml:{line}: error: metric 'mau': look 1290 is in Looker's "
        "trash (deleted)\n"
        "    fix: remove it, or restore it in Looker and run `handbook refresh`",
        f"catalog/metrics/product.yml:{line}: error: metric 'mau': look 1500 is in a folder "
        "excluded from publishing\n"
        "    fix: link published content instead, or change exclude_folders in "
        "catalog/looker.yml",
    ]


def test_lookml_field_missing_from_snapshot_suggests_close_matches(handbook_copy: Project):
    line = edit(
        product(handbook_copy),
        "lookml_field: product.instance_usage.monthly_usage.mau\n",
        "lookml_field: product.instance_usage.monthly_usage.maus\n",
    )
    assert messages(handbook_copy) == [
        f"catalog/metrics/product.yml:{line}: error: metric 'mau': LookML field "
        "'product.instance_usage.monthly_usage.maus' is not in any explore of the Looker "
        "snapshot\n"
        "    fix: did you mean 'product.instance_usage.monthly_usage.mau'? fields are "
        "`model.explore.view.field` as on the Looker catalog's explores page; run "
        "`handbook refresh` if the field is new in LookML"
    ]


def test_drifted_lookml_description_is_a_warning(handbook_copy: Project):
    snapshot = handbook_copy.looker_snapshot
    data = json.loads(snapshot.read_text(encoding="utf-8"))
    for explore in data["explores"]:
        for field in explore["fields"]:
            if explore["name"] == "instance_usage" and field["name"] == "monthly_usage.mau":
                field["description"] = "Users who logged in during the month."
    snapshot.write_text(json.dumps(data), encoding="utf-8")
    text = product(handbook_copy).read_text(encoding="utf-8")
    line = text[: text.index("Distinct users active")].count("\n")  # the `description:` key
    problems = validate_project(handbook_copy)
    assert [p.severity for p in problems] == ["warning"]
    assert str(problems[0]) == (
        f"catalog/metrics/product.yml:{line}: warning: metric 'mau': the LookML description "
        "of 'product.instance_usage.monthly_usage.mau' has drifted from ours: LookML says "
        "'Users who logged in during the month.'\n"
        "    fix: agree on one definition: put LookML's sentence in our description, or fix "
        "the description in LookML"
    )
    result = run_cli(handbook_copy, "validate")
    assert result.returncode == 0  # drift alone does not fail the check
    assert "catalog is valid (1 warning(s))" in result.stdout


def test_reports_yml_is_checked_too(handbook_copy: Project):
    line = edit(handbook_copy.reports_file, "      - look: 729\n", "      - look: 1500\n")
    assert messages(handbook_copy) == [
        f"catalog/reports.yml:{line}: error: look 1500 is in a folder excluded from publishing\n"
        "    fix: link published content instead, or change exclude_folders in catalog/looker.yml"
    ]


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_cli_exits_1_with_every_problem_and_no_traceback_and_writes_nothing(
    handbook_copy: Project,
):
    edit(
        product(handbook_copy), "sources: [pings, dotcom_events]", "sources: [pingz, dotcom_events]"
    )
    edit(product(handbook_copy), "looks: [1065]", "looks: [99999]")
    before = _tree(handbook_copy.root)
    result = run_cli(handbook_copy, "validate")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "error: metric 'mau': unknown source 'pingz'" in result.stderr
    assert "error: metric 'mau': look 99999 is not in the Looker snapshot" in result.stderr
    assert result.stderr.rstrip().endswith("2 error(s), 0 warning(s)")
    assert _tree(handbook_copy.root) == before


def test_cli_reports_yaml_errors_without_traceback(handbook_copy: Project):
    (handbook_copy.metrics_dir / "bad.yml").write_text("metrics:\n  - name: [x\n", encoding="utf-8")
    result = run_cli(handbook_copy, "validate")
    assert result.returncode == 1
    assert "catalog/metrics/bad.yml:3: error: YAML syntax error" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_passes_on_the_repository_catalog(handbook_copy: Project):
    result = run_cli(handbook_copy, "validate")
    assert result.returncode == 0, result.stderr
    assert "catalog is valid (0 warning(s))" in result.stdout


def test_the_build_logs_drift_at_info_without_calling_it_a_warning(
    handbook_copy: Project, monkeypatch, caplog
):
    """--strict fails on WARNING, and drift must not fail a build: so INFO, worded as INFO."""
    import logging

    from handbook.session import BuildSession

    data = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))
    for explore in data["explores"]:
        for field in explore["fields"]:
            if field["name"] == "monthly_usage.mau":
                field["description"] = "Users who logged in during the month."
    handbook_copy.looker_snapshot.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("HANDBOOK_OFFLINE", "1")
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.handbook"):
        BuildSession().load(handbook_copy)
    (drift,) = [r for r in caplog.records if "has drifted" in r.getMessage()]
    assert drift.levelno == logging.INFO
    assert drift.getMessage().startswith("catalog/metrics/product.yml:")
    assert "warning" not in drift.getMessage().lower()
