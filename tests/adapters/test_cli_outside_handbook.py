"""`handbook` started outside any handbook says so and exits 2, writing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.handbook import run_cli


@pytest.mark.parametrize(
    "args", [["validate"], ["refresh"], ["refresh", "--only", "looker"], ["check-links"]]
)
def test_handbook_in_an_unrelated_folder_exits_2_and_writes_nothing(tmp_path: Path, args):
    folder = tmp_path / "somewhere" / "else"
    folder.mkdir(parents=True)
    (folder / "notes.md").write_text("# Notes\n", encoding="utf-8")
    result = run_cli(folder, *args, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "is not inside a handbook" in result.stderr and "--root" in result.stderr
    assert "catalog is valid" not in result.stdout
    assert "Traceback" not in result.stderr
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "somewhere",
        "somewhere/else",
        "somewhere/else/notes.md",
    ]


def test_handbook_in_a_subfolder_of_a_handbook_finds_it(handbook_copy):
    result = run_cli(handbook_copy.root / "docs" / "team", "validate", timeout=300)
    assert result.returncode == 0, result.stderr
    assert "catalog is valid" in result.stdout
