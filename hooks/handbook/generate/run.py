"""One run of `handbook generate`: load, validate, then write, as a plain or a strict build would.

Like `mkdocs build`, a plain run refuses only what would make the pages wrong (YAML mistakes,
cross-check errors) and publishes through, with warnings, what a strict build refuses: curated
YAML naming Looker content that is gone (shown as gone) and `[[…]]` references in hand pages
that do not resolve (shown as plain text by the engine). `strict` refuses those too, like
`mkdocs build --strict`. The Zensical `--strict` build reports what was published through
again (it is in the record), so a plain generate before a strict build is still strict.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from handbook.errors import CatalogError, Problem
from handbook.gc_pause import gc_paused
from handbook.generate.install import Installed, Stopped
from handbook.project import Project
from handbook.render.cache import RenderCache

if TYPE_CHECKING:
    from handbook.catalog import Catalog


@dataclass
class Outcome:
    """What a run found and did; `installed` is None when nothing was written."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    installed: Installed | None = None
    stopped: bool = False  # the errors came after some files were written


def generate_once(
    project: Project,
    pages_dir: str,
    *,
    strict: bool = False,
    cache: RenderCache | None = None,
    check_references: bool = True,
) -> Outcome:
    """Validate and write; YAML errors come back as `errors`, never raised.

    `--watch` passes a `cache` it keeps between runs, and, unless strict, skips checking the
    hand pages' references: they only warn, and the engine's serve reports them itself.
    """
    from handbook.catalog import load_catalog
    from handbook.generate.inputs import input_digests

    # Digests first: a file saved while the run reads the catalog then makes the record
    # look stale (another run is due), never current.
    inputs = input_digests(project)
    try:
        catalog = load_catalog(project)
    except CatalogError as exc:
        return Outcome(errors=list(exc.problems))
    with gc_paused():  # many small acyclic objects (keys, pages): see handbook.gc_pause
        return _check_and_write(
            catalog, pages_dir, inputs, strict, cache, check_references or strict
        )


def _check_and_write(
    catalog: Catalog,
    pages_dir: str,
    inputs: dict[str, str],
    strict: bool,
    cache: RenderCache | None,
    check_references: bool,
) -> Outcome:
    from handbook.generate import generate
    from handbook.markdown.page_check import check_pages
    from handbook.markdown.refs_extension import RefsExtension
    from handbook.validate import validate_catalog

    found = validate_catalog(catalog)
    gone = [p for p in found if p.severity == "error" and p.publishable]
    pages = check_pages(catalog, RefsExtension()) if check_references else []
    errors = [p for p in found if p.severity == "error" and not p.publishable]
    if strict:
        errors += gone + pages
    if errors:
        return Outcome(errors=errors)
    notes = [p for p in found if p.severity != "error"]  # e.g. drift from LookML
    warnings = notes + [replace(p, severity="warning") for p in gone + pages]
    try:
        installed = generate(catalog, pages_dir, inputs=inputs, published_through=gone, cache=cache)
    except CatalogError as exc:
        stopped = isinstance(exc, Stopped)
        return Outcome(errors=list(exc.problems), warnings=warnings, stopped=stopped)
    return Outcome(warnings=warnings, installed=installed)
