"""`handbook generate`: the generated pages as Markdown under docs/, for engines without plugins.

It writes beside the user's own files, so the tests put files of the user's everywhere it
writes and check that they come through byte for byte, that anything in the way is refused
with nothing written, and that nothing it writes shows up in `git status`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from handbook.catalog import load_catalog
from handbook.project import Project
from handbook.render.pages import all_pages
from helpers.adopter import make_site
from helpers.handbook import run_build, run_cli

NEEDS_GIT = pytest.mark.skipif(not shutil.which("git"), reason="needs git")


def record(project: Project) -> dict:
    return json.loads(project.generate_record.read_text(encoding="utf-8"))


def generated(project: Project) -> list[Path]:
    """Every page, stylesheet and script the last run wrote, from its record."""
    return [project.root / name for name in record(project)["pages"]]


def snapshot_of(paths: list[Path]) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in paths}


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


def expected_pages(project: Project) -> list:
    """What `generate` writes for this handbook: its site's address and name come from
    mkdocs.yml (its `!ENV` default), for the Atom feed."""
    site = "https://sourcegraph.github.io/data-handbook/"
    with_site = replace(project, site_url=site, site_name="Data & Analytics Handbook")
    return list(all_pages(load_catalog(with_site)))


def git_repo(project: Project) -> None:
    """The handbook as a fresh repository with everything in it committed."""
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "config", "user.email", "t@example.invalid")
    git(project.root, "config", "user.name", "T")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "handbook")


def test_generate_writes_every_page_and_the_stylesheet_under_docs(handbook_copy: Project):
    result = run_cli(handbook_copy, "generate")
    assert result.returncode == 0, result.stderr
    docs = handbook_copy.docs_dir
    pages = expected_pages(handbook_copy)
    assert "looker/changes.xml" in {page.path for page in pages}
    for page in pages:
        assert (docs / page.path).read_text(encoding="utf-8") == page.content
    assert ".hb-badge" in (docs / "assets/handbook/handbook.css").read_text(encoding="utf-8")
    assert f"wrote {len(pages) + 3} generated files below docs/" in result.stdout
    assert "hb-filter" in (docs / "assets/handbook/filters.js").read_text(encoding="utf-8")
    exported = json.loads((docs / "catalog.json").read_text(encoding="utf-8"))
    assert "mau" in {m["name"] for m in exported["metrics"]}  # the plugin's export, as a file
    assert (docs / "data" / "index.md").is_file()  # hand-written page beside the board stays
    assert not list(docs.rglob("*.handbook-tmp"))  # no temporary file left behind
    assert len(generated(handbook_copy)) == len(pages) + 3


def test_a_second_run_rewrites_only_the_pages_whose_text_changed(handbook_copy: Project):
    assert run_cli(handbook_copy, "generate").returncode == 0
    mau, index = handbook_copy.docs_dir / "metrics/mau.md", handbook_copy.docs_dir / "index.md"
    untouched = handbook_copy.docs_dir / "metrics/nps.md"
    before = untouched.stat().st_mtime_ns
    yml = handbook_copy.metrics_dir / "product.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace("Monthly active users", "Monthly actives"),
        encoding="utf-8",
    )
    result = run_cli(handbook_copy, "generate")
    assert result.returncode == 0, result.stderr
    # The page, the metrics index, and catalog.json (it says when it was generated).
    assert "wrote 3 generated files below docs/" in result.stdout
    assert "Monthly actives" in mau.read_text(encoding="utf-8")
    assert untouched.stat().st_mtime_ns == before  # `zensical serve` re-renders only the two
    assert index.is_file()


def test_user_files_in_every_folder_generate_writes_to_survive_two_runs(handbook_copy: Project):
    docs = handbook_copy.docs_dir
    logo = docs / "assets" / "logo.png"  # the reported loss: a logo beside the stylesheet
    logo.parent.mkdir()
    logo.write_bytes(b"\x89PNG\r\n\x1a\n logo")
    assert run_cli(handbook_copy, "generate").returncode == 0
    folders = {p.parent for p in generated(handbook_copy)} | {handbook_copy.generate_record.parent}
    mine = [folder / "mine.txt" for folder in sorted(folders)] + [logo]
    for number, path in enumerate(mine):
        if path != logo:
            path.write_text(f"my notes {number}\n", encoding="utf-8")
    # A .gitignore of the user's in a folder generate also writes to.
    (docs / "looker" / ".gitignore").write_text("# mine\n*.tmp\n", encoding="utf-8")
    mine.append(docs / "looker" / ".gitignore")
    before = snapshot_of(mine)
    assert {"metrics", "looker", "reports", "data", "assets"} <= {
        p.relative_to(docs).parts[0] for p in mine if p.is_relative_to(docs)
    }

    for _ in range(2):
        result = run_cli(handbook_copy, "generate")
        assert result.returncode == 0, result.stderr
        assert snapshot_of(mine) == before
    assert (docs / "metrics" / "mau.md").is_file()


def test_a_file_of_the_users_where_a_page_goes_is_refused_and_nothing_is_written(
    handbook_copy: Project,
):
    mine = handbook_copy.docs_dir / "data" / "freshness.md"
    mine.write_text("# Our own freshness notes\n", encoding="utf-8")
    result = run_cli(handbook_copy, "generate")
    assert result.returncode == 1
    assert (
        "docs/data/freshness.md: error: the generated page docs/data/freshness.md "
        "(from catalog/sources/"
    ) in result.stderr
    assert "which `handbook generate` did not write" in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert mine.read_text(encoding="utf-8") == "# Our own freshness notes\n"
    assert not (handbook_copy.docs_dir / "metrics").exists()
    assert not handbook_copy.generate_record.exists()


def test_a_generated_page_edited_by_hand_is_refused_not_overwritten(handbook_copy: Project):
    assert run_cli(handbook_copy, "generate").returncode == 0
    page = handbook_copy.docs_dir / "metrics" / "mau.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMy addition.\n", encoding="utf-8")
    edited = page.read_bytes()
    result = run_cli(handbook_copy, "generate")
    assert result.returncode == 1
    assert "docs/metrics/mau.md: error: the generated page docs/metrics/mau.md" in result.stderr
    assert "or which was changed since" in result.stderr
    assert page.read_bytes() == edited


def test_a_file_where_generate_needs_a_folder_is_refused(handbook_copy: Project):
    (handbook_copy.docs_dir / "reports").write_text("not a folder\n", encoding="utf-8")
    result = run_cli(handbook_copy, "generate")
    assert result.returncode == 1
    assert (
        "docs/reports: error: the generated page docs/reports/index.md (from "
        "catalog/reports.yml) needs a folder here"
    ) in result.stderr
    assert (handbook_copy.docs_dir / "reports").read_text(encoding="utf-8") == "not a folder\n"


def test_the_page_of_a_deleted_metric_goes_unless_it_was_edited(handbook_copy: Project):
    assert run_cli(handbook_copy, "generate").returncode == 0
    docs = handbook_copy.docs_dir
    edited = docs / "metrics" / "nps.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMine now.\n", encoding="utf-8")
    catalog = load_catalog(handbook_copy)
    for name in ("nps", "total_searches"):  # two metrics nothing else names
        metric = next(m for m in catalog.metrics if m.name == name)
        path = handbook_copy.root / metric.file
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        start = metric.line_of("name") - 1
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("  - name:")),
            len(lines),
        )
        path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    result = run_cli(handbook_copy, "generate")
    assert result.returncode == 0, result.stderr
    assert not (docs / "metrics" / "total_searches.md").exists()
    assert "1 removed" in result.stdout
    assert edited.read_text(encoding="utf-8").endswith("Mine now.\n")
    assert "kept docs/metrics/nps.md: no longer generated, but changed since" in result.stderr


def test_the_page_of_an_owner_with_nothing_unused_left_goes(handbook_copy: Project):
    assert run_cli(handbook_copy, "generate").returncode == 0
    andy = handbook_copy.docs_dir / "looker/unused/andy-schumeister-829499e2.md"
    assert "Marketing site traffic" in andy.read_text(encoding="utf-8")
    snapshot = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))
    (item,) = [i for i in snapshot["items"] if i["owner"] == "Andy Schumeister"]
    item["last_viewed_at"] = snapshot["pulled_at"]  # viewed at the next pull: in use
    handbook_copy.looker_snapshot.write_text(json.dumps(snapshot), encoding="utf-8")
    result = run_cli(handbook_copy, "generate")
    assert result.returncode == 0, result.stderr
    assert not andy.exists()
    assert "1 removed" in result.stdout
    assert "looker/unused/andy-schumeister-829499e2.md" not in " ".join(
        record(handbook_copy)["pages"]
    )
    summary = (handbook_copy.docs_dir / "looker/unused.md").read_text(encoding="utf-8")
    assert "Andy Schumeister" not in summary
    assert (handbook_copy.docs_dir / "looker/unused/nick-gage-541fe7c1.md").is_file()


def test_the_old_generates_folders_are_taken_over_and_the_users_files_kept(
    handbook_copy: Project,
):
    """What the old `generate` left: marked folders, whole-folder swaps, a logo inside."""
    docs = handbook_copy.docs_dir
    pages = expected_pages(handbook_copy)
    for page in pages:
        (docs / page.path).parent.mkdir(parents=True, exist_ok=True)
        (docs / page.path).write_text("# an older version\n", encoding="utf-8")
    (docs / "assets" / "handbook").mkdir(parents=True)
    (docs / "assets" / "handbook" / "handbook.css").write_text("/* old */\n", encoding="utf-8")
    for top in ("metrics", "looker", "reports", "assets"):
        (docs / top / ".handbook-generated").write_text(
            "written by `handbook generate`\n", encoding="utf-8"
        )
    logo = docs / "assets" / "logo.png"
    logo.write_bytes(b"logo")
    result = run_cli(handbook_copy, "generate")
    assert result.returncode == 0, result.stderr
    assert logo.read_bytes() == b"logo"
    assert not list(docs.glob("*/.handbook-generated"))
    for page in pages:
        assert (docs / page.path).read_text(encoding="utf-8") == page.content
    assert ".hb-badge" in (docs / "assets/handbook/handbook.css").read_text(encoding="utf-8")


@pytest.mark.parametrize("strict", [False, True], ids=["plain", "strict"])
def test_a_broken_reference_is_a_warning_unless_strict(handbook_copy: Project, strict: bool):
    page = handbook_copy.docs_dir / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[[metric:maus]]\n", encoding="utf-8")
    result = run_cli(handbook_copy, "generate", *(["--strict"] if strict else []))
    severity = "error" if strict else "warning"
    assert "docs/index.md:" in result.stderr
    assert f": {severity}: reference [[metric:maus]]: unknown metric 'maus'" in result.stderr
    assert "Traceback" not in result.stderr
    if strict:
        assert result.returncode == 1 and "nothing was written" in result.stderr
        assert not (handbook_copy.docs_dir / "metrics").exists()
    else:
        assert result.returncode == 0, result.stderr
        assert (handbook_copy.docs_dir / "metrics" / "mau.md").is_file()


def test_a_yaml_mistake_writes_nothing(handbook_copy: Project):
    yml = handbook_copy.metrics_dir / "product.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "  - name: [broken\n", encoding="utf-8")
    result = run_cli(handbook_copy, "generate")
    assert result.returncode == 1
    assert "catalog/metrics/product.yml:" in result.stderr and "Traceback" not in result.stderr
    assert "nothing was written" in result.stderr
    assert not (handbook_copy.docs_dir / "metrics").exists()


def test_pages_dir_puts_the_pages_in_one_folder(handbook_copy: Project):
    result = run_cli(handbook_copy, "generate", "--pages-dir", "catalog")
    assert result.returncode == 0, result.stderr
    docs = handbook_copy.docs_dir
    assert (docs / "catalog" / "metrics" / "mau.md").is_file()
    assert (docs / "catalog" / "data" / "freshness.md").is_file()
    assert not (docs / "metrics").exists()
    assert record(handbook_copy)["pages_dir"] == "catalog"


def test_no_directory_urls_builds_the_lineage_links_for_file_urls(handbook_copy: Project):
    result = run_cli(handbook_copy, "generate", "--no-directory-urls")
    assert result.returncode == 0, result.stderr
    mau = (handbook_copy.docs_dir / "metrics" / "mau.md").read_text(encoding="utf-8")
    # The SVG's links are raw HTML, which no engine rewrites: built for metrics/mau.html.
    assert 'href="../data/freshness.html#' in mau
    assert 'href="../../data/freshness/' not in mau
    default = run_cli(handbook_copy, "generate")
    assert default.returncode == 0, default.stderr
    mau = (handbook_copy.docs_dir / "metrics" / "mau.md").read_text(encoding="utf-8")
    assert 'href="../../data/freshness/#' in mau


# --- git --------------------------------------------------------------------------------------
@NEEDS_GIT
def test_nothing_generate_writes_shows_in_git_status(handbook_copy: Project):
    logo = handbook_copy.docs_dir / "assets" / "logo.png"  # a committed folder of the user's
    logo.parent.mkdir()
    logo.write_bytes(b"logo")
    git_repo(handbook_copy)
    for _ in range(2):
        assert run_cli(handbook_copy, "generate").returncode == 0
        assert git(handbook_copy.root, "status", "--porcelain", "--untracked-files=all") == ""
    # What a run killed between writing and renaming would leave behind is ignored too.
    (handbook_copy.docs_dir / "metrics" / ".mau.md.0123abcd.handbook-tmp").write_text("x")
    assert git(handbook_copy.root, "status", "--porcelain", "--untracked-files=all") == ""
    # A page the user adds beside the generated ones is not hidden from git.
    (handbook_copy.docs_dir / "metrics" / "notes.md").write_text("# Notes\n", encoding="utf-8")
    status = git(handbook_copy.root, "status", "--porcelain", "--untracked-files=all")
    assert status == "?? docs/metrics/notes.md\n"


@NEEDS_GIT
def test_a_folder_with_the_users_own_gitignore_is_excluded_through_git_info(
    handbook_copy: Project,
):
    theirs = handbook_copy.docs_dir / "data" / ".gitignore"
    theirs.write_text("*.bak\n", encoding="utf-8")
    git_repo(handbook_copy)
    exclude = handbook_copy.root / ".git" / "info" / "exclude"
    exclude.write_text("# mine\n*.swp\n", encoding="utf-8")
    assert run_cli(handbook_copy, "generate").returncode == 0
    assert theirs.read_text(encoding="utf-8") == "*.bak\n"
    assert git(handbook_copy.root, "status", "--porcelain", "--untracked-files=all") == ""
    text = exclude.read_text(encoding="utf-8")
    assert text.startswith("# mine\n*.swp\n") and "/docs/data/freshness.md\n" in text
    assert run_cli(handbook_copy, "generate").returncode == 0
    assert exclude.read_text(encoding="utf-8") == text  # the block is rewritten, not added


@NEEDS_GIT
@pytest.mark.slow
def test_a_mkdocs_build_with_the_plugin_leaves_nothing_for_git_either(tmp_path: Path):
    root = make_site(tmp_path / "shop")
    git_repo(Project(root))
    assert run_build(root, site_dir=str(tmp_path / "site")).returncode == 0
    assert (root / ".cache" / "handbook" / "pages").is_dir()  # the plugin's cache is there
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
