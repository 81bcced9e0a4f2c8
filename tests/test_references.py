"""`[[kind:target]]` references in handbook Markdown, expanded against the build's catalog."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import REPO, run_build, run_cli
from handbook.catalog import Catalog, load_catalog
from handbook.markdown.references import expand_page
from handbook.project import Project

LOGGER = "mkdocs.plugins.handbook"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(Project(REPO))  # reads only


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelname == "WARNING"]


def test_metric_links_to_its_page_relative_to_the_page_with_status(catalog: Catalog):
    out = expand_page("Usage is [[metric:mau]].\n", "team/index.md", catalog)
    assert out.startswith(
        "Usage is [Monthly active users](../metrics/mau.md) "
        '<span class="hb-badge hb-badge--certified"'
    )
    assert ">certified</span>." in out
    assert expand_page("[[metric:nps]]", "index.md", catalog).startswith(
        "[Net Promoter Score](metrics/nps.md) "
    )
    draft = expand_page("[[metric:lines_of_code_indexed|LOC]]", "data/index.md", catalog)
    assert draft.startswith("[LOC](../metrics/lines_of_code_indexed.md) ")
    assert ">draft</span>" in draft


def test_looks_and_dashboards_show_live_title_owner_and_views(catalog: Catalog):
    out = expand_page("See [[look:729]].", "index.md", catalog)
    assert out == (
        "See [Monthly users by instance type](<https://sourcegraph.looker.com/looks/729>) "
        '<small class="hb-ref-note">(look · Eric Brody&#45;Moore · '
        f"{catalog.items[('look', '729')].view_count:,} views)</small>."
    )
    labelled = expand_page("[[dashboard:177|Support]]", "index.md", catalog)
    assert labelled.startswith("[Support](<https://sourcegraph.looker.com/dashboards/177>) ")
    assert "dashboard · Customer support tickets · Kelsey Brown" in labelled
    lookml = expand_page("[[dashboard:product::executive_summary]]", "index.md", catalog)
    assert lookml.startswith(
        "[Executive summary &#40;LookML&#41;]"
        "(<https://sourcegraph.looker.com/dashboards/product::executive_summary>)"
    )


def test_freshness_shows_the_source_badge_and_links_to_the_freshness_page(catalog: Catalog):
    out = expand_page("HubSpot: [[freshness:hubspot]]", "tools/looker.md", catalog)
    assert out.startswith(
        'HubSpot: [HubSpot](../data/freshness.md) <span class="hb-badge hb-badge--'
    )
    assert "SLA: warn after 8 days, error after 15 days" in out


def test_code_spans_fences_and_indented_code_are_untouched(catalog: Catalog, caplog):
    page = (
        "Inline `[[metric:mau]]` and ``a ` [[metric:nope]] `` stay.\n"
        "\n"
        "```markdown\n"
        "[[metric:nope]]\n"
        "```\n"
        "\n"
        "~~~~\n"
        "```\n"
        "[[look:1]]\n"
        "~~~~\n"
        "\n"
        "    [[metric:nope]] is indented code\n"
        "\n"
        "!!! note\n"
        "\n"
        "    Inside an admonition [[metric:dau_mau]] is expanded.\n"
    )
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = expand_page(page, "editing/index.md", catalog)
    assert warnings(caplog) == []
    expected = page.replace(
        "[[metric:dau_mau]]", out.split("admonition ", 1)[1].split(" is expanded")[0]
    )
    assert out == expected
    assert "[DAU/MAU ratio](../metrics/dau_mau.md)" in out


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (
            "[[metric:maus]]",
            "docs/team/index.md:3: reference [[metric:maus]]: unknown metric 'maus'\n"
            "    fix: did you mean 'mau'? names are defined in catalog/metrics/*.yml",
        ),
        (
            "[[look:1290]]",
            "docs/team/index.md:3: reference [[look:1290]]: look 1290 is in Looker's trash "
            "(deleted)\n    fix: remove it, or restore it in Looker and run `handbook refresh`",
        ),
        (
            "[[look:1500|ARR]]",
            "docs/team/index.md:3: reference [[look:1500|ARR]]: look 1500 is in a folder "
            "excluded from publishing\n"
            "    fix: link published content instead, or change exclude_folders in "
            "catalog/looker.yml",
        ),
        (
            "[[dashboard:4242]]",
            "docs/team/index.md:3: reference [[dashboard:4242]]: dashboard 4242 is not in the "
            "Looker snapshot\n"
            "    fix: check the id (the number in its Looker URL), then run `handbook refresh`; "
            "or remove it",
        ),
        (
            "[[freshness:hubspt]]",
            "docs/team/index.md:3: reference [[freshness:hubspt]]: unknown data source "
            "'hubspt'\n    fix: did you mean 'hubspot'? names are defined in "
            "catalog/sources/*.yml",
        ),
    ],
)
def test_unresolved_reference_warns_with_file_line_and_renders_inert(
    catalog: Catalog, caplog, ref: str, message: str
):
    page = f"# Team\n\nSee {ref} here.\n"
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = expand_page(page, "team/index.md", catalog)
    assert warnings(caplog) == [message]
    line = out.splitlines()[2]
    assert "](" not in line and "[[" not in line  # no link, and not a reference any more
    assert "Quarterly ARR" not in out  # an excluded item's title never leaks


def test_line_numbers_count_front_matter_mkdocs_strips(tmp_path: Path, caplog):
    project = Project(REPO)
    catalog = load_catalog(project)
    docs = tmp_path / "docs"
    (docs / "team").mkdir(parents=True)
    source = "---\ntitle: Team\n---\n\n# Team\n\n[[metric:nope]]\n"
    (docs / "team" / "x.md").write_text(source, encoding="utf-8")
    catalog.project = Project(tmp_path)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        expand_page("# Team\n\n[[metric:nope]]\n", "team/x.md", catalog)
    assert warnings(caplog)[0].startswith("docs/team/x.md:7: ")


def test_a_long_page_expands_every_reference_and_leaves_code_alone(catalog: Catalog):
    # How expansion time grows with page size is measured in scripts/bench_render.py.
    paragraph = "Text with [[metric:mau]] and `code [[look:1]]` and [[look:729]].\n\n"
    out = expand_page(paragraph * 2000, "a.md", catalog)
    assert out.count("../") == 0 and out.count("metrics/mau.md") == 2000
    assert out.count("`code [[look:1]]`") == 2000
    # A page with no reference is returned as is, without scanning.
    assert expand_page("plain " * 10000, "a.md", catalog) == "plain " * 10000


def test_strict_build_fails_on_an_unknown_reference_naming_the_page(handbook_copy: Project):
    page = handbook_copy.docs_dir / "team" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [[metric:maus]].\n", encoding="utf-8")
    line = page.read_text(encoding="utf-8").count("\n")
    result = run_build(handbook_copy)
    assert result.returncode != 0
    assert (
        f"docs/team/index.md:{line}: error: reference [[metric:maus]]: unknown metric 'maus'\n"
        "    fix: did you mean 'mau'? names are defined in catalog/metrics/*.yml"
    ) in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_reference_stops_the_build_before_the_last_good_site_is_touched(
    handbook_copy: Project,
):
    assert run_build(handbook_copy).returncode == 0
    home = handbook_copy.root / "site" / "index.html"
    good = home.read_bytes()
    page = handbook_copy.docs_dir / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[[look:999999]]\n", encoding="utf-8")
    assert run_build(handbook_copy).returncode != 0
    assert home.read_bytes() == good


def test_handbook_validate_reports_broken_references_in_pages(handbook_copy: Project):
    page = handbook_copy.docs_dir / "tools" / "looker.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOld: [[look:1290]]\n", encoding="utf-8")
    line = page.read_text(encoding="utf-8").count("\n")
    result = run_cli(handbook_copy, "validate")
    assert result.returncode == 1
    assert (
        f"docs/tools/looker.md:{line}: error: reference [[look:1290]]: "
        "look 1290 is in Looker's trash (deleted)"
    ) in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_built_editing_guide_shows_the_syntax_literally(built_site: Path):
    html = (built_site / "editing" / "index.html").read_text(encoding="utf-8")
    assert "<code>[[metric:mau]]</code>" in html
    assert "<code>[[look:729|Monthly users]]</code>" in html


# --- Boards and Looker query strings --------------------------------------------------------
def test_a_board_reference_links_the_board_with_its_live_title(catalog: Catalog):
    out = expand_page("Start at [[board:12]].", "index.md", catalog)
    assert out.startswith(
        "Start at [Customer success](<https://sourcegraph.looker.com/boards/12>) "
    )
    assert "(board · 3 items)" in out  # published items only: 1500, 1290 and 9999 are not


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("[[board:20]]", "board 20 is in Looker's trash (deleted)"),
        ("[[board:30]]", "board 30 is excluded from publishing"),
        ("[[board:3]]", "board 3 is not in the Looker snapshot"),
    ],
)
def test_unpublished_boards_are_plain_text_with_a_warning(catalog, caplog, ref: str, why: str):
    out = expand_page(f"x\n{ref}\n", "team/index.md", catalog)
    assert out == f"x\n{ref.replace('[', '&#91;').replace(']', '&#93;').replace(':', '&#58;')}\n"
    assert warnings(caplog) == [f"docs/team/index.md:2: reference {ref}: {why}\n    {_hint(why)}"]
    assert "Finance leadership" not in out


def _hint(why: str) -> str:
    if "excluded" in why:
        return "fix: link published content instead, or change exclude_boards in catalog/looker.yml"
    if "trash" in why:
        return "fix: remove it, or restore it in Looker and run `handbook refresh`"
    return (
        "fix: check the id (the number in its Looker URL), then run `handbook refresh`; "
        "or remove it"
    )


def test_a_reference_keeps_the_looker_query_string_escaped_in_the_link(catalog: Catalog):
    ref = '[[dashboard:177?Organization=Uber&Created+Date=90+day&q="a<b"|Uber support tickets]]'
    out = expand_page(ref, "index.md", catalog)
    assert out.startswith(
        "[Uber support tickets](<https://sourcegraph.looker.com/dashboards/177"
        "?Organization=Uber&Created+Date=90+day&q=%22a%3Cb%22>) "
    )
    # Title, owner and status still come from the id.
    assert "dashboard · Customer support tickets · Kelsey Brown" in out
    board = expand_page("[[board:14?toggle=fil]]", "index.md", catalog)
    assert board.startswith("[Growth](<https://sourcegraph.looker.com/boards/14?toggle=fil>) ")


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("[[dashboard:177?]]", "'?' with no query string after it"),
        ("[[dashboard:177?a=1 b]]", "the query string has a space"),
        ("[[look:729?a=50%]]", "the query string has a '%' that starts no escape"),
        ("[[look:729?a=1&&b=2]]", "has an empty filter"),
        ("[[metric:mau?x=1]]", "a metric reference cannot carry a query string"),
        ("[[dashboard:?a=1]]", "no dashboard given"),
    ],
)
def test_a_malformed_reference_names_file_and_line(
    catalog: Catalog, caplog, ref: str, message: str
):
    expand_page(f"# T\n\nSee {ref}.\n", "tools/looker.md", catalog)
    [warning] = warnings(caplog)
    assert warning.startswith(f"docs/tools/looker.md:3: reference {ref}: ")
    assert message in warning
