"""Catalog references typed in handbook Markdown, resolved against this build's catalog.

Analysts write what they mean, not a URL that will rot::

    [[metric:mau]]                      the metric's page, with its status badge
    [[look:729]]                        the look, titled as it is in Looker today
    [[dashboard:177]]                   a dashboard by numeric id
    [[dashboard:product::executive_summary]]   a LookML dashboard (model::name)
    [[board:12]]                        a board, titled as in Looker today
    [[dashboard:177?Organization=Uber&Created+Date=90+day|Uber tickets]]
                                        a look, dashboard or board link that keeps
                                        Looker's query string (filters, toggles)
    [[freshness:hubspot]]               the source's freshness badge and age
    [[look:729|Monthly users]]          any of the above with your own link text

Titles, owners, view counts and statuses come from the snapshot of this build, so a
renamed look is renamed on every page that mentions it. A reference that does not resolve
(unknown metric or source; look or dashboard missing, deleted or in an excluded folder)
is logged as a WARNING naming `docs/<page>:<line>` and rendered as plain text: the page
never links to content readers may not see, and `mkdocs build --strict` fails on it.

Code is left alone, so the editors' guide can show the syntax: fenced blocks, indented
code blocks (both as `markdown_code` defines them, shared with the link check) and inline
code spans are copied through untouched. The page is read once, line by line, and each
paragraph is searched with one regular expression, so the cost is linear in page size.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from markupsafe import Markup

from handbook.curated.metrics import status_badge
from handbook.errors import CatalogError, Problem
from handbook.markdown.code import code_lines
from handbook.render.templating import link, md_text, number
from handbook.textfile import read_utf8

if TYPE_CHECKING:
    from handbook.catalog import Catalog

log = logging.getLogger("mkdocs.plugins.handbook")

# In one pass over a paragraph: a code span (kept as is) or a reference. A code span is a
# run of N backticks up to the next run of exactly N; it cannot cross a blank line, and
# paragraphs are searched separately, so an unclosed backtick costs one paragraph at most.
_INLINE = re.compile(
    r"(?P<code>(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<ref>\[\[(?P<kind>[a-z_]+):(?P<target>[^\]|\n]*)(?:\|(?P<label>[^\]\n]*))?\]\])",
    re.DOTALL,
)


KINDS = ("metric", "look", "dashboard", "board", "freshness")
# Kinds whose link goes to Looker, so a Looker query string can ride along.
_QUERY_KINDS = ("look", "dashboard", "board")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class ReferenceSyntaxError(ValueError):
    """A reference that cannot be read; `args` are (what is wrong, what to do)."""


@dataclass(frozen=True)
class RefTarget:
    """What one `[[kind:id?query|label]]` asks for; `query` has no leading `?`."""

    kind: str
    id: str
    query: str = ""
    label: str | None = None


def parse_reference(kind: str, target: str, label: str | None = None) -> RefTarget:
    """The parts of a reference, from the text between `[[` and `]]` split at `:` and `|`.

    Pure (no catalog, no I/O), so any expander (this module, a Markdown extension) reads
    references the same way. The query string is kept as typed; characters a URL may not
    hold are percent-encoded when the link is built, and a `%` must start an escape.
    Raises `ReferenceSyntaxError(message, hint)` for a malformed reference.
    """
    if kind not in KINDS:
        raise ReferenceSyntaxError(
            f"unknown reference kind '{kind}'",
            "write [[metric:NAME]], [[look:ID]], [[dashboard:ID]], [[board:ID]] or "
            "[[freshness:SOURCE]]",
        )
    item_id, mark, query = target.strip().partition("?")
    item_id = item_id.strip()
    if not item_id:
        raise ReferenceSyntaxError(f"no {kind} given", f"write [[{kind}:ID]]")
    if mark and kind not in _QUERY_KINDS:
        raise ReferenceSyntaxError(
            f"a {kind} reference cannot carry a query string ('?{query}')",
            "only look, dashboard and board references keep Looker filters; remove it",
        )
    if mark:
        _check_query(query)
    return RefTarget(kind, item_id, query, (label or "").strip() or None)


def _check_query(query: str) -> None:
    fix = "copy the part after '?' from the Looker URL, e.g. ?Region=EMEA&Created+Date=90+day"
    if not query:
        raise ReferenceSyntaxError("'?' with no query string after it", fix)
    if any(ch.isspace() for ch in query):
        raise ReferenceSyntaxError(
            "the query string has a space", "write a space as '+' or %20, as Looker does"
        )
    if _BAD_PERCENT.search(query):
        raise ReferenceSyntaxError(
            "the query string has a '%' that starts no escape", "write a literal % as %25"
        )
    if any(not part or part.startswith("=") for part in query.split("&")):
        raise ReferenceSyntaxError(f"the query string '?{query}' has an empty filter", fix)


def with_query(url: str, query: str) -> str:
    """`url` with the reference's query string, every character a URL may not hold encoded."""
    return f"{url}?{quote(query, safe=_QUERY_SAFE)}" if query else url


_QUERY_SAFE = "!$&'()*+,;=:@/?%-._~[]"


@dataclass
class _Block:
    text: str
    line: int  # 1-based line of the block's first character in the page's Markdown
    code: bool


def _blocks(markdown: str) -> Iterator[_Block]:
    """The page as alternating code and prose blocks; prose is split at blank lines.

    What counts as code is `markdown_code.code_lines`, the rule the link check uses too.
    """
    lines = markdown.splitlines(keepends=True)
    current: list[str] = []
    current_code = False
    start = 1
    for number_, (line, code) in enumerate(zip(lines, code_lines(lines), strict=True), start=1):
        blank = not line.strip()
        # Prose paragraphs end at blank lines so an unclosed backtick stays local.
        if current and (code != current_code or (not code and blank)):
            yield _Block("".join(current), start, current_code)
            current = []
        if not current:
            start, current_code = number_, code
        current.append(line)
    if current:
        yield _Block("".join(current), start, current_code)


class _Resolver:
    """Turns one page's references into Markdown; reports the ones that do not resolve."""

    def __init__(
        self,
        catalog: Catalog,
        src_uri: str,
        report: Callable[[Problem], None],
        line_offset: Callable[[], int] = lambda: 0,
    ) -> None:
        self.catalog = catalog
        self.src_uri = src_uri
        self.report = report
        # Lines above the Markdown given (front matter): only worked out for a warning.
        self.line_offset = line_offset
        self.failed = False

    def warn(self, line: int, ref: str, message: str, hint: str) -> None:
        self.failed = True
        where = f"docs/{self.src_uri}"
        self.report(Problem(where, line + self.line_offset(), f"reference {ref}: {message}", hint))

    def resolve(self, match: re.Match[str], line: int) -> str:
        """The Markdown for one reference; resolved ones are cached for the whole build.

        Output depends only on the reference and the page's folder (relative links), so a
        reference used on many pages costs one lookup; unresolved ones are never cached,
        because each occurrence must be warned about at its own line.
        """
        key = (match["ref"], posixpath.dirname(self.src_uri))
        cache = _cache_for(self.catalog)
        if key in cache:
            return cache[key]
        self.failed = False
        out = self._resolve(match, line)
        if not self.failed:
            cache[key] = out
        return out

    def _resolve(self, match: re.Match[str], line: int) -> str:
        ref = match["ref"]
        try:
            parsed = parse_reference(match["kind"], match["target"], match["label"])
        except ReferenceSyntaxError as exc:
            self.warn(line, ref, *exc.args)
            return md_text(ref)
        target, label = parsed.id, parsed.label
        if parsed.kind == "metric":
            return self.metric(target, label, ref, line)
        if parsed.kind in ("look", "dashboard"):
            return self.item(parsed, ref, line)
        if parsed.kind == "board":
            return self.board(parsed, ref, line)
        return self.freshness(target, label, ref, line)

    def metric(self, name: str, label: str | None, ref: str, line: int) -> str:
        metric = self.catalog.metrics_by_name.get(name)
        if metric is None:
            self.warn(
                line,
                ref,
                f"unknown metric '{name}'",
                _suggest(name, self.catalog.metrics_by_name, "catalog/metrics/*.yml"),
            )
            return md_text(label or ref)
        here = posixpath.dirname(self.src_uri) or "."
        target = posixpath.relpath(f"metrics/{metric.name}.md", here)
        return Markup(f"[{md_text(label or metric.label)}]({target}) {status_badge(metric.status)}")

    def item(self, parsed: RefTarget, ref: str, line: int) -> str:
        catalog = self.catalog
        kind, label = parsed.kind, parsed.label
        item = catalog.items.get((kind, parsed.id))
        if item is None:
            why, hint = catalog.why_unpublished(kind, parsed.id) or ("", "")
            self.warn(line, ref, why, hint)
            return md_text(label or ref)
        note = [kind]
        if label:
            note.append(item.title)
        if item.owner:
            note.append(item.owner)
        views = f"{number(item.view_count)} view{'s' if item.view_count != 1 else ''}"
        note.append(views)
        shown = Markup(" · ").join(md_text(part) for part in note)
        text = link(label or item.title, with_query(catalog.item_url(item), parsed.query))
        return Markup(f'{text} <small class="hb-ref-note">({shown})</small>')

    def board(self, parsed: RefTarget, ref: str, line: int) -> str:
        board = self.catalog.boards.get(parsed.id)
        if board is None:
            why, hint = self.catalog.why_unpublished("board", parsed.id) or ("", "")
            self.warn(line, ref, why, hint)
            return md_text(parsed.label or ref)
        count = sum(len(s.items) for s in board.sections)
        note = ["board"] + ([board.title] if parsed.label else [])
        note.append(f"{number(count)} item{'s' if count != 1 else ''}")
        shown = Markup(" · ").join(md_text(part) for part in note)
        url = with_query(self.catalog.board_url(board), parsed.query)
        text = link(parsed.label or board.title, url)
        return Markup(f'{text} <small class="hb-ref-note">({shown})</small>')

    def freshness(self, name: str, label: str | None, ref: str, line: int) -> str:
        source = self.catalog.sources_by_name.get(name)
        if source is None:
            self.warn(
                line,
                ref,
                f"unknown data source '{name}'",
                _suggest(name, self.catalog.sources_by_name, "catalog/sources/*.yml"),
            )
            return md_text(label or ref)
        from handbook.freshness.rules import source_summary

        here = posixpath.dirname(self.src_uri) or "."
        target = posixpath.relpath("data/freshness.md", here)
        return Markup(
            f"[{md_text(label or source.label)}]({target}) "
            f"{source_summary(self.catalog, source.name)}"
        )


# One build's resolved references: (catalog, {(reference, page folder): Markdown}). A new
# catalog (the next `mkdocs serve` rebuild) starts a new cache.
_CACHE: list[tuple[Catalog, dict[tuple[str, str], str]]] = []


def _cache_for(catalog: Catalog) -> dict[tuple[str, str], str]:
    if not _CACHE or _CACHE[0][0] is not catalog:
        _CACHE[:] = [(catalog, {})]
    return _CACHE[0][1]


def _suggest(name: str, known: dict[str, object], where: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=2, cutoff=0.6)
    guess = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return f"{guess}names are defined in {where}"


def _expand(markdown: str, resolver: _Resolver) -> str:
    out: list[str] = []
    for block in _blocks(markdown):
        if block.code or "[[" not in block.text:
            out.append(block.text)
            continue
        line, pos = block.line, 0

        def replace(match: re.Match[str], block: _Block = block) -> str:
            nonlocal line, pos
            if match["code"] is not None:
                return match[0]
            line += block.text.count("\n", pos, match.start())
            pos = match.start()
            return resolver.resolve(match, line)

        out.append(_INLINE.sub(replace, block.text))
    return "".join(out)


def expand_page(markdown: str, src_uri: str, catalog: Catalog) -> str:
    """`markdown` with every `[[kind:target]]` outside code replaced by live catalog content.

    `src_uri` is the page's path below docs/ (MkDocs' `page.file.src_uri`); links to metric
    pages are made relative to it so MkDocs checks and rewrites them like hand-typed ones.
    A reference that does not resolve is logged as a WARNING (which fails --strict builds);
    `check_pages` has normally reported it before the build started.
    """
    if "[[" not in markdown:
        return markdown
    resolver = _Resolver(
        catalog,
        src_uri,
        _log_problem,
        lambda: _front_matter_lines(catalog, src_uri, markdown),
    )
    return _expand(markdown, resolver)


def check_pages(catalog: Catalog) -> list[Problem]:
    """Every reference in docs/**/*.md that does not resolve, with its file and line.

    Run before MkDocs starts (it empties site/ first and, in strict mode, aborts only after
    writing every page), so a broken reference stops the build with the previous site
    intact, and `handbook validate` reports the same problems. Reads each page once.
    """
    problems: list[Problem] = []
    docs = catalog.project.docs_dir
    for path in sorted(docs.rglob("*.md"), key=str):
        try:
            text = read_utf8(path, catalog.project.relative(path))
        except CatalogError as exc:  # MkDocs would die on it with a traceback
            problems.extend(exc.problems)
            continue
        if "[[" in text:
            src_uri = path.relative_to(docs).as_posix()
            _expand(text, _Resolver(catalog, src_uri, problems.append))
    return problems


def _log_problem(problem: Problem) -> None:
    log.warning("%s", str(problem).replace(": error: ", ": ", 1))


def _front_matter_lines(catalog: Catalog, src_uri: str, markdown: str) -> int:
    """Lines MkDocs removed above the Markdown it gave us (YAML front matter).

    Read from the file on disk, and only when a warning needs a line number.
    """
    path = catalog.project.docs_dir / src_uri
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 0
    if markdown and text.endswith(markdown):
        return text[: len(text) - len(markdown)].count("\n")
    return 0
