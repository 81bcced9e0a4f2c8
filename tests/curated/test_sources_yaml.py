"""catalog/sources/*.yml: the shipped files load, and mistakes read as `file:line` + a fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from handbook.curated.sources import load_sources
from handbook.errors import CatalogError
from handbook.project import Project
from helpers.handbook import REPO

GOOD = """\
sources:
  - name: hubspot
    label: HubSpot
    description: Marketing CRM.
    owner: Eric Brody-Moore
    cadence: Weekly, Sunday night or Monday morning.
    freshness:
      warn_after: {count: 8, period: day}
      error_after: {count: 15, period: day}
    tables:
      - table: sourcegraph-dw.hubspot.contacts
"""


def _project(tmp_path: Path, **files: str) -> Project:
    root = tmp_path.resolve()
    folder = root / "catalog" / "sources"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return Project(root)


def _error(tmp_path: Path, **files: str) -> str:
    with pytest.raises(CatalogError) as info:
        load_sources(_project(tmp_path, **files))
    return str(info.value)


def test_shipped_sources_load_with_the_agreed_names() -> None:
    sources = load_sources(Project(REPO))
    assert {s.name for s in sources} == {
        "pings",
        "dotcom_events",
        "cloud_events",
        "marketing_site_events",
        "zendesk",
        "salesforce",
        "hubspot",
        "google_analytics",
        "apollo",
        "google_sheets",
    }
    hubspot = next(s for s in sources if s.name == "hubspot")
    assert hubspot.sla == "warn after 8 days, error after 15 days"
    assert hubspot.file == "catalog/sources/business.yml" and hubspot.line
    assert "file" not in hubspot.model_dump() and "line" not in hubspot.model_dump()


def test_good_file_and_hierarchy(tmp_path: Path) -> None:
    (source,) = load_sources(_project(tmp_path, **{"a.yml": GOOD}))
    assert (source.file, source.line) == ("catalog/sources/a.yml", 2)
    assert str(source.rule_for(source.tables[0])) == "warn after 8 days, error after 15 days"


def test_unknown_key(tmp_path: Path) -> None:
    text = GOOD.replace("      error_after:", "      eror_after:")
    assert _error(tmp_path, **{"a.yml": text}) == (
        "catalog/sources/a.yml:9: error: unknown key 'eror_after'\n"
        "    fix: did you mean 'error_after' or 'warn_after'? see docs/editing/catalog.md for "
        "the keys"
    )


def test_wrong_period(tmp_path: Path) -> None:
    text = GOOD.replace("{count: 8, period: day}", "{count: 8, period: days}")
    assert _error(tmp_path, **{"a.yml": text}) == (
        "catalog/sources/a.yml:8: error: 'period': Input should be 'minute', 'hour' or 'day' "
        "(got 'days')"
    )


def test_count_must_be_a_positive_integer(tmp_path: Path) -> None:
    text = GOOD.replace("{count: 8, period: day}", "{count: 0, period: day}")
    assert _error(tmp_path, **{"a.yml": text}) == (
        "catalog/sources/a.yml:8: error: 'count': Input should be greater than 0 (got 0)"
    )


def test_bad_table_name(tmp_path: Path) -> None:
    text = GOOD.replace("sourcegraph-dw.hubspot.contacts", "hubspot.contacts")
    assert _error(tmp_path, **{"a.yml": text}) == (
        "catalog/sources/a.yml:11: error: 'table': must be a full BigQuery table id, "
        "project.dataset.table (e.g. sourcegraph-dw.hubspot.contacts) (got 'hubspot.contacts')"
    )


def test_duplicate_source_name_across_files(tmp_path: Path) -> None:
    other = "# another team's file\n\n" + GOOD
    assert _error(tmp_path, **{"a.yml": GOOD, "b.yml": other}) == (
        "catalog/sources/b.yml:4: error: duplicate source name 'hubspot' "
        "(also defined at catalog/sources/a.yml:2)\n"
        "    fix: source names must be unique across catalog/sources/; rename or remove one "
        "of the two"
    )


def test_yaml_syntax_error(tmp_path: Path) -> None:
    text = GOOD.replace("    owner: Eric Brody-Moore", "    owner: Eric: Brody-Moore")
    assert _error(tmp_path, **{"a.yml": text}) == (
        "catalog/sources/a.yml:5: error: YAML syntax error: mapping values are not allowed here\n"
        "    fix: check indentation and quoting on this line "
        "(values with ': ' or '#' need quotes)"
    )


def test_problems_from_every_file_are_listed(tmp_path: Path) -> None:
    bad_a = GOOD.replace("    label: HubSpot\n", "")
    bad_b = GOOD.replace("name: hubspot", "name: Bad-Name")
    message = _error(tmp_path, **{"a.yml": bad_a, "b.yml": bad_b})
    assert "catalog/sources/a.yml:2: error: missing required key 'label'" in message
    assert (
        "catalog/sources/b.yml:2: error: 'name': must be lowercase letters, digits and "
        "underscores, starting with a letter (got 'Bad-Name')"
    ) in message
