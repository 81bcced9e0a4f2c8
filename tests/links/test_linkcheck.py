"""`handbook check-links`: finding Looker URLs in Markdown and judging them against Looker.

Scanning tests feed small strings to `scan_text`; status and format tests run against a copy
of the seed snapshot (look 729 published, look 1290 and dashboard 101 in the trash, look 1500
in the excluded Finance folder, look 1600 in a personal folder); exit codes go through the
real console script; --live talks to the fake Looker server over HTTP.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from handbook.links.check import check_links, format_github, format_json, format_text
from handbook.markdown.linkscan import HostMatcher, scan_text
from handbook.project import Project
from helpers.handbook import clean_env, run_cli

HOST = "https://sourcegraph.looker.com"
LOOKER = HostMatcher(HOST)


def found(text: str) -> list[tuple[int, int, str, str, str]]:
    return [(f.line, f.column, f.url, f.kind, f.id) for f in scan_text(text, LOOKER)]


def urls(text: str) -> list[str]:
    return [f.url for f in scan_text(text, LOOKER)]


# --- Scanning: syntaxes --------------------------------------------------------------------------
def test_inline_link_is_found_with_line_and_column() -> None:
    text = "# T\n\nSee [MAU](https://sourcegraph.looker.com/looks/729) now.\n"
    assert found(text) == [(3, 11, f"{HOST}/looks/729", "look", "729")]


def test_reference_definition_plain_and_angle_bracketed() -> None:
    text = f'[a]: {HOST}/looks/1\n[b]: <{HOST}/dashboards/2> "title"\n'
    assert found(text) == [
        (1, 6, f"{HOST}/looks/1", "look", "1"),
        (2, 7, f"{HOST}/dashboards/2", "dashboard", "2"),
    ]


def test_autolink_ends_at_the_angle_bracket() -> None:
    assert urls(f"Go to <{HOST}/looks/5>.") == [f"{HOST}/looks/5"]


def test_bare_url_in_parentheses_drops_the_paren_and_the_full_stop() -> None:
    assert urls(f"(see {HOST}/looks/1).") == [f"{HOST}/looks/1"]


@pytest.mark.parametrize("tail", [".", ",", ";", ":", "!", "?", "**", ")", "),", "_", "~", "'"])
def test_trailing_punctuation_is_not_part_of_the_url(tail: str) -> None:
    assert urls(f"x {HOST}/looks/7{tail} y") == [f"{HOST}/looks/7"]


def test_a_bracket_after_a_bare_url_stays_in_it_as_github_renders_it() -> None:
    # GFM keeps `]` in a bare URL: the link GitHub renders leads to `/looks/7]`, which is no
    # look id, so the check lists it as a page it cannot judge rather than as look 7.
    assert found(f"x {HOST}/looks/7] y") == [(1, 3, f"{HOST}/looks/7]", "page", "/looks/7]")]


def test_an_inline_link_ends_at_its_parenthesis_whatever_follows() -> None:
    text = f"[text]({HOST}/dashboards/57):This and [](<{HOST}/looks/1>)[Looker]({HOST}/looks/2)"
    at = [text.index(f"{HOST}/{path}") + 1 for path in ("dashboards/57", "looks/1", "looks/2")]
    assert found(text) == [
        (1, at[0], f"{HOST}/dashboards/57", "dashboard", "57"),
        (1, at[1], f"{HOST}/looks/1", "look", "1"),
        (1, at[2], f"{HOST}/looks/2", "look", "2"),
    ]


def test_balanced_parentheses_and_brackets_inside_a_url_are_kept() -> None:
    url = f"{HOST}/explore/product/instances?f[users.created]=7&sorts=(a)"
    assert urls(f"[q]({url})") == [url]


def test_percent_encoded_filters_are_kept_and_do_not_change_the_target() -> None:
    url = f"{HOST}/looks/729?f%5Busers.created_date%5D=7%20days&toggle=fil"
    assert found(f"[q]({url}).") == [(1, 5, url, "look", "729")]


def test_html_href_in_double_and_single_quotes() -> None:
    text = f"<a href=\"{HOST}/looks/1\">one</a> <a href='{HOST}/looks/2'>two</a>"
    assert urls(text) == [f"{HOST}/looks/1", f"{HOST}/looks/2"]


def test_links_inside_table_cells_stop_at_the_cell_border() -> None:
    text = f"| a | b |\n|---|---|\n| [x]({HOST}/looks/1) |{HOST}/dashboards/3|\n"
    assert found(text) == [
        (3, 7, f"{HOST}/looks/1", "look", "1"),
        (3, 48, f"{HOST}/dashboards/3", "dashboard", "3"),
    ]


def test_several_urls_on_one_line_get_their_own_columns() -> None:
    line = f"{HOST}/looks/1 and {HOST}/looks/2"
    assert [(f.column, f.id) for f in scan_text(line, LOOKER)] == [
        (1, "1"),
        (len(HOST) + 14, "2"),
    ]


def test_columns_count_characters_not_bytes() -> None:
    assert found(f"é—ü {HOST}/looks/1")[0][1] == 5


# --- Scanning: URL shapes ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "kind", "item_id"),
    [
        ("/looks/729", "look", "729"),
        ("/looks/729/", "look", "729"),
        ("/dashboards/177", "dashboard", "177"),
        ("/dashboards-next/177", "dashboard", "177"),
        ("/dashboards/product::executive_summary", "dashboard", "product::executive_summary"),
        ("/dashboards/product%3A%3Aexecutive_summary", "dashboard", "product::executive_summary"),
        ("/explore/product/instances", "explore", "product/instances"),
        ("/folders/120", "folder", "120"),
        ("/spaces/120", "folder", "120"),
        ("/boards/12", "board", "12"),
        ("/browse/boards/12", "board", "12"),
        ("/embed/dashboards/177", "dashboard", "177"),
        ("/embed/looks/729", "look", "729"),
        ("/embed/explore/product/instances", "explore", "product/instances"),
        ("/login/embed/%2Fembed%2Fdashboards%2F177%3Ftheme%3Ddark", "dashboard", "177"),
        ("/embed/boards/12", "board", "12"),
    ],
)
def test_looker_content_paths_are_recognised(path: str, kind: str, item_id: str) -> None:
    assert found(f"{HOST}{path}") == [(1, 1, f"{HOST}{path}", kind, item_id)]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (f"{HOST}", "home page"),
        (f"{HOST}/", "home page"),
        (f"{HOST}/browse", "browse page"),
        (f"{HOST}/browse/recent", "browse page"),
        (f"{HOST}/projects/product/files/views/usage.view.lkml", "LookML project"),
        (f"{HOST}/merge?mid=42", "merged results"),
        (f"{HOST}/x/AbC123", "short links"),
        (f"{HOST}/looks/new", "not catalog content"),
        (f"{HOST}/folders/home", "not catalog content"),
        ("https://docs.looker.com/reference/looks", "vendor documentation"),
        ("https://cloud.google.com/looker/docs/creating-boards", "vendor documentation"),
    ],
)
def test_looker_urls_that_name_no_content_are_pages_with_a_reason(url: str, reason: str) -> None:
    [link] = scan_text(url, LOOKER)
    assert link.kind == "page" and reason in (link.reason or "")


@pytest.mark.parametrize(
    "url", ["https://example.com/looks/1", "https://looker.com.evil.example/looks/1"]
)
def test_non_looker_urls_are_ignored(url: str) -> None:
    assert urls(url) == []


def test_any_looker_dot_com_host_counts_as_well_as_the_configured_one() -> None:
    assert urls("https://other.cloud.looker.com/looks/3") == [
        "https://other.cloud.looker.com/looks/3"
    ]
    custom = HostMatcher("https://bi.example.com")
    assert [f.id for f in scan_text("https://bi.example.com/looks/4", custom)] == ["4"]


# --- Scanning: code is skipped ---------------------------------------------------------------
def test_fenced_code_blocks_are_skipped_with_backticks_and_tildes() -> None:
    text = (
        f"```\n{HOST}/looks/1\n```\n"
        f"~~~~ text\n{HOST}/looks/2\n```\nstill code {HOST}/looks/3\n~~~~\n"
        f"after {HOST}/looks/4\n"
    )
    assert found(text) == [(9, 7, f"{HOST}/looks/4", "look", "4")]


def test_inline_code_is_skipped_but_the_rest_of_the_line_is_not() -> None:
    text = f"`{HOST}/looks/1` and ``a ` {HOST}/looks/2`` but {HOST}/looks/3"
    assert [f.id for f in scan_text(text, LOOKER)] == ["3"]


def test_an_unmatched_backtick_does_not_hide_a_link() -> None:
    assert urls(f"it`s {HOST}/looks/3") == [f"{HOST}/looks/3"]


def test_indented_code_is_skipped_but_admonition_and_list_bodies_are_scanned() -> None:
    text = (
        "Para.\n\n"
        f"    {HOST}/looks/1\n\n"  # indented code
        "!!! note\n"
        f"    {HOST}/looks/2\n\n"  # admonition body: prose
        f"        {HOST}/looks/3\n\n"  # code inside the admonition
        "- item\n\n"
        f"  {HOST}/looks/4\n"  # list continuation: prose
        "    ```\n"
        f"    {HOST}/looks/5\n"  # fence inside the list
        "    ```\n"
    )
    assert [f.id for f in scan_text(text, LOOKER)] == ["2", "4"]


def test_a_url_followed_by_a_pathological_run_of_closers_is_trimmed_to_the_url() -> None:
    # Speed on such input is measured in scripts/bench_render.py, not asserted here.
    text = f"{HOST}/looks/1" + ")" * 200_000 + " " + "`" * 50_000 + "\n"
    assert urls(text) == [f"{HOST}/looks/1"]


# --- Statuses against the seed snapshot -------------------------------------------------------
PAGE = f"""# Links

- ok look: [MAU]({HOST}/looks/729)
- deleted look: {HOST}/looks/1290
- deleted dashboard: <{HOST}/dashboards/101>
- missing look: {HOST}/looks/99999
- excluded look (Finance): {HOST}/looks/1500
- excluded look (personal folder): {HOST}/looks/1600
- ok LookML dashboard: {HOST}/dashboards/product::executive_summary
- ok explore: {HOST}/explore/product/instances
- missing explore: {HOST}/explore/product/nope
- ok folder: {HOST}/folders/120
- excluded folder: {HOST}/spaces/151
- missing folder: {HOST}/folders/4242
- ok board: {HOST}/boards/12
- deleted board: {HOST}/browse/boards/20
- excluded board (exclude_boards): {HOST}/embed/boards/30
- missing board: {HOST}/boards/3
- short link: {HOST}/x/abc
"""


@pytest.fixture
def page(handbook_copy: Project) -> Path:
    path = handbook_copy.docs_dir / "links-under-test.md"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_each_link_gets_its_status_from_the_snapshot(handbook_copy: Project, page: Path) -> None:
    report = check_links(handbook_copy, [page])
    assert [(r.kind, r.id, r.status) for r in report.results] == [
        ("look", "729", "ok"),
        ("look", "1290", "deleted"),
        ("dashboard", "101", "deleted"),
        ("look", "99999", "missing"),
        ("look", "1500", "excluded"),
        ("look", "1600", "excluded"),
        ("dashboard", "product::executive_summary", "ok"),
        ("explore", "product/instances", "ok"),
        ("explore", "product/nope", "missing"),
        ("folder", "120", "ok"),
        ("folder", "151", "excluded"),
        ("folder", "4242", "missing"),
        ("board", "12", "ok"),
        ("board", "20", "deleted"),
        ("board", "30", "excluded"),
        ("board", "3", "missing"),
        ("page", "/x/abc", "unverifiable"),
    ]
    assert report.results[0].title == "Monthly users by instance type"
    assert report.results[-5].title == "Customer success"
    assert report.results[-1].reason == "short links (/x/…) resolve only on the Looker server"


def test_a_link_the_policy_stops_excluding_becomes_ok(handbook_copy: Project, page: Path) -> None:
    handbook_copy.looker_policy.write_text(f"base_url: {HOST}\nexclude_folders: []\n")
    statuses = {r.id: r.status for r in check_links(handbook_copy, [page]).results}
    assert statuses["1500"] == "ok"
    assert statuses["1600"] == "excluded"  # personal folders stay private regardless


# --- Output formats ----------------------------------------------------------------------------
SMALL = f"Read [this]({HOST}/looks/729) (not {HOST}/looks/1290).\n\n| [b]({HOST}/x/3) |\n| - |\n"


@pytest.fixture
def small(handbook_copy: Project) -> Path:
    path = handbook_copy.docs_dir / "small.md"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_text_format_lists_problems_and_a_summary(handbook_copy: Project, small: Path) -> None:
    assert format_text(check_links(handbook_copy, [small])) == (
        f"docs/small.md:1:60: deleted look 1290 {HOST}/looks/1290 — Old MAU definition (retired)\n"
        f"docs/small.md:3:7: unverifiable page /x/3 {HOST}/x/3"
        " (short links (/x/…) resolve only on the Looker server)\n"
        "3 Looker link(s) in 1 file(s): 1 ok, 1 deleted, 1 unverifiable\n"
    )


def test_text_format_verbose_lists_ok_links_too(handbook_copy: Project, small: Path) -> None:
    first = format_text(check_links(handbook_copy, [small]), verbose=True).splitlines()[0]
    assert first == (
        f"docs/small.md:1:13: ok look 729 {HOST}/looks/729 — Monthly users by instance type"
    )


def test_json_format_is_a_list_of_every_link(handbook_copy: Project, small: Path) -> None:
    data = json.loads(format_json(check_links(handbook_copy, [small])))
    assert data[1] == {
        "file": "docs/small.md",
        "line": 1,
        "column": 60,
        "url": f"{HOST}/looks/1290",
        "kind": "look",
        "id": "1290",
        "status": "deleted",
        "title": "Old MAU definition (retired)",
        "reason": None,
        "syntax": "bare",
    }
    assert [d["status"] for d in data] == ["ok", "deleted", "unverifiable"]


def test_github_format_errors_for_stale_and_warns_for_unverifiable(
    handbook_copy: Project, small: Path
) -> None:
    assert format_github(check_links(handbook_copy, [small])) == (
        "::error file=docs/small.md,line=1,col=60::deleted Looker look 1290: "
        f"{HOST}/looks/1290 — Old MAU definition (retired)\n"
        "::warning file=docs/small.md,line=3,col=7::unverifiable Looker page /x/3: "
        f"{HOST}/x/3 (short links (/x/…) resolve only on the Looker server)\n"
    )


# --- The command -------------------------------------------------------------------------------
def test_exit_code_is_1_when_a_link_is_stale(handbook_copy: Project, page: Path) -> None:
    result = run_cli(handbook_copy, "check-links", "docs/links-under-test.md")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "17 Looker link(s) in 1 file(s): 5 ok, 3 deleted, 4 missing, 4 excluded, 1 unverifiable"
    )


def test_exit_code_is_0_when_links_are_ok_or_unverifiable(handbook_copy: Project) -> None:
    path = handbook_copy.docs_dir / "fine.md"
    path.write_text(f"[a]({HOST}/looks/729) {HOST}/x/abc\n", encoding="utf-8")
    result = run_cli(handbook_copy, "check-links", "--format", "json", "docs/fine.md")
    assert result.returncode == 0, result.stderr
    assert [d["status"] for d in json.loads(result.stdout)] == ["ok", "unverifiable"]


def test_default_path_is_the_docs_folder_recursively(handbook_copy: Project) -> None:
    for old in handbook_copy.docs_dir.rglob("*.md"):
        old.unlink()
    nested = handbook_copy.docs_dir / "deep" / "er"
    nested.mkdir(parents=True)
    (nested / "page.md").write_text(f"{HOST}/dashboards/101\n", encoding="utf-8")
    result = run_cli(handbook_copy, "check-links", "--format", "github")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("::error file=docs/deep/er/page.md,line=1,col=1::deleted ")


def test_a_path_that_does_not_exist_is_an_error_not_a_pass(handbook_copy: Project) -> None:
    result = run_cli(handbook_copy, "check-links", "docs/nope.md")
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr


def test_a_broken_snapshot_is_reported_with_its_file(handbook_copy: Project, page: Path) -> None:
    handbook_copy.looker_snapshot.write_text("{not json", encoding="utf-8")
    result = run_cli(handbook_copy, "check-links", "docs/links-under-test.md")
    assert result.returncode == 2
    assert "catalog/snapshot/looker.json" in result.stderr


# --- --live against the fake Looker ------------------------------------------------------------
@pytest.fixture
def fake_looker(handbook_copy: Project):
    from fakes.fake_looker import FakeLooker, from_snapshot

    with FakeLooker(from_snapshot(handbook_copy.looker_snapshot)) as looker:
        yield looker


def live_env(looker) -> dict[str, str]:
    env = {**clean_env(), **looker.env()}
    env.update(HANDBOOK_RETRY_ATTEMPTS="1", HANDBOOK_RETRY_BASE_SECONDS="0")
    return env


def test_live_check_batches_ids_so_many_urls_take_few_requests(
    handbook_copy: Project, fake_looker
) -> None:
    ids = ["729", "1290", "1500", *(str(n) for n in range(20000, 20250))]
    lines = [f"- [{i}]({HOST}/looks/{i}) and <{HOST}/dashboards/{n}>" for n, i in enumerate(ids)]
    lines += [f"again: {HOST}/looks/{i}" for i in ids]  # repeats cost nothing
    (handbook_copy.docs_dir / "many.md").write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run_cli(
        handbook_copy, "check-links", "--live", "docs/many.md", env=live_env(fake_looker)
    )

    assert result.returncode == 1, result.stderr
    urls_checked = 3 * len(ids)
    searches = fake_looker.requests_to("/looks/search") + fake_looker.requests_to(
        "/dashboards/search"
    )
    # 253 look ids and 253 dashboard ids: 3 batches of ≤100 per kind, each asked again for
    # trashed content at most once.
    assert len(searches) <= 12
    assert len(fake_looker.log) <= 13 < urls_checked
    assert f"verified live in {len(fake_looker.log)} request(s)" in result.stdout
    assert f"{urls_checked} Looker link(s)" in result.stdout


def test_live_answers_replace_the_snapshot_for_looks_and_dashboards(
    handbook_copy: Project, fake_looker
) -> None:
    for row in fake_looker.data.looks:
        if row["id"] == "729":
            row["deleted"] = True  # trashed since the snapshot was pulled
        if row["id"] == "1290":
            row["deleted"] = False  # restored from the trash
    page = handbook_copy.docs_dir / "live.md"
    page.write_text(
        f"{HOST}/looks/729 {HOST}/looks/1290 {HOST}/looks/1500 {HOST}/looks/424242\n"
        f"{HOST}/folders/120 {HOST}/x/1\n",
        encoding="utf-8",
    )
    result = run_cli(
        handbook_copy,
        "check-links",
        "--live",
        "--format",
        "json",
        "docs/live.md",
        env=live_env(fake_looker),
    )
    assert result.returncode == 1, result.stderr
    assert [(d["id"], d["status"]) for d in json.loads(result.stdout)] == [
        ("729", "deleted"),
        ("1290", "ok"),
        ("1500", "excluded"),  # the policy still applies to what Looker returns
        ("424242", "missing"),
        ("120", "ok"),  # folders still come from the snapshot
        ("/x/1", "unverifiable"),
    ]


def test_live_checks_boards_too_with_one_listing_request(
    handbook_copy: Project, fake_looker
) -> None:
    boards = {row["id"]: row for row in fake_looker.data.boards}
    boards["12"]["deleted_at"] = "2026-11-24T09:00:00.000+00:00"  # trashed since the pull
    boards["20"]["deleted_at"] = None  # restored from the trash
    fake_looker.data.boards.append({**boards["14"], "id": "77", "title": "Brand new board"})
    page = handbook_copy.docs_dir / "boards.md"
    page.write_text(
        f"{HOST}/boards/12 {HOST}/browse/boards/20 {HOST}/boards/30 {HOST}/boards/77\n"
        f"{HOST}/boards/424242 {HOST}/boards/14 again {HOST}/boards/12\n",
        encoding="utf-8",
    )
    result = run_cli(
        handbook_copy,
        "check-links",
        "--live",
        "--format",
        "json",
        "docs/boards.md",
        env=live_env(fake_looker),
    )
    assert result.returncode == 1, result.stderr
    assert [(d["id"], d["status"], d["title"]) for d in json.loads(result.stdout)] == [
        ("12", "deleted", "Customer success"),
        ("20", "ok", "Old onboarding board"),
        ("30", "excluded", "Finance leadership"),  # exclude_boards still applies
        ("77", "ok", "Brand new board"),  # not in the snapshot, but Looker has it
        ("424242", "missing", None),
        ("14", "ok", "Growth"),
        ("12", "deleted", "Customer success"),
    ]
    # One listing with a small projection for every board of the run, never one per board.
    listings = fake_looker.requests_to("/boards")
    assert len(listings) == 1
    assert listings[0].query["fields"] == "id,title,deleted_at"
    assert [r.path for r in fake_looker.log if r.path.startswith("/boards/")] == []
    assert fake_looker.violations == []


def test_live_failure_is_a_clear_error_with_exit_code_2(
    handbook_copy: Project, fake_looker
) -> None:
    from fakes.fake_looker import Fault

    fake_looker.inject("/looks/search", Fault("status", status=503, times=None))
    (handbook_copy.docs_dir / "one.md").write_text(f"{HOST}/looks/729\n", encoding="utf-8")
    result = run_cli(
        handbook_copy, "check-links", "--live", "docs/one.md", env=live_env(fake_looker)
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "error: the live check could not ask Looker: looker:" in result.stderr
    assert "Traceback" not in result.stderr


def test_live_without_looker_links_makes_no_requests(handbook_copy: Project, fake_looker) -> None:
    (handbook_copy.docs_dir / "none.md").write_text(f"{HOST}/folders/120\n", encoding="utf-8")
    result = run_cli(
        handbook_copy, "check-links", "--live", "docs/none.md", env=live_env(fake_looker)
    )
    assert result.returncode == 0, result.stderr
    assert fake_looker.log == []
