"""Last-updated dates of hand pages come from one pass over a real git history."""

from __future__ import annotations

import subprocess
from pathlib import Path

from handbook.gitdates import PageDates, last_changed
from helpers.handbook import git_env


def _commit(root: Path, when: int, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    env = git_env(when)
    subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)
    subprocess.run(["git", "commit", "-qm", message], cwd=root, env=env, check=True)


def test_each_page_gets_its_newest_commit(tmp_path: Path):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    _commit(tmp_path, 1_700_000_000, {"docs/a.md": "a", "docs/team/b é.md": "b"}, "first")
    _commit(tmp_path, 1_700_100_000, {"docs/a.md": "a2", "README.md": "r"}, "second")
    _commit(tmp_path, 1_700_200_000, {"docs/team/b é.md": "b2"}, "third")
    (tmp_path / "docs/uncommitted.md").write_text("new", encoding="utf-8")

    dates = last_changed(tmp_path)

    assert dates == {"a.md": 1_700_100_000, "team/b é.md": 1_700_200_000}


def test_outside_a_git_repository_there_are_no_dates(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/a.md").write_text("a", encoding="utf-8")
    assert last_changed(tmp_path) == {}


def test_build_dates_hand_pages_from_git_and_new_or_generated_pages_not_at_all(
    handbook_copy, monkeypatch
):
    from handbook.session import BuildSession

    site = BuildSession()
    monkeypatch.setenv("HANDBOOK_OFFLINE", "1")
    root = handbook_copy.root
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    _commit(root, 1_763_800_000, {}, "the handbook")  # 2025-11-22
    (root / "docs/new-page.md").write_text("# New\n", encoding="utf-8")

    site.load(handbook_copy)

    committed = site.last_updated("team/capabilities.md", generated=False)
    assert committed is not None and ">November 22, 2025</span>" in committed
    # Not committed yet: no date at all (the build's time would be a change that never was).
    assert site.last_updated("new-page.md", generated=False) is None
    assert site.last_updated("metrics/mau.md", generated=True) is None


def test_a_preview_sees_a_new_commit_and_a_checkout_of_an_older_one(tmp_path: Path):
    """`mkdocs serve` asks for the dates on every save; they follow HEAD both ways."""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    _commit(tmp_path, 1_700_000_000, {"docs/a.md": "a"}, "first")
    dates = PageDates()
    assert dates.refresh(tmp_path) == {"a.md": 1_700_000_000}
    (tmp_path / "docs/a.md").write_text("saved, not committed", encoding="utf-8")
    assert dates.refresh(tmp_path) == {"a.md": 1_700_000_000}
    _commit(tmp_path, 1_700_500_000, {"docs/b.md": "b"}, "second")
    assert dates.refresh(tmp_path) == {"a.md": 1_700_500_000, "b.md": 1_700_500_000}
    subprocess.run(["git", "checkout", "-q", "HEAD~1"], cwd=tmp_path, check=True)
    assert dates.refresh(tmp_path) == {"a.md": 1_700_000_000}


def test_a_folder_that_is_not_a_git_work_tree_yet_gets_dates_once_it_is(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    dates = PageDates()
    assert dates.refresh(tmp_path) == {}
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    _commit(tmp_path, 1_700_000_000, {"docs/a.md": "a"}, "first")
    assert dates.refresh(tmp_path) == {"a.md": 1_700_000_000}
