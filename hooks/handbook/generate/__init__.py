"""`handbook generate`: every generated page as plain Markdown under docs/, for any engine.

Engines without a plugin API (Zensical reads `mkdocs.yml` and runs Python-Markdown
extensions, but ignores plugins and hooks) build the catalog from files: this writes them,
and the `handbook.refs` Markdown extension resolves references while the engine renders.
The stylesheet and the table filter script are written too, at the paths `mkdocs.yml` lists
in `extra_css` and `extra_javascript`, and `catalog.json` (`handbook.export`), which the
engine copies to the site root as the MkDocs plugin writes it there.

Modules: `run` (validate, then write: what the command does once), `install` (writing
beside the user's files without touching them), `record` (what was written, from what),
`inputs` (digests of the catalog and of this package), `gitignore` (keeping it all out of
`git status`), `files` (whole-file writes), `state` (are the pages on disk current?) and
`watch` (`--watch`: generate again after each change under catalog/).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from handbook.catalog import Catalog
from handbook.errors import Problem
from handbook.export import chunks
from handbook.generate.inputs import generator_digest
from handbook.generate.install import Installed, Target, install_targets
from handbook.generate.record import Record, WarningRecord, load_record
from handbook.render.addresses import CATALOG_EXPORT, CSS_PATH, JS_PATH
from handbook.render.cache import RenderCache
from handbook.render.pages import all_pages, all_specs, in_folder
from handbook.render.shipped import script, stylesheet


def _targets(catalog: Catalog, pages_dir: str, cache: RenderCache | None) -> list[Target]:
    project = catalog.project
    docs = project.docs_dir
    shown = project.relative(docs)
    out = []
    pages = in_folder(cache.render(all_specs(catalog)), pages_dir) if cache else None
    for page in pages or all_pages(catalog, pages_dir):
        source = f" (from {page.edit_path})" if page.edit_path else ""
        what = f"the generated page {posixpath.join(shown, page.path)}{source}"
        out.append(Target(docs / page.path, page.content.encode("utf-8"), what))
    for path, text in ((CSS_PATH, stylesheet()), (JS_PATH, script())):
        what = f"the generated {posixpath.join(shown, path)} (shipped with the handbook package)"
        out.append(Target(docs / path, text.encode("utf-8"), what))
    data = "".join(chunks(catalog, pages_dir))
    what = f"the generated {posixpath.join(shown, CATALOG_EXPORT)} (the catalog as data)"
    out.append(Target(docs / CATALOG_EXPORT, data.encode("utf-8"), what))
    return out


def generate(
    catalog: Catalog,
    pages_dir: str = "",
    *,
    inputs: dict[str, str] | None = None,
    published_through: Iterable[Problem] = (),
    cache: RenderCache | None = None,
) -> Installed:
    """Write every generated page, the stylesheet and the filter script below docs/.

    `inputs` are the catalog's digests taken before it was loaded (`inputs.input_digests`),
    `published_through` the problems the pages show rather than refuse (content gone from
    Looker); both go into the record for `handbook.generate.state`. A `cache` kept across
    runs (`--watch`) renders again only the pages whose inputs changed. CatalogError when a
    file of the user's is in the way (nothing is written then).
    """
    from handbook.generate.inputs import input_digests

    project = catalog.project
    previous = load_record(project) or Record()
    new = Record(
        pages_dir=pages_dir,
        directory_urls=project.directory_urls,
        generator=generator_digest(),
        catalog=inputs if inputs is not None else input_digests(project),
        warnings=[
            WarningRecord(file=p.file, line=p.line, message=p.message, hint=p.hint)
            for p in published_through
        ],
    )
    return install_targets(project, _targets(catalog, pages_dir, cache), previous, new)
