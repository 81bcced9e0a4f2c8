"""`handbook check-links` speaks only about the Looker instance, and on a pull request only
about the lines it added.

Links to Looker's documentation are not instance links: they are not listed unless asked
(`--all`) and never annotated. With `--changed-since BASE`, links that cannot be judged are
listed (and annotated as warnings) only on lines added since BASE; stale links are errors
wherever they are, as before.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from handbook.links.changed_lines import parse_diff
from handbook.project import Project
from helpers.handbook import run_cli

HOST = "https://sourcegraph.looker.com"
DOCS = "https://cloud.google.com/looker/docs/creating-boards"
OLD_DOCS = "https://docs.looker.com/reference/looks"


def _git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.com",
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def _page(project: Project, name: str, text: str) -> None:
    (project.docs_dir / name).write_text(text, encoding="utf-8")


def test_links_to_lookers_documentation_are_not_listed_by_default(handbook_copy: Project):
    _page(handbook_copy, "tools.md", f"See [boards]({DOCS}), {OLD_DOCS} and {HOST}/x/abc.\n")
    result = run_cli(handbook_copy, "check-links", "docs/tools.md")
    assert result.returncode == 0, result.stderr
    assert DOCS not in result.stdout and OLD_DOCS not in result.stdout
    assert f"docs/tools.md:1:113: unverifiable page /x/abc {HOST}/x/abc" in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "1 Looker link(s) in 1 file(s): 1 unverifiable; 2 link(s) to Looker's documentation, "
        "not checked (--all lists them)"
    )


def test_all_lists_documentation_links_with_their_reason(handbook_copy: Project):
    _page(handbook_copy, "tools.md", f"See [boards]({DOCS}).\n")
    result = run_cli(handbook_copy, "check-links", "--all", "docs/tools.md")
    assert result.returncode == 0, result.stderr
    assert f"docs/tools.md:1:14: unverifiable page {DOCS} {DOCS} (vendor documentation" in (
        result.stdout
    )


def test_github_format_never_annotates_documentation_links_even_with_all(
    handbook_copy: Project,
):
    _page(handbook_copy, "tools.md", f"{DOCS}\n{OLD_DOCS}\n{HOST}/looks/1290\n")
    for extra in ([], ["--all"]):
        result = run_cli(
            handbook_copy, "check-links", "--format", "github", *extra, "docs/tools.md"
        )
        assert result.returncode == 1
        assert result.stdout == (
            "::error file=docs/tools.md,line=3,col=1::deleted Looker look 1290: "
            f"{HOST}/looks/1290 — Old MAU definition (retired)\n"
        )


def _pull_request(project: Project) -> None:
    """A committed handbook, then a change that adds lines to one page and a new page."""
    name = 'team/r\u00e9sum\u00e9 "q".md'  # git C-quotes this name in its diff
    _page(project, name, f"Old short link {HOST}/x/old\nOld stale {HOST}/looks/1290\n")
    _git(project.root, "init", "-q")
    _git(project.root, "add", "-A")
    _git(project.root, "commit", "-qm", "base")
    _page(
        project,
        name,
        f"Old short link {HOST}/x/old\nNew short link {HOST}/x/new\n"
        f"Old stale {HOST}/looks/1290\nNew stale {HOST}/looks/99999\n",
    )
    _page(project, "added.md", f"Home {HOST}/\n")  # not committed: new as a whole


def test_changed_since_warns_only_on_added_lines_and_errors_on_every_stale_link(
    handbook_copy: Project,
):
    _pull_request(handbook_copy)
    page = 'docs/team/r\u00e9sum\u00e9 "q".md'
    result = run_cli(handbook_copy, "check-links", "--format", "github", "--changed-since", "HEAD")
    assert result.returncode == 1, result.stderr
    annotations = result.stdout.splitlines()
    assert [a.split("::")[1] for a in annotations] == [
        "warning file=docs/added.md,line=1,col=6",
        f"warning file={page.replace(',', '%2C')},line=2,col=16",
        f"error file={page},line=3,col=11",
        f"error file={page},line=4,col=11",
    ]
    assert "/x/new" in annotations[1] and "/x/old" not in result.stdout


def test_without_changed_since_every_unjudgeable_instance_link_is_a_warning(
    handbook_copy: Project,
):
    _pull_request(handbook_copy)
    result = run_cli(handbook_copy, "check-links", "--format", "github")
    assert "/x/old" in result.stdout and "/x/new" in result.stdout


def test_changed_since_says_how_many_unjudgeable_links_it_left_out(handbook_copy: Project):
    _pull_request(handbook_copy)
    page = 'docs/team/r\u00e9sum\u00e9 "q".md'
    result = run_cli(handbook_copy, "check-links", "--changed-since", "HEAD", page)
    assert "; 1 unverifiable on unchanged lines not listed" in result.stdout
    assert "/x/old" not in result.stdout and "/x/new" in result.stdout


def test_a_revision_git_does_not_know_is_a_usage_error(handbook_copy: Project):
    _pull_request(handbook_copy)
    result = run_cli(handbook_copy, "check-links", "--changed-since", "no-such-branch")
    assert result.returncode == 2
    assert result.stderr.startswith("error: --changed-since no-such-branch: fatal: ")
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_added_lines_are_read_from_zero_context_hunks():
    diff = (
        "diff --git a/docs/a.md b/docs/a.md\n"
        "--- a/docs/a.md\n+++ b/docs/a.md\n"
        "@@ -3 +3,2 @@\n-x\n+y\n+z\n"
        "@@ -10,2 +12,0 @@\n-gone\n-gone\n"
        "@@ -20,0 +21 @@\n+new\n"
        "diff --git a/docs/b.md b/docs/b.md\ndeleted file mode 100644\n"
        "--- a/docs/b.md\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
    )
    assert parse_diff(diff) == {"docs/a.md": {3, 4, 21}}
