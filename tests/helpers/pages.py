"""Reading pages as a reader sees them: built HTML as text, generated Markdown as HTML.

`to_html` renders a generated page's Markdown with the extensions mkdocs.yml configures, so
most page tests need no MkDocs build; `Html` sums up the result (tables as rows of cell
texts, headings, links, tags, text).
"""

from __future__ import annotations

import html
import posixpath
import re
from html.parser import HTMLParser

import markdown
import yaml
from handbook.project import Project


def page_text(project: Project, page: str) -> str:
    """The text of a built page under `site/` (tags dropped, entities decoded)."""
    raw = (project.root / "site" / page).read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def to_html(md: str) -> str:
    """Markdown → HTML with the extensions mkdocs.yml configures (front matter dropped)."""
    md = front_matter(md)[1]
    return markdown.markdown(
        md,
        extensions=[
            "admonition",
            "attr_list",
            "md_in_html",
            "tables",
            "toc",
            "pymdownx.details",
            "pymdownx.superfences",
            "pymdownx.highlight",
            "pymdownx.inlinehilite",
        ],
        extension_configs={"toc": {"permalink": True}},
    )


def front_matter(md: str) -> tuple[dict, str]:
    """Split YAML front matter off a page, as MkDocs does."""
    if md.startswith("---\n"):
        head, _, body = md[4:].partition("\n---\n")
        return yaml.safe_load(head), body
    return {}, md


class Html(HTMLParser):
    """A small DOM summary: tables (rows of cell texts), headings, links, scripts, text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.headings: list[tuple[str, str]] = []  # (tag, text without permalink)
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None
        self._link: list[str] | None = None
        self._href = ""
        self._in_permalink = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("h1", "h2", "h3", "h4"):
            self._heading = []
        elif tag == "a":
            if "headerlink" in (a.get("class") or ""):
                self._in_permalink = True
            else:
                self._link, self._href = [], a.get("href") or ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag in ("h1", "h2", "h3", "h4") and self._heading is not None:
            self.headings.append((tag, "".join(self._heading).strip()))
            self._heading = None
        elif tag == "a":
            if self._in_permalink:
                self._in_permalink = False
            elif self._link is not None:
                self.links.append((self._href, "".join(self._link)))
                self._link = None

    def handle_data(self, data):
        if self._in_permalink:
            return
        self.text.append(data)
        for buf in (self._cell, self._heading, self._link):
            if buf is not None:
                buf.append(data)


def section(md: str, heading: str) -> str:
    """The Markdown between `heading` (a full line, maybe with `{ attributes }`) and the
    next heading of that level."""
    level = heading.split(" ", 1)[0]
    found = re.search(rf"^{re.escape(heading)}( \{{[^}}\n]*\}})?\n", md, flags=re.M)
    assert found, f"no heading {heading!r}"
    rest = md[found.end() :]
    m = re.search(rf"^{re.escape(level)} ", rest, flags=re.M)
    return rest[: m.start()] if m else rest


def rows(md: str) -> list[list[str]]:
    """Body rows (cell texts) of the tables in a Markdown fragment, via the HTML."""
    out = []
    for table in Html(to_html(md)).tables:
        out.extend(table[1:])
    return out


def unused_owner_pages(pages: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each owner's page of unused content as a reader finds it: by the owner's name as the
    summary table on `looker/unused.md` shows it, (the page's path, its Markdown), reached
    through the summary's link. `pages` maps each generated page's path to its Markdown."""
    summary = Html(to_html(section(pages["looker/unused.md"], "## By owner")))
    found = {}
    for href, text in summary.links:
        path = posixpath.normpath(posixpath.join("looker", href))
        assert path in pages, f"the summary links {href!r}, which no page is"
        assert text not in found, f"two rows for {text!r}"
        found[text] = (path, pages[path])
    return found
