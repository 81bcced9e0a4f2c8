"""Every page of a handbook checked before a build starts writing anything.

`check_pages` finds each `[[…]]` reference under docs/ that does not resolve and each page
that is not UTF-8, with file and line: `handbook validate`, `handbook generate --strict`
and a strict `mkdocs build` report them up front rather than halfway through a build.

`PrebuildCheck` is the same before a Zensical build, which has no plugin to ask. Its catalog
pages are files `handbook generate` wrote, which nothing else keeps current, so the first
page the `handbook.refs` extension renders in a process checks them
(`handbook.generate.state`): missing or stale pages are logged as a warning naming the file
that changed and the command to run; under `zensical build --strict` they, and every
reference in docs/ that does not resolve, stop the build (`handbook.markdown.zensical_run`).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markdown import Markdown

from handbook.errors import CatalogError, Problem
from handbook.project import Project
from handbook.textfile import read_utf8

if TYPE_CHECKING:
    from handbook.catalog import Catalog
    from handbook.markdown.refs_extension import RefsExtension

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


def _strip_front_matter(text: str) -> str:
    if not text.startswith("---"):
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines[1:], 1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[i + 1 :])
    return text


def markdown_files(docs: Path) -> list[str]:
    """Every `*.md` under `docs`, as path strings in sorted order: the pages both checks
    here read (`read_pages`, `unreadable_pages`).

    `os.walk` rather than `Path.rglob`: under `mkdocs serve` this runs on every rebuild,
    and building a `Path` per page cost more than the check itself at 1,000 pages.
    Symbolic links to folders are followed, as MkDocs follows them.
    """
    found: list[str] = []
    for folder, _dirs, names in os.walk(docs, followlinks=True):
        found.extend(os.path.join(folder, name) for name in names if name.endswith(".md"))
    found.sort()
    return found


def read_pages(project: Project) -> tuple[dict[Path, str], list[Problem]]:
    """Every page under docs/ as text, and a problem (file:line) for each that is not UTF-8.

    Run before a build: MkDocs would otherwise die on such a page with a traceback, after
    it has started writing the site.
    """
    texts: dict[Path, str] = {}
    problems: list[Problem] = []
    for path in map(Path, markdown_files(project.docs_dir)):
        try:
            texts[path] = read_utf8(path, project.relative(path))
        except CatalogError as exc:
            problems.extend(exc.problems)
    return texts, problems


Stamp = tuple[int, int]  # a file's modification time (ns) and size


def unreadable_pages(project: Project, readable: dict[str, Stamp] | None = None) -> list[Problem]:
    """A problem (file:line) for each page under docs/ that is not UTF-8 text.

    `readable`, kept by a process that checks again and again (`mkdocs serve`), remembers
    the pages found readable by path, modification time and size: a rebuild reads only
    the pages saved since, not 1,000 pages on every save.
    """
    problems: list[Problem] = []
    for name in markdown_files(project.docs_dir):
        try:
            info = os.stat(name)
            stamp: Stamp | None = (info.st_mtime_ns, info.st_size)
        except OSError:  # gone meanwhile, or unreadable: read_utf8 says which
            stamp = None
        if readable is not None and stamp is not None and readable.get(name) == stamp:
            continue
        path = Path(name)
        try:
            read_utf8(path, project.relative(path))
        except CatalogError as exc:
            problems.extend(exc.problems)
            if readable is not None:
                readable.pop(name, None)
            continue
        if readable is not None and stamp is not None:
            readable[name] = stamp
    return problems


def check_pages(
    catalog: Catalog,
    refs: RefsExtension,
    extensions: Iterable[Any] = DEFAULT_EXTENSIONS,
    configs: dict[str, dict] | None = None,
) -> list[Problem]:
    """Every reference in docs/**/*.md that does not resolve, and every page that is not
    UTF-8, as errors with file and line.

    `refs` is a new `handbook.refs` extension (its `pages_dir` option says where the
    generated pages are); it is given `catalog` and reports here. Each page that contains
    `[[` is parsed with `extensions` (the site's own, when the caller has them) so code is
    told apart exactly as the build will; pages without one are only read.
    """
    texts, problems = read_pages(catalog.project)
    refs.catalog, refs.report, refs.severity = catalog, problems.append, "error"
    md = Markdown(extensions=[*extensions, refs], extension_configs=configs or {})
    docs = catalog.project.docs_dir
    for path, text in texts.items():
        if "[[" in text:
            refs.page = path.relative_to(docs).as_posix()
            md.reset().convert(_strip_front_matter(text))
    return problems


class PrebuildCheck:
    """The generated pages of each handbook (and, for `zensical build --strict`, every
    reference) checked once per process, before the first page; see the module docstring."""

    def __init__(self) -> None:
        self.checked: set[tuple[Path, str]] = set()
        self.lock = threading.Lock()  # Zensical may render pages from more than one thread

    def run_once(
        self,
        project: Project,
        pages_dir: str,
        catalog: Callable[[Project], Catalog | None],
        refs: Callable[[], RefsExtension],
    ) -> None:
        """Report missing or stale generated pages, the first time only. `catalog` gives the
        project's catalog (None when it has errors) and `refs` a new extension to check
        references with; both are asked only under `zensical build --strict`."""
        from handbook.generate.state import generated_problems
        from handbook.markdown import zensical_run

        with self.lock:
            if (project.root, pages_dir) in self.checked:
                return
            self.checked.add((project.root, pages_dir))
            problems = generated_problems(project, pages_dir, zensical_run.directory_urls())
            if zensical_run.strict_build():
                loaded = catalog(project)
                if loaded is not None:
                    found = check_pages(loaded, refs())
                    problems += [p for p in found if p.severity == "error"]
                if problems:
                    zensical_run.abort(problems)
            for problem in problems:
                log.warning("%s", replace(problem, severity="warning"))
