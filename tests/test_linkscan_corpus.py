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

import re
from collections import Counter
from pathlib import Path

import pytest
from handbook.markdown.linkscan import scan_text
from markdown_oracle import LOOKER, cmark_hrefs, markdown_it_hrefs, rendered_href

pytest.importorskip("cmarkgfm")
pytest.importorskip("markdown_it")

CORPUS = sorted((Path(__file__).parent / "data" / "linkcorpus").glob("*.md"))


def scanned(text: str) -> list[tuple[str, int, int, str]]:
    """(href as rendered, line, column, syntax) for each URL the scanner reports."""
    return [
        (rendered_href(link.url, link.syntax), link.line, link.column, link.syntax)
        for link in scan_text(text, LOOKER)
    ]


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
