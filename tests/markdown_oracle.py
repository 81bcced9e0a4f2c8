"""Real renderers as oracles for where links are: cmark-gfm (GitHub) and markdown-it-py.

Shared by the differential test (`test_linkscan_corpus.py`) and the accuracy script
(`scripts/linkcheck_accuracy.py`). The site's MkDocs containers (`!!! note`, `??? tip`,
`=== "Tab"`, Python-Markdown's admonition, pymdownx.details and pymdownx.tabbed) indent
their bodies by four spaces, which CommonMark alone would read as indented code, so the
oracles are given the page with each container unwrapped, as Python-Markdown hands the
body on: header line blanked, body dedented by four, line numbers unchanged.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import quote

from handbook.markdown.linkscan import HostMatcher, classify_url

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
    """Looker hrefs cmark-gfm renders (raw HTML allowed), with their block's source lines."""
    import cmarkgfm
    from cmarkgfm.cmark import Options

    options = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_SOURCEPOS
    parser = _Hrefs()
    parser.feed(cmarkgfm.github_flavored_markdown_to_html(unwrap_containers(text), options))
    return parser.found


def markdown_it_hrefs(text: str) -> Counter[str]:
    """Looker hrefs markdown-it-py renders: CommonMark, tables, raw HTML, no linkify."""
    import markdown_it

    md = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")
    parser = _Hrefs()
    parser.feed(md.render(unwrap_containers(text)))
    return Counter(href for href, _ in parser.found)


def rendered_href(url: str, syntax: str) -> str:
    """A URL as the scanner reports it, spelled as the renderer's `href` (see `href_key`).

    CommonMark decodes backslash escapes and entities in inline and reference
    destinations; a browser decodes entities in HTML attributes; autolinks and bare URLs
    are taken as written.
    """
    if syntax in ("inline", "reference"):
        url = html.unescape(_ESCAPE.sub(r"\1", url))
    elif syntax == "html":
        url = html.unescape(url)
    return href_key(url)
