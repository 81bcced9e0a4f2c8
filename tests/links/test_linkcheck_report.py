"""The nightly stale-links issue body (`check-links --format markdown`), rendered as GitHub does.

The body is checked after rendering it with cmark-gfm (GitHub's renderer), so what is
asserted is what a reader of the issue sees: per file, each stale link's line (linked to
the file at that line), status, URL and title; then the links that could not be judged
and why. Runs against a copy of the seed snapshot through the real console script.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from handbook.links.check import check_links
from handbook.links.issue_report import WITHHELD, format_markdown
from handbook.project import Project
from helpers.handbook import run_cli

cmarkgfm = pytest.importorskip("cmarkgfm")
HOST = "https://sourcegraph.looker.com"
BLOB = "https://github.com/o/r/blob/abc123"


class _Cells(HTMLParser):
    """Table rows (lists of cell texts) and hrefs of the rendered body."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.hrefs: list[str] = []
        self.headings: list[str] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("h2", "h3"):
            self._heading = []
        elif tag == "a":
            self.hrefs.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag in ("h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data):
        for part in (self._cell, self._heading):
            if part is not None:
                part.append(data)


def rendered(markdown: str) -> _Cells:
    parser = _Cells()
    parser.feed(cmarkgfm.github_flavored_markdown_to_html(markdown))
    return parser


@pytest.fixture
def pages(handbook_copy: Project) -> Project:
    docs = handbook_copy.docs_dir
    (docs / "a.md").write_text(
        f"# A\n\nOld: [retired]({HOST}/looks/1290).\n\nBoard {HOST}/browse/boards/20\n",
        encoding="utf-8",
    )
    (docs / "team").mkdir(exist_ok=True)
    (docs / "team" / "b.md").write_text(
        f"Finance {HOST}/looks/1500 and {HOST}/x/AbC and [ok]({HOST}/looks/729)\n"
        f"| t |\n| - |\n| {HOST}/dashboards/4242?a=`x`|y |\n",
        encoding="utf-8",
    )
    return handbook_copy


def test_the_issue_lists_each_stale_link_per_file_with_line_and_title(pages: Project) -> None:
    docs = pages.docs_dir
    report = check_links(pages, [docs / "a.md", docs / "team" / "b.md"])
    html = rendered(format_markdown(report, blob_url=BLOB))
    assert html.headings == ["Stale links", "docs/a.md", "docs/team/b.md", _unjudged(1)]
    rows = [r for r in html.rows if r and r[0] not in ("Line", "File")]
    assert rows[:4] == [
        ["3", "deleted look 1290", f"{HOST}/looks/1290", "Old MAU definition (retired)"],
        ["5", "deleted board 20", f"{HOST}/browse/boards/20", "Old onboarding board"],
        ["1", "excluded look 1500", f"{HOST}/looks/1500", WITHHELD],
        # The backticks (shown as quotes) are part of the bare URL, as GitHub links it; the
        # `|` ends the table cell.
        ["4", "missing dashboard 4242", f"{HOST}/dashboards/4242?a='x'", "—"],
    ]
    assert rows[4] == [
        "docs/team/b.md",
        "1",
        f"{HOST}/x/AbC",
        "short links (/x/…) resolve only on the Looker server",
    ]
    assert f"{BLOB}/docs/a.md#L3" in html.hrefs and f"{BLOB}/docs/team/b.md#L4" in html.hrefs
    assert "Quarterly ARR bridge" not in format_markdown(report)  # look 1500's title


def _unjudged(n: int) -> str:
    return f"Links that could not be judged ({n})"


def test_a_long_report_is_cut_below_githubs_limit_and_says_how_many_rows_are_left(
    pages: Project,
) -> None:
    report = check_links(pages, [pages.docs_dir / "a.md"])
    body = format_markdown(report, max_chars=400)
    assert len(body) <= 500
    assert re.search(r"… and \d+ more row\(s\); see the run's `stale-links` artifact\.", body)


def test_the_cli_writes_the_body_and_exits_1_when_links_are_stale(pages: Project) -> None:
    result = run_cli(pages, "check-links", "--format", "markdown", "--blob-url", BLOB, "docs/a.md")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("The nightly check found **2** stale Looker link(s) in 1 file")
