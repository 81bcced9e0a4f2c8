"""`handbook.refs`: the Python-Markdown extension that turns `[[…]]` references into links.

Registered under the `markdown.extensions` entry point `handbook.refs`, so any engine that
runs Python-Markdown with a site's `markdown_extensions` (MkDocs, Zensical) resolves
references with nothing else installed::

    markdown_extensions:
      - handbook.refs              # options: root, catalog_dir, docs_dir, pages_dir

The reference is an inline pattern registered after Python-Markdown's backticks and
escapes (like its `wikilinks` extension), so the parser, not a regex over raw text, decides
what is code: a reference in a code span, a fenced or indented block stays as typed.

The catalog comes from the extension's `catalog` attribute when an adapter set one (the
MkDocs plugin does), else from the handbook folder (`root`, default the nearest folder
above the working directory with `mkdocs.yml`) through the class's `CatalogCache`, once per
process and again when a file under the catalog folder changes. The page being rendered
comes from the `page` attribute (set by the MkDocs plugin), or from Zensical's rendering
context.

A reference that does not resolve is reported (by default logged as a WARNING on the
`mkdocs.plugins.handbook` logger, as `docs/<page>:<line>: reference …`, which fails
`mkdocs build --strict`) and shown as plain text. What each page's references showed is
recorded in `shown` (`handbook.markdown.shown_references`).

Without an adapter (Zensical), the first page an engine renders in a process runs the
class's `PrebuildCheck` (`handbook.markdown.page_check`): the generated pages must be
current, and under `zensical build --strict` every reference must resolve.
"""

from __future__ import annotations

import logging
import posixpath
import re
import xml.etree.ElementTree as etree
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.util import AtomicString

from handbook.errors import Problem
from handbook.markdown.catalog_cache import CatalogCache
from handbook.markdown.code import code_lines
from handbook.markdown.mdlinks import code_spans
from handbook.markdown.page_check import PrebuildCheck
from handbook.markdown.references import REFERENCE, Unresolved
from handbook.markdown.shown_references import ShownReferences
from handbook.project import Project

if TYPE_CHECKING:
    from handbook.catalog import Catalog

log = logging.getLogger("mkdocs.plugins.handbook")


def log_problem(problem: Problem) -> None:
    """Report a reference problem as MkDocs reports its own: a WARNING naming the place."""
    log.warning("%s", problem.unlabelled())


class RefsExtension(Extension):
    """Resolve `[[kind:target]]` references against the handbook catalog.

    No `reset()`: nothing on the extension belongs to one document. The page being
    converted belongs to one `Markdown` instance and lives on its `RefsInlineProcessor`,
    started afresh by `SourcePreprocessor` for every document. So an inner `Markdown` that
    shares this extension in the middle of a page (mkdocstrings renders docstrings with the
    site's extensions while the page is parsed, and resets that instance after each one)
    neither sees nor clears the page around it.
    """

    # Zensical builds a new extension for every page it renders (it names `handbook.refs`
    # in its markdown_extensions), from more than one thread: what must outlive one page,
    # each handbook's catalog and whether its generated pages were checked, is held by the
    # class, for the whole process.
    catalogs: ClassVar[CatalogCache] = CatalogCache()
    prebuild: ClassVar[PrebuildCheck] = PrebuildCheck()

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "root": ["", "The handbook folder; default: the nearest with mkdocs.yml above cwd."],
            "catalog_dir": ["catalog", "The catalog folder, relative to root."],
            "docs_dir": ["docs", "The pages folder, relative to root."],
            "pages_dir": ["", "The folder below docs_dir the generated pages are in."],
        }
        super().__init__(**kwargs)
        self.catalog: Catalog | None = None  # set by an adapter that already loaded it
        self.page: str | None = None  # the page being rendered, below docs_dir
        self.report: Callable[[Problem], None] = log_problem
        self.severity = "warning"
        # What each converted page's references showed (and their HTML under the current
        # catalog); an adapter that keeps pages built across rebuilds (MkDocs' `serve
        # --dirty`) passes its own, and asks it which pages a new catalog changes.
        self.shown = ShownReferences()

    def project(self) -> Project:
        root = self.getConfig("root")
        base = Path(root).resolve() if root else Project.find().root
        return Project(
            base,
            catalog_path=base / self.getConfig("catalog_dir"),
            docs_path=base / self.getConfig("docs_dir"),
        )

    def extendMarkdown(self, md: Markdown) -> None:
        inline = RefsInlineProcessor(self, md)
        # Before every other preprocessor: the source exactly as written.
        md.preprocessors.register(SourcePreprocessor(md, inline), "handbook_refs_source", 100)
        # After `backtick` (190) and `escape` (180), before links (170): code spans win.
        md.inlinePatterns.register(inline, "handbook_refs", 175)

    def page_catalog(self, page: str, lines: list[str]) -> Catalog | None:
        """The catalog `page` is rendered with: the adapter's, else the handbook's own (after
        the pre-build check, on the first page); None for a page without `[[`."""
        if self.catalog is None and page:
            pages_dir = self.getConfig("pages_dir")
            self.prebuild.run_once(self.project(), pages_dir, self.catalogs.get, type(self))
        if not any("[[" in line for line in lines):
            return None
        return self.catalog or self.catalogs.get(self.project())


def _context_page(md: Markdown) -> str | None:
    """The page Zensical is rendering, from its `rendering_context` preprocessor."""
    if "rendering_context" not in md.preprocessors:
        return None
    context = getattr(md.preprocessors["rendering_context"], "page", None)
    return getattr(context, "path", None)


class SourcePreprocessor(Preprocessor):
    """Starts each document: its page, source and catalog, before anything rewrites them."""

    def __init__(self, md: Markdown, inline: RefsInlineProcessor) -> None:
        super().__init__(md)
        self.inline = inline

    def run(self, lines: list[str]) -> list[str]:
        ext = self.inline.ext
        page = ext.page or _context_page(self.md) or ""
        self.inline.start(page, lines, ext.page_catalog(page, lines))
        if page:
            ext.shown.start(page)
        return lines


class RefsInlineProcessor(InlineProcessor):
    """One `[[…]]` as a link (or plain text, reported), plus the document it is in: its
    page, source lines, catalog and how often each reference was seen so far."""

    def __init__(self, ext: RefsExtension, md: Markdown) -> None:
        super().__init__(REFERENCE.pattern, md)
        self.ext = ext
        self.start("", [], None)

    def start(self, page: str, lines: list[str], catalog: Catalog | None) -> None:
        self.page = page
        self.lines = lines
        self.catalog = catalog
        self.seen: Counter[str] = Counter()
        self.candidates: dict[str, list[int]] | None = None

    def handleMatch(self, m, data):  # type: ignore[override]
        shown = self.ext.shown
        # Inline code or escapes inside a label were already stashed by earlier patterns:
        # read the reference with their text put back.
        typed = REFERENCE.fullmatch(_unstash(self.unescape(m[0]))) if "\x02" in m[0] else m
        text = (typed or m)[0]
        self.seen[text] += 1
        if self.catalog is None:
            shown.record(self.page, text, None)
            return AtomicString(text), m.start(0), m.end(0)
        pages_dir = self.ext.getConfig("pages_dir")
        result = shown.html_of(self.catalog, typed or m, self.page, pages_dir)
        html = result if isinstance(result, str) else None
        shown.record(self.page, text, html, (self.catalog, pages_dir))
        if isinstance(result, str):
            return _element(result), m.start(0), m.end(0)
        self.report(text, result)
        return AtomicString(result.fallback), m.start(0), m.end(0)

    def report(self, text: str, problem: Unresolved) -> None:
        """One unresolved reference, at its page and line."""
        assert self.catalog is not None
        project = self.catalog.project
        docs = project.relative(project.docs_dir)
        where = posixpath.join(docs, self.page) if self.page else docs
        line = self.line_of(text, self.seen[text])
        message = f"reference {text}: {problem.message}"
        self.ext.report(Problem(where, line, message, problem.hint, severity=self.ext.severity))

    def line_of(self, text: str, occurrence: int) -> int | None:
        """The line of the `occurrence`-th (1-based) parsed `text` on the page file."""
        if self.candidates is None:
            self.candidates = _reference_lines(self._file_lines())
        lines = self.candidates.get(text, [])
        return lines[min(occurrence, len(lines)) - 1] if lines else None

    def _file_lines(self) -> list[str]:
        """The page on disk (front matter included, so lines match the editor's)."""
        project = self.catalog.project if self.catalog else self.ext.project()
        try:
            text = (project.docs_dir / self.page).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            return self.lines
        return text.splitlines()


def _reference_lines(lines: list[str]) -> dict[str, list[int]]:
    """Each reference text → the lines it appears on outside code, in order."""
    found: dict[str, list[int]] = {}
    for number, (line, code) in enumerate(zip(lines, code_lines(lines), strict=True), 1):
        if code or "[[" not in line:
            continue
        spans = code_spans(line) if "`" in line else []
        for match in REFERENCE.finditer(line):
            if not any(a <= match.start() < b for a, b in spans):
                found.setdefault(match[0], []).append(number)
    return found


# Python-Markdown's placeholder for a backslash-escaped character: STX, its code, ETX.
_ESCAPED = re.compile("\x02([0-9]+)\x03")


def _unstash(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m[1])), text)


# Characters XML (and so the element tree) cannot hold; Looker titles are untrusted text.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# An `&` the serializer would take for the start of a character reference (its RE_AMP).
_REFERENCE_LIKE = re.compile(r"&(?=(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.IGNORECASE)


def _element(html: str) -> etree.Element:
    """Our own well-formed HTML as elements, its text kept from further inline parsing: new
    elements on every call (the page's tree owns them), copied from `_parsed`."""
    return _copy(_parsed(html))


@lru_cache(maxsize=1024)  # the same reference shows the same HTML in a page and its folder
def _parsed(html: str) -> etree.Element:
    """`html` parsed, never handed out (`_element` hands out copies): copying a reference's
    few elements takes a fifth of the time of parsing them (15,000 references a build).

    Python-Markdown's serializer leaves an `&` that starts something shaped like a
    character reference as it is, so text that reads `&lt;b&gt;` (a Looker title, say)
    would reach the browser as `<b>`: such an `&` is written as `&amp;` here, which the
    serializer then keeps, and the reader sees the text as typed.
    """
    root = etree.fromstring(f'<span class="hb-ref">{_NOT_XML.sub("", html)}</span>')
    for node in root.iter():
        if node.text:
            node.text = AtomicString(_amp(node.text))
        if node.tail:
            node.tail = AtomicString(_amp(node.tail))
    return root


def _copy(node: etree.Element) -> etree.Element:
    """`node` and everything in it as new elements; their text (immutable) is shared."""
    out = etree.Element(node.tag, node.attrib)
    out.text, out.tail = node.text, node.tail
    out.extend(_copy(child) for child in node)
    return out


def _amp(text: str) -> str:
    """`text` with each `&` that looks like a reference's start written `&amp;` (most text
    has no `&` at all: no regex pass then)."""
    return _REFERENCE_LIKE.sub("&amp;", text) if "&" in text else text


def makeExtension(**kwargs: Any) -> RefsExtension:
    return RefsExtension(**kwargs)
