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
MkDocs plugin does), else it is loaded from the handbook folder (`root`, default the nearest
folder above the working directory with `mkdocs.yml`) and kept for the process, reloaded
when a file under the catalog folder changes. The page being rendered comes from the
`page` attribute (set by the MkDocs plugin), or from Zensical's rendering context.

A reference that does not resolve is reported (by default logged as a WARNING on the
`mkdocs.plugins.handbook` logger, as `docs/<page>:<line>: reference …`, which fails
`mkdocs build --strict`) and shown as plain text.

Without an adapter (Zensical), the catalog pages are files `handbook generate` wrote, which
nothing else keeps current. So the first page an engine renders in a process checks them
(`handbook.generate.state`): missing or stale pages are logged as a warning naming the
file that changed and the command to run; under `zensical build --strict` they, and every
`[[…]]` reference in docs/ that does not resolve, stop the build
(`handbook.markdown.zensical_run`).
"""

from __future__ import annotations

import logging
import posixpath
import re
import threading
import xml.etree.ElementTree as etree
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.util import AtomicString

from handbook.errors import CatalogError, Problem
from handbook.fingerprint import folder_fingerprint
from handbook.markdown.code import code_lines
from handbook.markdown.mdlinks import code_spans
from handbook.markdown.references import (
    REFERENCE,
    Reference,
    Resolved,
    Unresolved,
    parse,
    resolve,
)
from handbook.project import Project
from handbook.render.references import reference_html
from handbook.textfile import read_utf8

if TYPE_CHECKING:
    from handbook.catalog import Catalog

log = logging.getLogger("mkdocs.plugins.handbook")

# Markdown extensions whose syntax decides what is code or indented content in handbook
# pages; `check_pages` parses with these unless the caller passes the site's own list.
DEFAULT_EXTENSIONS = (
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
)


def log_problem(problem: Problem) -> None:
    """Report a reference problem as MkDocs reports its own: a WARNING naming the place."""
    log.warning("%s", problem.unlabelled())


class RefsExtension(Extension):
    """Resolve `[[kind:target]]` references against the handbook catalog."""

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
        # What each converted page's references showed; an adapter that keeps pages built
        # across rebuilds (MkDocs' `serve --dirty`) asks it which pages a new catalog changes.
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
        page = _PageState(self, md)
        # Before every other preprocessor: the source exactly as written.
        md.preprocessors.register(_SourcePreprocessor(md, page), "handbook_refs_source", 100)
        # After `backtick` (190) and `escape` (180), before links (170): code spans win.
        md.inlinePatterns.register(_RefsInline(page), "handbook_refs", 175)
        md.registerExtension(self)


class _PageState:
    """One conversion's page: its path, source, catalog and references seen so far."""

    def __init__(self, ext: RefsExtension, md: Markdown) -> None:
        self.ext = ext
        self.md = md
        self.start("", [])

    def start(self, page: str, lines: list[str]) -> None:
        self.page = page
        self.lines = lines
        self.seen: Counter[str] = Counter()
        self.candidates: dict[str, list[int]] | None = None
        self.catalog = None

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


def _context_page(md: Markdown) -> str | None:
    """The page Zensical is rendering, from its `rendering_context` preprocessor."""
    if "rendering_context" not in md.preprocessors:
        return None
    context = getattr(md.preprocessors["rendering_context"], "page", None)
    return getattr(context, "path", None)


class _SourcePreprocessor(Preprocessor):
    def __init__(self, md: Markdown, page: _PageState) -> None:
        super().__init__(md)
        self.state = page

    def run(self, lines: list[str]) -> list[str]:
        ext = self.state.ext
        page = ext.page or _context_page(self.md) or ""
        self.state.start(page, lines)
        if ext.catalog is None and page:
            check_generated_pages(ext.project(), ext.getConfig("pages_dir"))
        if any("[[" in line for line in lines):
            self.state.catalog = ext.catalog or catalog_for(ext.project())
        if page:
            ext.shown.start(page)
        return lines


class _RefsInline(InlineProcessor):
    def __init__(self, page: _PageState) -> None:
        super().__init__(REFERENCE.pattern, page.md)
        self.state = page

    def handleMatch(self, m, data):  # type: ignore[override]
        state, ext = self.state, self.state.ext
        # Inline code or escapes inside a label were already stashed by earlier patterns:
        # read the reference with their text put back.
        typed = REFERENCE.fullmatch(_unstash(self.unescape(m[0]))) if "\x02" in m[0] else m
        text = (typed or m)[0]
        state.seen[text] += 1
        if state.catalog is None:
            ext.shown.record(state.page, text, None)
            return AtomicString(text), m.start(0), m.end(0)
        result = _html_of(state.catalog, typed or m, state.page, ext.getConfig("pages_dir"))
        ext.shown.record(state.page, text, result if isinstance(result, str) else None)
        if isinstance(result, str):
            return _element(result), m.start(0), m.end(0)
        self.report(text, result)
        return AtomicString(result.fallback), m.start(0), m.end(0)

    def report(self, text: str, problem: Unresolved) -> None:
        """One unresolved reference, at its page and line."""
        state = self.state
        assert state.catalog is not None
        docs = state.catalog.project.relative(state.catalog.project.docs_dir)
        where = posixpath.join(docs, state.page) if state.page else docs
        line = state.line_of(text, state.seen[text])
        message = f"reference {text}: {problem.message}"
        state.ext.report(Problem(where, line, message, problem.hint, severity=state.ext.severity))


# Resolved references of the current catalog: (reference, page folder, pages_dir) → HTML.
# A new catalog (the next `mkdocs serve` rebuild) starts a new cache.
_HTML_CACHE: list[tuple[Catalog, dict[tuple[str, str, str], str]]] = []


def _resolved_html(catalog: Catalog, ref, page: str, pages_dir: str):
    """The HTML of a resolved reference (cached per page folder), or its `Unresolved`."""
    if not _HTML_CACHE or _HTML_CACHE[0][0] is not catalog:
        _HTML_CACHE[:] = [(catalog, {})]
    cache = _HTML_CACHE[0][1]
    key = (ref.text, posixpath.dirname(page), pages_dir)
    if key in cache:
        return cache[key]
    result = resolve(catalog, ref, page, pages_dir)
    if not isinstance(result, Resolved):
        return result  # never cached: each occurrence is reported at its own line
    html = cache[key] = str(reference_html(result))
    return html


def _html_of(catalog: Catalog, match: re.Match[str], page: str, pages_dir: str):
    """One matched reference's HTML, or the `Unresolved` saying what is wrong with it."""
    ref = parse(match)
    if not isinstance(ref, Reference):
        return ref
    return _resolved_html(catalog, ref, page, pages_dir)


class ShownReferences:
    """Per page (below docs_dir): each reference on it → the HTML it showed (None when it
    did not resolve).

    It lets a serve rebuild after a catalog change rebuild only the hand pages whose
    references now show something else: relabelling one metric rebuilds the pages that
    reference it, not every page with a reference. Comparing the rendered HTML, rather than
    a list of names each page depends on, also catches what a name list would miss (a
    badge whose freshness state changed, a look moved to the trash).
    """

    def __init__(self) -> None:
        self.pages: dict[str, dict[str, str | None]] = {}

    def start(self, page: str) -> None:
        """`page` is being converted again; forget what it showed before."""
        self.pages[page] = {}

    def record(self, page: str, text: str, html: str | None) -> None:
        if page:
            self.pages.setdefault(page, {})[text] = html

    def changed_by(self, catalog: Catalog, pages_dir: str = "") -> set[str]:
        """The recorded pages whose references `catalog` renders differently. A reference
        that did not resolve counts as changed, so its warning is logged again while the
        analyst works on the catalog."""
        changed = set()
        for page, shown in self.pages.items():
            for text, html in shown.items():
                match = REFERENCE.fullmatch(text)
                now = _html_of(catalog, match, page, pages_dir) if match else None
                if html is None or now != html:
                    changed.add(page)
                    break
        return changed


# Python-Markdown's placeholder for a backslash-escaped character: STX, its code, ETX.
_ESCAPED = re.compile("\x02([0-9]+)\x03")


def _unstash(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m[1])), text)


# Characters XML (and so the element tree) cannot hold; Looker titles are untrusted text.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# An `&` the serializer would take for the start of a character reference (its RE_AMP).
_REFERENCE_LIKE = re.compile(r"&(?=(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.IGNORECASE)


def _element(html: str) -> etree.Element:
    """Our own well-formed HTML as elements, its text kept from further inline parsing.

    Python-Markdown's serializer leaves an `&` that starts something shaped like a
    character reference as it is, so text that reads `&lt;b&gt;` (a Looker title, say)
    would reach the browser as `<b>`: such an `&` is written as `&amp;` here, which the
    serializer then keeps, and the reader sees the text as typed.
    """
    root = etree.fromstring(f'<span class="hb-ref">{_NOT_XML.sub("", html)}</span>')
    for node in root.iter():
        if node.text:
            node.text = AtomicString(_REFERENCE_LIKE.sub("&amp;", node.text))
        if node.tail:
            node.tail = AtomicString(_REFERENCE_LIKE.sub("&amp;", node.tail))
    return root


# --- the catalog, loaded once per process ------------------------------------------------
_CATALOGS: dict[tuple[Path, Path], tuple[tuple, Catalog | None]] = {}


def catalog_for(project: Project) -> Catalog | None:
    """The project's catalog, loaded once per process and again after a catalog file changes.

    A catalog with errors is logged once (file:line, no traceback) and gives None, so
    references render as plain text until the next good save.
    """
    from handbook.catalog import load_catalog

    key = (project.root, project.catalog_dir)
    stamp = folder_fingerprint(project.catalog_dir)
    cached = _CATALOGS.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        catalog: Catalog | None = load_catalog(project)
    except CatalogError as exc:
        log.error("the handbook catalog has problems; references show as plain text:\n%s", exc)
        catalog = None
    _CATALOGS[key] = (stamp, catalog)
    return catalog


# --- the generated pages, checked once per process (engines without our plugin) ----------
_CHECKED: set[tuple[Path, str]] = set()
_CHECKING = threading.Lock()


def check_generated_pages(project: Project, pages_dir: str) -> None:
    """Report missing or stale generated pages once per process; see the module docstring."""
    from handbook.generate.state import generated_problems
    from handbook.markdown import zensical_run

    with _CHECKING:  # Zensical may render pages from more than one thread
        if (project.root, pages_dir) in _CHECKED:
            return
        _CHECKED.add((project.root, pages_dir))
        problems = generated_problems(project, pages_dir, zensical_run.directory_urls())
        if zensical_run.strict_build():
            catalog = catalog_for(project)
            if catalog is not None:
                problems += [p for p in check_pages(catalog) if p.severity == "error"]
            if problems:
                zensical_run.abort(problems)
        for problem in problems:
            log.warning("%s", replace(problem, severity="warning"))


# --- checking every page before a build ---------------------------------------------------
def _strip_front_matter(text: str) -> str:
    if not text.startswith("---"):
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines[1:], 1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[i + 1 :])
    return text


def read_pages(project: Project) -> tuple[dict[Path, str], list[Problem]]:
    """Every page under docs/ as text, and a problem (file:line) for each that is not UTF-8.

    Run before a build: MkDocs would otherwise die on such a page with a traceback, after
    it has started writing the site.
    """
    texts: dict[Path, str] = {}
    problems: list[Problem] = []
    for path in sorted(project.docs_dir.rglob("*.md"), key=str):
        try:
            texts[path] = read_utf8(path, project.relative(path))
        except CatalogError as exc:
            problems.extend(exc.problems)
    return texts, problems


def check_pages(
    catalog: Catalog,
    extensions: Iterable[Any] = DEFAULT_EXTENSIONS,
    configs: dict[str, dict] | None = None,
    pages_dir: str = "",
) -> list[Problem]:
    """Every reference in docs/**/*.md that does not resolve, and every page that is not
    UTF-8, as errors with file and line.

    Each page that contains `[[` is parsed with `extensions` (the site's own, when the
    caller has them) so code is told apart exactly as the build will; pages without one are
    only read. Lets `handbook validate` and a strict build report problems up front.
    """
    texts, problems = read_pages(catalog.project)
    ext = RefsExtension(pages_dir=pages_dir)
    ext.catalog, ext.report, ext.severity = catalog, problems.append, "error"
    md = Markdown(extensions=[*extensions, ext], extension_configs=configs or {})
    docs = catalog.project.docs_dir
    for path, text in texts.items():
        if "[[" in text:
            ext.page = path.relative_to(docs).as_posix()
            md.reset().convert(_strip_front_matter(text))
    return problems


def makeExtension(**kwargs: Any) -> RefsExtension:
    return RefsExtension(**kwargs)
