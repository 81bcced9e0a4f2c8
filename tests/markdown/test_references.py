"""`[[kind:target]]` references, resolved by the `handbook.refs` Python-Markdown extension."""

from __future__ import annotations

import logging
import shutil
import xml.etree.ElementTree as etree
from datetime import timedelta
from pathlib import Path

import markdown
import pytest
from handbook.catalog import Catalog, load_catalog
from handbook.markdown.page_check import DEFAULT_EXTENSIONS
from handbook.markdown.refs_extension import RefsExtension
from handbook.project import Project
from helpers.handbook import REPO, run_build, run_cli
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension

LOGGER = "mkdocs.plugins.handbook"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(Project(REPO))  # reads only


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelname == "WARNING"]


def html(text: str, page: str, catalog: Catalog) -> str:
    """`text` as the build renders it on `page` (a path below docs/)."""
    refs = RefsExtension()
    refs.catalog, refs.page = catalog, page
    return markdown.markdown(text, extensions=[*DEFAULT_EXTENSIONS, refs])


def test_metric_links_to_its_page_relative_to_the_page_with_status(catalog: Catalog):
    out = html("Usage is [[metric:mau]].\n", "team/index.md", catalog)
    assert out.startswith(
        '<p>Usage is <span class="hb-ref"><a href="../metrics/mau.md">Monthly active users</a> '
        '<span class="hb-badge hb-badge--certified"'
    )
    assert ">certified</span></span>.</p>" in out
    assert '<a href="metrics/nps.md">Net Promoter Score</a>' in html(
        "[[metric:nps]]", "index.md", catalog
    )
    draft = html("[[metric:lines_of_code_indexed|LOC]]", "data/index.md", catalog)
    assert '<a href="../metrics/lines_of_code_indexed.md">LOC</a>' in draft
    assert ">draft</span>" in draft


def test_looks_and_dashboards_show_live_title_owner_and_views(catalog: Catalog):
    out = html("See [[look:729]].", "index.md", catalog)
    views = catalog.items[("look", "729")].view_count
    assert out == (
        '<p>See <span class="hb-ref"><a href="https://sourcegraph.looker.com/looks/729">'
        "Monthly users by instance type</a> "
        f'<small class="hb-ref-note">(look · Eric Brody-Moore · {views:,} views)</small>'
        "</span>.</p>"
    )
    labelled = html("[[dashboard:177|Support]]", "index.md", catalog)
    assert '<a href="https://sourcegraph.looker.com/dashboards/177">Support</a>' in labelled
    assert "dashboard · Customer support tickets · Kelsey Brown" in labelled
    lookml = html("[[dashboard:product::executive_summary]]", "index.md", catalog)
    assert (
        '<a href="https://sourcegraph.looker.com/dashboards/product::executive_summary">'
        "Executive summary (LookML)</a>"
    ) in lookml


def test_freshness_shows_the_source_badge_and_links_to_the_freshness_page(catalog: Catalog):
    out = html("HubSpot: [[freshness:hubspot]]", "tools/looker.md", catalog)
    assert out.startswith(
        '<p>HubSpot: <span class="hb-ref"><a href="../data/freshness.md">HubSpot</a> '
        '<span class="hb-badge hb-badge--'
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
        "\n"
        "- a list item\n"
        "\n"
        "    ```text\n"
        "    [[metric:nope]] in a fence inside the item\n"
        "    ```\n"
    )
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = html(page, "editing/index.md", catalog)
    assert warnings(caplog) == []
    assert "<code>[[metric:mau]]</code>" in out
    assert "<code>a ` [[metric:nope]]</code>" in out
    assert out.count("[[metric:nope]]") == 4 and "[[look:1]]" in out
    assert 'Inside an admonition <span class="hb-ref"><a href="../metrics/dau_mau.md">' in out


def test_escaped_brackets_are_not_a_reference(catalog: Catalog, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = html("Type \\[[metric:nope]] to reference a metric.", "index.md", catalog)
    assert warnings(caplog) == []
    assert "[[metric:nope]]" in out and "<a" not in out


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
            "catalog/sources/*.yml and by dbt (catalog/dbt.yml)",
        ),
    ],
)
def test_unresolved_reference_warns_with_file_line_and_renders_inert(
    tmp_path: Path, caplog, ref: str, message: str
):
    catalog = load_catalog(Project(REPO))
    page = f"# Team\n\nSee {ref} here.\n"
    (tmp_path / "docs" / "team").mkdir(parents=True)
    (tmp_path / "docs" / "team" / "index.md").write_text(page, encoding="utf-8")
    catalog.project = Project(tmp_path)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = html(page, "team/index.md", catalog)
    assert warnings(caplog) == [message]
    assert "href" not in out  # plain text, no link
    assert ("ARR" if "|ARR" in ref else ref) in out
    assert "Quarterly ARR" not in out  # an excluded item's title never leaks


def test_line_numbers_count_front_matter_and_skip_code_mentions(tmp_path: Path, caplog):
    catalog = load_catalog(Project(REPO))
    docs = tmp_path / "docs"
    (docs / "team").mkdir(parents=True)
    source = (
        "---\ntitle: Team\n---\n\n# Team\n\n"
        "Write `[[metric:nope]]` like this.\n\n"
        "```\n[[metric:nope]]\n```\n\n"
        "[[metric:nope]]\n\nand again [[metric:nope]]\n"
    )
    (docs / "team" / "x.md").write_text(source, encoding="utf-8")
    catalog.project = Project(tmp_path)
    body = source.split("---\n", 2)[2]  # what MkDocs and Zensical hand to Markdown
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        html(body, "team/x.md", catalog)
    lines = [w.split(": ", 1)[0] for w in warnings(caplog)]
    assert lines == ["docs/team/x.md:13", "docs/team/x.md:15"]


def test_a_long_page_expands_every_reference_and_leaves_code_alone(catalog: Catalog):
    # How expansion time grows with page size is measured in scripts/bench_render.py.
    paragraph = "Text with [[metric:mau]] and `code [[look:1]]` and [[look:729]].\n\n"
    out = html(paragraph * 2000, "a.md", catalog)
    assert out.count('href="metrics/mau.md"') == 2000
    assert out.count("<code>code [[look:1]]</code>") == 2000


def test_the_extension_loads_by_name_and_finds_the_catalog_itself(tmp_path: Path):
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "catalog", root / "catalog")
    out = markdown.markdown(
        "[[metric:mau]] and `[[metric:mau]]`",
        extensions=["handbook.refs"],
        extension_configs={"handbook.refs": {"root": str(root)}},
    )
    assert '<a href="metrics/mau.md">Monthly active users</a>' in out
    assert "<code>[[metric:mau]]</code>" in out


class NestedMarkdown(Extension):
    """`::: text` blocks converted by a second Markdown that shares the page's extensions,
    and reset after each, as mkdocstrings renders a docstring in the middle of a page."""

    def __init__(self, inner: markdown.Markdown) -> None:
        super().__init__()
        self.inner = inner

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        inner = self.inner

        class Block(BlockProcessor):
            def test(self, parent, block):
                return block.startswith(":::")

            def run(self, parent, blocks):
                html = inner.convert(blocks.pop(0)[3:].strip())
                inner.reset()
                etree.SubElement(parent, "div").text = md.htmlStash.store(html)

        md.parser.blockprocessors.register(Block(md.parser), "nested", 200)


def test_a_markdown_converted_inside_a_page_leaves_the_pages_references_alone(catalog: Catalog):
    refs = RefsExtension()
    refs.catalog, refs.page = catalog, "team/index.md"
    inner = markdown.Markdown(extensions=[refs])
    page = markdown.Markdown(extensions=[NestedMarkdown(inner), refs])
    out = page.convert("::: Inside [[metric:nps]].\n\nAfter it, [[metric:mau]].\n")
    assert '<a href="../metrics/nps.md">Net Promoter Score</a>' in out
    assert '<a href="../metrics/mau.md">Monthly active users</a>' in out


def test_plain_build_warns_about_a_bad_reference_and_shows_plain_text(handbook_copy: Project):
    page = handbook_copy.docs_dir / "team" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [[metric:maus]].\n", encoding="utf-8")
    line = page.read_text(encoding="utf-8").count("\n")
    result = run_build(handbook_copy, "--no-strict")
    assert result.returncode == 0, result.stderr
    assert (
        f"WARNING -  docs/team/index.md:{line}: reference [[metric:maus]]: unknown metric 'maus'"
    ) in result.stderr
    built = (handbook_copy.root / "site" / "team" / "index.html").read_text(encoding="utf-8")
    assert "See [[metric:maus]]." in built


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


def test_hostile_titles_and_markup_in_labels_render_as_text(caplog):
    catalog = load_catalog(Project(REPO))
    catalog.items[("look", "729")].title = 'Q3 \x01<script>alert("x")</script> & *co*'
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = html("[[look:729]] and [[look:729|`code` \\*x\\*]]", "index.md", catalog)
    assert warnings(caplog) == []
    assert "<script>" not in out and "\x01" not in out
    assert '>Q3 &lt;script&gt;alert("x")&lt;/script&gt; &amp; *co*</a>' in out
    assert '<a href="https://sourcegraph.looker.com/looks/729">code *x*</a>' in out


# --- Boards and Looker query strings --------------------------------------------------------
def test_a_board_reference_links_the_board_with_its_live_title(catalog: Catalog):
    out = html("Start at [[board:12]].", "index.md", catalog)
    assert out.startswith(
        '<p>Start at <span class="hb-ref">'
        '<a href="https://sourcegraph.looker.com/boards/12">Customer success</a> '
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
def test_unpublished_boards_are_plain_text_with_a_warning(
    tmp_path: Path, caplog, ref: str, why: str
):
    catalog = load_catalog(Project(REPO))
    (tmp_path / "docs" / "team").mkdir(parents=True)
    (tmp_path / "docs" / "team" / "index.md").write_text(f"x\n{ref}\n", encoding="utf-8")
    catalog.project = Project(tmp_path)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = html(f"x\n{ref}\n", "team/index.md", catalog)
    assert out == f"<p>x\n{ref}</p>"
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
    out = html(ref, "index.md", catalog)
    assert (
        '<a href="https://sourcegraph.looker.com/dashboards/177'
        '?Organization=Uber&amp;Created+Date=90+day&amp;q=%22a%3Cb%22">Uber support tickets</a>'
    ) in out
    # Title, owner and status still come from the id.
    assert "dashboard · Customer support tickets · Kelsey Brown" in out
    board = html("[[board:14?toggle=fil]]", "index.md", catalog)
    assert '<a href="https://sourcegraph.looker.com/boards/14?toggle=fil">Growth</a>' in board


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
def test_a_malformed_reference_names_file_and_line(tmp_path: Path, caplog, ref: str, message: str):
    catalog = load_catalog(Project(REPO))
    page = f"# T\n\nSee {ref}.\n"
    (tmp_path / "docs" / "tools").mkdir(parents=True)
    (tmp_path / "docs" / "tools" / "looker.md").write_text(page, encoding="utf-8")
    catalog.project = Project(tmp_path)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = html(page, "tools/looker.md", catalog)
    [warning] = warnings(caplog)
    assert warning.startswith(f"docs/tools/looker.md:3: reference {ref}: ")
    assert message in warning
    assert "href" not in out


def test_the_extension_records_what_each_page_showed_and_which_a_new_catalog_changes(
    handbook_copy: Project,
):
    """What lets `serve --dirty` rebuild only the hand pages a catalog save affects."""
    before = load_catalog(handbook_copy)
    ext = RefsExtension()
    ext.catalog = before
    md = markdown.Markdown(extensions=[*DEFAULT_EXTENSIONS, ext])
    pages = {
        "a.md": "Usage is [[metric:mau]].",
        "b.md": "Promoters: [[metric:nps]].",
        "c.md": "No references, `[[metric:mau]]` is code.",
        "d.md": "A typo: [[metric:maus]].",
    }
    for page, text in pages.items():
        ext.page = page
        md.reset().convert(text)
    assert ext.shown.pages["c.md"] == {}
    assert ext.shown.pages["d.md"] == {"[[metric:maus]]": None}
    assert ext.shown.changed_by(before) == {"d.md"}  # an unresolved one is always retried

    product = handbook_copy.metrics_dir / "product.yml"
    text = product.read_text(encoding="utf-8")
    product.write_text(text.replace("label: Monthly active users", "label: Monthly actives", 1))
    assert ext.shown.changed_by(load_catalog(handbook_copy)) == {"a.md", "d.md"}

    ext.page = "a.md"
    md.reset().convert("Now without references.")
    assert ext.shown.changed_by(load_catalog(handbook_copy)) == {"d.md"}


def _shown_pages(catalog: Catalog, pages: dict[str, str]) -> RefsExtension:
    """An extension that converted `pages` (path → Markdown) under `catalog`."""
    ext = RefsExtension()
    ext.catalog = catalog
    md = markdown.Markdown(extensions=[*DEFAULT_EXTENSIONS, ext])
    for page, text in pages.items():
        ext.page = page
        md.reset().convert(text)
    return ext


def test_a_publishing_policy_change_changes_the_pages_referencing_what_it_holds_back(
    handbook_copy: Project,
):
    """Under serve the Looker snapshot's parse is reused while its file is unchanged (as
    `BuildSession` loads it); a new policy still changes what look references show."""
    from handbook.snapshot.store import ReusedParses

    parses = ReusedParses()
    before = load_catalog(handbook_copy, read=parses)
    ext = _shown_pages(before, {"a.md": "See [[look:729]].", "b.md": "Promoters: [[metric:nps]]."})
    again = load_catalog(handbook_copy, read=parses, earlier=before)
    assert again.view is before.view  # the policy was not applied again
    assert ext.shown.changed_by(again) == set()
    policy = handbook_copy.looker_policy
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("  - 150 ", "  - 120\n  - 150 ", 1), encoding="utf-8")
    after = load_catalog(handbook_copy, read=parses, earlier=before)
    assert ("look", "729") not in after.items  # its folder is excluded now
    assert ext.shown.changed_by(after) == {"a.md"}


def test_a_source_whose_status_aged_changes_the_pages_showing_its_freshness(
    catalog: Catalog,
):
    checked = catalog.freshness.checked_at
    before = load_catalog(catalog.project, now=checked + timedelta(minutes=1))
    pages = {"a.md": "[[freshness:zendesk]]", "b.md": "[[freshness:google_sheets]]"}
    ext = _shown_pages(before, pages)
    a_minute_later = load_catalog(catalog.project, now=checked + timedelta(minutes=2))
    assert ext.shown.changed_by(a_minute_later) == set()
    # A month later zendesk's pass is "not checked since"; google_sheets has no threshold.
    later = load_catalog(catalog.project, now=checked + timedelta(days=30))
    assert ext.shown.changed_by(later) == {"a.md"}


def test_a_changed_page_not_converted_again_stays_changed(handbook_copy: Project):
    """`changed_by` answers for what each page showed, not only for the last change."""
    from handbook.session import BuildSession

    session = BuildSession(live=False)
    ext = _shown_pages(
        session.load(handbook_copy), {"a.md": "[[metric:mau]]", "b.md": "[[metric:nps]]"}
    )
    product = handbook_copy.metrics_dir / "product.yml"
    text = product.read_text(encoding="utf-8")
    product.write_text(text.replace("label: Monthly active users", "label: Monthly actives", 1))
    assert ext.shown.changed_by(session.load(handbook_copy)) == {"a.md"}
    product.write_text(product.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert ext.shown.changed_by(session.load(handbook_copy)) == {"a.md"}  # still the old label


def test_references_after_the_build_frees_their_html_render_the_same(catalog: Catalog):
    """`mkdocs build` drops the references' HTML once every page is converted (on_env);
    a page converted after that (a theme or plugin converting Markdown late) resolves its
    references again and shows exactly what it would have."""
    ext = RefsExtension()
    ext.catalog, ext.page = catalog, "team/index.md"
    md = markdown.Markdown(extensions=[*DEFAULT_EXTENSIONS, ext])
    text = "Usage is [[metric:mau]] and [[metric:nps]]."
    first = md.reset().convert(text)
    assert ext.shown.html
    ext.shown.forget_html()
    assert ext.shown.html == {}
    assert md.reset().convert(text) == first
    assert '<a href="../metrics/mau.md">Monthly active users</a>' in first
