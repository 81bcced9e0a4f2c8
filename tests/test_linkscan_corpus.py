"""Differential test: the link scanner finds exactly the Looker links real renderers render.

The corpus (`tests/data/linkcorpus/*.md`) is Markdown as handbooks are written: every Looker
URL shape, with filters in query strings, in lists, tables, headings, blockquotes, MkDocs
admonitions, details and tabs, reference definitions, raw HTML, autolinks and bare URLs
followed by punctuation, and inside code where they must be skipped.

Oracles, decided per construct:

- **cmark-gfm** (GitHub's renderer, through `cmarkgfm`, with raw HTML allowed) is the oracle
  for everything: the multiset of Looker `href`s it renders must equal the multiset of URLs
  the scanner reports, and each `href` must come from a block whose source lines (cmark's
  `data-sourcepos`) hold the scanner's line. GFM is the dialect the bare-URL rule follows.
- **markdown-it-py** (CommonMark with tables, raw HTML, no linkify) must agree on every link
  that is not a bare URL, so the result does not hang on one implementation.
- **MkDocs containers** (`!!! note`, `??? tip`, `=== "Tab"`) are the site's Python-Markdown
  extensions (admonition, pymdownx.details, pymdownx.tabbed): their bodies are indented four
  spaces, which CommonMark alone would read as indented code. Python-Markdown parses such a
  body as Markdown of its own, so both oracles are given the page with each container
  unwrapped (its header line blanked, its body dedented by four), line numbers unchanged;
  code indented eight spaces inside a container stays code, as on the site. The scanner
  reads the page as written.

Reference-style links render at their use; the scanner reports the definition (the line
an editor fixes), so those are matched by `href` and checked against the definition's line.
Every occurrence's line and column are also checked against the source text itself.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from handbook.markdown.linkscan import HostMatcher, classify_url, scan_text

cmarkgfm = pytest.importorskip("cmarkgfm")
markdown_it = pytest.importorskip("markdown_it")

CORPUS = sorted((Path(__file__).parent / "data" / "linkcorpus").glob("*.md"))
LOOKER = HostMatcher("https://sourcegraph.looker.com")
_CONTAINER = re.compile(r"^( *)(?:!!!|\?\?\?\+?|===) ")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unwrap_containers(text: str) -> str:
    """The page as Python-Markdown's container extensions hand it on: bodies dedented."""
    out: list[str] = []
    open_at: list[int] = []  # body indents of the open containers
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        if line.strip():
            while open_at and indent < open_at[-1]:
                open_at.pop()
        depth = 4 * len(open_at)
        shifted = line[depth:] if line[:depth].strip() == "" else line.lstrip(" ")
        m = _CONTAINER.match(line)
        if m:
            open_at.append(len(m[1]) + 4)
            out.append("")
            continue
        out.append(shifted)
    return "\n".join(out)


def href_key(url: str) -> str:
    """One spelling for a URL however a renderer percent-encodes it."""
    return quote(url, safe="!#$%&'()*+,-./:;=?@_~")


class _Hrefs(HTMLParser):
    """Looker hrefs in rendered HTML, each with the source lines of its innermost block."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, tuple[int, int]]] = []
        self.found: list[tuple[str, tuple[int, int]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        pos = values.get("data-sourcepos")
        lines = self.stack[-1][1] if self.stack else (1, 10**9)
        # cmark-gfm gives a paragraph that a table interrupts the position 0:0-0:0; such a
        # block's lines are unknown, and only the source check below places its links.
        if pos and not pos.startswith("0:"):
            first, last = (int(part.split(":")[0]) for part in pos.split("-"))
            lines = (first, max(first, last))
        if tag not in ("br", "img", "hr", "input"):
            self.stack.append((tag, lines))
        href = values.get("href")
        if href and classify_url(href, LOOKER) is not None:
            self.found.append((href_key(href), lines))

    def handle_endtag(self, tag: str) -> None:
        for n in range(len(self.stack) - 1, -1, -1):
            if self.stack[n][0] == tag:
                del self.stack[n:]
                break


def cmark_hrefs(text: str) -> list[tuple[str, tuple[int, int]]]:
    from cmarkgfm.cmark import Options

    options = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_SOURCEPOS
    parser = _Hrefs()
    parser.feed(cmarkgfm.github_flavored_markdown_to_html(unwrap_containers(text), options))
    return parser.found


def markdown_it_hrefs(text: str) -> Counter[str]:
    md = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")
    parser = _Hrefs()
    parser.feed(md.render(unwrap_containers(text)))
    return Counter(href for href, _ in parser.found)


def scanned(text: str) -> list[tuple[str, int, int, str]]:
    """(href as rendered, line, column, syntax) for each URL the scanner reports."""
    out = []
    for link in scan_text(text, LOOKER):
        url = link.url
        if link.syntax in ("inline", "reference"):  # CommonMark decodes these two
            url = html.unescape(_ESCAPE.sub(r"\1", url))
        elif link.syntax == "html":
            url = html.unescape(url)
        out.append((href_key(url), link.line, link.column, link.syntax))
    return out


def test_the_corpus_has_over_300_looker_links_in_every_construct() -> None:
    texts = [p.read_text(encoding="utf-8") for p in CORPUS]
    rendered = sum(len(cmark_hrefs(t)) for t in texts)
    syntaxes = Counter(s for t in texts for *_, s in scanned(t))
    assert rendered >= 300
    assert set(syntaxes) == {"inline", "reference", "autolink", "bare", "html"}
    assert all(t.count("```") and t.count("!!! note") and t.count("| ---") for t in texts)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_scanner_finds_the_hrefs_cmark_gfm_renders_at_their_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    oracle = cmark_hrefs(text)
    mine = scanned(text)
    assert Counter(h for h, _ in oracle) == Counter(h for h, *_ in mine)

    unmatched = [m for m in mine if m[3] != "reference"]
    for href, (first, last) in oracle:
        hit = next((m for m in unmatched if m[0] == href and first <= m[1] <= last), None)
        if hit is not None:
            unmatched.remove(hit)
    # What is left is matched by href alone: reference links render where they are used.
    assert unmatched == [], "scanner lines outside the blocks cmark-gfm rendered them from"


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_each_line_and_column_points_at_the_url_in_the_source(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    for link in scan_text("\n".join(lines), LOOKER):
        assert lines[link.line - 1][link.column - 1 :].startswith(link.url), link
        if link.syntax == "reference":
            assert re.match(r" {0,3}\[[^\]]+\]:", lines[link.line - 1]) or re.match(
                r" {0,3}\[[^\]]+\]:\s*$", lines[link.line - 2]
            )


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_markdown_it_agrees_on_every_link_that_is_not_a_bare_url(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    mine = Counter(h for h, _, _, syntax in scanned(text) if syntax != "bare")
    assert markdown_it_hrefs(text) == mine
