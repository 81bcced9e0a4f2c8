"""catalog.json: the published catalog as data, never more than the site publishes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from handbook.catalog import load_catalog
from handbook.export import export
from handbook.project import Project
from helpers.handbook import REPO, copy_handbook


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(json.dumps(export(load_catalog(Project(REPO)))))  # JSON round trip


def test_excluded_and_deleted_looker_items_are_not_exported(data: dict):
    keys = {(i["kind"], i["id"]) for i in data["looker"]["items"]}
    assert ("look", "729") in keys and ("dashboard", "product::executive_summary") in keys
    assert ("look", "1500") not in keys  # Finance (restricted) folder
    assert ("look", "1600") not in keys  # personal folder
    assert ("look", "1290") not in keys and ("dashboard", "101") not in keys  # trash
    assert "Quarterly ARR bridge" not in json.dumps(data)


def test_items_have_title_folder_owner_views_updated(data: dict):
    assert data["version"] == 2
    look = next(i for i in data["looker"]["items"] if i["id"] == "729")
    assert look["title"] == "Monthly users by instance type"
    assert look["owner"] == "Eric Brody-Moore"
    assert isinstance(look["views"], int) and look["updated_at"].endswith("Z")
    assert "views_90_days" in look and isinstance(look["lookml_fields"], list)
    # The Looker URL is base_url + /looks/ID (not repeated on 20,000 items).
    assert "url" not in look and data["looker"]["base_url"] == "https://sourcegraph.looker.com"


def test_folders_are_listed_once_and_items_point_at_them(data: dict):
    folders = {f["id"]: f for f in data["looker"]["folders"]}
    look = next(i for i in data["looker"]["items"] if i["id"] == "729")
    folder = folders[look["folder_id"]]
    parent = folders[folder["parent_id"]]
    assert [parent["name"], folder["name"]] == ["Shared", "Company Metrics"]
    assert folder["page"].startswith("looker/folders/") and folder["page"].endswith("/")
    # Excluded (Finance, restricted) and personal folders are not exported.
    assert not any("Finance" in f["name"] for f in folders.values())
    assert all(i["folder_id"] in folders for i in data["looker"]["items"] if i["folder_id"])


def test_catalog_json_is_compact_and_says_the_same_as_export(tmp_path: Path):
    from handbook.session import write_export

    catalog = load_catalog(Project(REPO))
    path = write_export(catalog, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") == 1 and text.endswith("}\n")  # one line: no indentation
    data = json.loads(text)
    data.pop("generated_at")
    expected = export(catalog)
    expected.pop("generated_at")
    assert data == expected


def test_metrics_and_sources_with_times(data: dict):
    mau = next(m for m in data["metrics"] if m["name"] == "mau")
    assert mau["lookml_field"] == "product.instance_usage.monthly_usage.mau"
    assert mau["grain"] == {"time": "month", "entity": "instance"}
    assert "file" not in mau and "lines" not in mau
    hubspot = next(s for s in data["sources"] if s["name"] == "hubspot")
    assert hubspot["status"] in {"pass", "warn", "error", "runtime error", "not checked"}
    assert all("status" in t for t in hubspot["tables"])
    assert data["looker"]["pulled_at"] == "2026-11-22T06:00:00Z"
    assert data["freshness"]["checked_at"].startswith("2026-11-22T06:10")
    assert data["generated_at"].endswith("Z")


@pytest.mark.slow
def test_built_site_serves_catalog_json(built_site: Path):
    data = json.loads((built_site / "catalog.json").read_text(encoding="utf-8"))
    assert {m["name"] for m in data["metrics"]} >= {"mau", "nps", "support_tickets"}
    assert "1500" not in {i["id"] for i in data["looker"]["items"]}


def test_published_boards_are_exported_with_sections_of_published_items_only(data: dict):
    boards = {b["id"]: b for b in data["looker"]["boards"]}
    # 30 is held back by exclude_boards, 20 is in Looker's trash.
    assert set(boards) == {"12", "14"}
    customer = boards["12"]
    assert customer["title"] == "Customer success"
    assert customer["url"] == "https://sourcegraph.looker.com/boards/12"
    assert customer["page"] == "looker/boards/#board-12"
    items = [(i["kind"], i["id"]) for s in customer["sections"] for i in s["items"]]
    # 1500 sits in the excluded Finance folder, 1290 is trashed, 9999 does not exist.
    assert items == [("dashboard", "179"), ("look", "1065"), ("dashboard", "177")]
    assert customer["sections"][0]["title"] == "Account health"
    text = json.dumps(data)
    for hidden in ("Finance leadership", "Old onboarding board"):
        assert hidden not in text


def test_an_excluded_board_never_appears_in_the_export(tmp_path: Path):
    project = copy_handbook(tmp_path / "handbook")
    policy = project.looker_policy
    policy.write_text(
        policy.read_text(encoding="utf-8").replace("  - 30 ", "  - 30\n  - 14 ", 1),
        encoding="utf-8",
    )
    exported = json.dumps(export(load_catalog(project)))
    board_ids = [b["id"] for b in json.loads(exported)["looker"]["boards"]]
    assert board_ids == ["12"]
    assert '"Growth"' not in exported


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_mtime_ns, info.st_ino


def test_catalog_json_written_after_each_serve_load_is_always_a_fresh_export(
    handbook_copy: Project, tmp_path: Path
):
    """`mkdocs serve` writes catalog.json after every build through one `ExportFile`: not
    again for the same catalog, and after a metric save the same bytes a fresh export
    gives (its Looker part copied from the last file, the rest encoded anew)."""
    from handbook.export import ExportFile, chunks
    from handbook.session import BuildSession, write_export

    session, file, site = BuildSession(live=False), ExportFile(), tmp_path / "site"
    site.mkdir()
    first = session.load(handbook_copy)
    path = write_export(first, site, "", file)
    assert path.read_text(encoding="utf-8") == "".join(chunks(first))
    written = _stamp(path)
    write_export(first, site, "", file)  # a hand page saved: nothing to write
    assert _stamp(path) == written

    product = handbook_copy.metrics_dir / "product.yml"
    text = product.read_text(encoding="utf-8")
    product.write_text(text.replace("label: Monthly active users", "label: Monthly actives", 1))
    second = session.load(handbook_copy)
    write_export(second, site, "", file)
    assert _stamp(path) != written
    assert path.read_text(encoding="utf-8") == "".join(chunks(second))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert next(m["label"] for m in data["metrics"] if m["name"] == "mau") == "Monthly actives"


def test_catalog_json_shows_a_new_looker_snapshot_and_a_new_policy(
    handbook_copy: Project, tmp_path: Path
):
    from handbook.export import ExportFile, chunks
    from handbook.session import write_export
    from handbook.snapshot.store import ReusedParses

    parses, file = ReusedParses(), ExportFile()
    first = load_catalog(handbook_copy, read=parses)
    path = write_export(first, tmp_path, "", file)
    snapshot = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))
    item = next(i for i in snapshot["items"] if i["kind"] == "look" and i["id"] == "729")
    item["title"] = "Monthly users by plan"
    handbook_copy.looker_snapshot.write_text(json.dumps(snapshot), encoding="utf-8")
    pulled = load_catalog(handbook_copy, read=parses, earlier=first)
    write_export(pulled, tmp_path, "", file)
    assert path.read_text(encoding="utf-8") == "".join(chunks(pulled))
    assert "Monthly users by plan" in path.read_text(encoding="utf-8")

    policy = handbook_copy.looker_policy
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("  - 150 ", "  - 120\n  - 150 ", 1), encoding="utf-8")
    held_back = load_catalog(handbook_copy, read=parses, earlier=pulled)
    write_export(held_back, tmp_path, "", file)
    assert path.read_text(encoding="utf-8") == "".join(chunks(held_back))
    assert "Monthly users by plan" not in path.read_text(encoding="utf-8")


def test_a_catalog_json_another_program_changed_is_written_whole_again(
    handbook_copy: Project, tmp_path: Path
):
    from handbook.export import ExportFile, chunks
    from handbook.session import BuildSession, write_export

    session, file = BuildSession(live=False), ExportFile()
    first = session.load(handbook_copy)
    path = write_export(first, tmp_path, "", file)
    path.write_text('{"not": "ours"}\n', encoding="utf-8")
    write_export(first, tmp_path, "", file)  # the same catalog, but not the file it wrote
    assert path.read_text(encoding="utf-8") == "".join(chunks(first))
    path.unlink()  # as a build that starts from an empty site folder
    product = handbook_copy.metrics_dir / "product.yml"
    product.write_text(product.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = session.load(handbook_copy)
    write_export(second, tmp_path, "", file)
    assert path.read_text(encoding="utf-8") == "".join(chunks(second))
