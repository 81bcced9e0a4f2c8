"""The YAML reader's limits give one message whichever parser PyYAML was built with."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from handbook.curated import yaml_source
from handbook.errors import CatalogError

PARSERS = {"pure-python": yaml.SafeLoader}
if getattr(yaml, "CSafeLoader", None):
    PARSERS["libyaml"] = yaml.CSafeLoader


@pytest.mark.parametrize("parser", list(PARSERS))
@pytest.mark.parametrize("levels", [40, 2000])
def test_deep_nesting_is_one_message_naming_the_file(
    parser: str, levels: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """PyYAML with libyaml stops at 1,000 levels (in libyaml versions that have the limit),
    without it at Python's recursion limit, and our walk at 30; a machine's build of PyYAML
    must not change what the analyst reads."""
    monkeypatch.setattr(yaml_source, "_COMPOSER", PARSERS[parser])
    path = tmp_path / "deep.yml"
    path.write_text("name: x\nmeta: " + "[" * levels + "]" * levels + "\n", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        yaml_source.load_yaml(path, "catalog/metrics/deep.yml")
    (problem,) = caught.value.problems
    assert problem.file == "catalog/metrics/deep.yml"
    assert problem.message == f"YAML nested more than {yaml_source.MAX_DEPTH} levels deep"
    assert "indentation" in (problem.hint or "")


@pytest.mark.parametrize("parser", list(PARSERS))
def test_a_syntax_error_names_its_line_with_either_parser(
    parser: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(yaml_source, "_COMPOSER", PARSERS[parser])
    path = tmp_path / "bad.yml"
    path.write_text("name: x\nlabel: [unclosed\nowner: y\n", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        yaml_source.load_yaml(path, "bad.yml")
    (problem,) = caught.value.problems
    assert problem.message.startswith("YAML syntax error")
    assert problem.line in (2, 3, 4)


@pytest.mark.parametrize(
    ("yaml_text", "typo", "offered"),
    [
        (
            "sections:\n  - title: A\n    reports:\n      - look: 1\n        noet: x\n",
            "noet",
            "note",
        ),
        ("sections:\n  - titel: A\n", "titel", "title"),
        ("intro: x\nsectoins: []\n", "sectoins", "sections"),
    ],
)
def test_an_unknown_key_in_reports_yml_is_offered_the_closest_key_of_its_own_level(
    tmp_path: Path, yaml_text: str, typo: str, offered: str
):
    from handbook.curated.reports import ReportList

    path = tmp_path / "reports.yml"
    path.write_text(yaml_text, encoding="utf-8")
    doc = yaml_source.load_yaml(path, "catalog/reports.yml")
    with pytest.raises(CatalogError) as caught:
        yaml_source.validate(doc, ReportList)
    found = [p for p in caught.value.problems if p.message == f"unknown key '{typo}'"]
    assert len(found) == 1 and found[0].hint is not None
    assert found[0].hint.startswith(f"did you mean '{offered}'")


def test_a_loaded_file_leaves_no_yaml_node_behind(tmp_path: Path):
    """Each load's node tree is freed: under `mkdocs serve` the catalog is loaded on every
    save, and nodes kept by the shared constructor's cache added up (5 MB per 500 metrics)."""
    import gc

    path = tmp_path / "m.yml"
    path.write_text("metrics:\n" + "".join(f"  - name: m{i}\n" for i in range(200)), "utf-8")
    for _ in range(3):
        assert len(yaml_source.load_yaml(path).data["metrics"]) == 200
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, yaml.Node)]
