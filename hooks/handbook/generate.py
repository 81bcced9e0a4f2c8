"""`handbook generate`: every generated page as plain Markdown under docs/, for any engine.

Engines without a plugin API (Zensical reads `mkdocs.yml` and runs Python-Markdown
extensions, but ignores plugins and hooks) build the catalog from files: this writes them,
and the `handbook.refs` Markdown extension resolves references while the engine renders.

The catalog is validated first (YAML, cross-checks and every `[[…]]` reference); nothing is
written when it has errors. Pages are written to a temporary folder inside docs/, then
swapped in: with `pages_dir` set, the whole folder is replaced by one rename; with the pages
at the top of docs/ (this handbook, so its URLs match the MkDocs build), each top folder
holding only generated pages (`metrics/`, `looker/`, …) is replaced by one rename, and a
generated page in a folder of hand-written ones (`data/freshness.md`) by one `os.replace`.
A reader (or `zensical serve`) never sees a half-written page or a half-written folder.
The stylesheet and the table filter script are written too, at the paths `mkdocs.yml` lists in
`extra_css` and `extra_javascript`.
"""

from __future__ import annotations

import os
import shutil
import uuid
from importlib.resources import files as package_files
from pathlib import Path

from handbook.catalog import Catalog
from handbook.render.pages import Page, all_pages

CSS_PATH = "assets/handbook/handbook.css"
JS_PATH = "assets/handbook/filters.js"  # the generated tables' filters
MARKER = ".handbook-generated"  # in each folder `generate` owns and may replace wholesale


def stylesheet() -> str:
    return package_files("handbook.render").joinpath("assets/handbook.css").read_text("utf-8")


def script() -> str:
    """The table filters the generated pages use (`<div class="hb-filter">`)."""
    return package_files("handbook.render").joinpath("assets/filters.js").read_text("utf-8")


def written_by_generate(folder: Path) -> bool:
    """Whether `folder` below docs/ holds pages an earlier `handbook generate` wrote."""
    return (folder / MARKER).is_file()


def _owned(folder: Path) -> bool:
    """A docs/ folder `generate` may replace: absent, or made by an earlier run."""
    return not folder.exists() or (folder / MARKER).is_file()


def _swap_folder(new: Path, target: Path) -> None:
    old = target.with_name(f".handbook-generate-old-{uuid.uuid4().hex}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _install(staging: Path, docs: Path, tops: set[str]) -> None:
    """Move each staged top-level entry into docs/ with renames (see the module docstring)."""
    for top in sorted(tops):
        staged, target = staging / top, docs / top
        if staged.is_dir() and _owned(target):
            (staged / MARKER).write_text("written by `handbook generate`\n", encoding="utf-8")
            _swap_folder(staged, target)
            continue
        for path in sorted(p for p in staged.rglob("*") if p.is_file()):
            dest = target / path.relative_to(staged) if staged.is_dir() else target
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, dest)


def write_pages(pages: list[Page], docs: Path, extra: dict[str, str] | None = None) -> list[Path]:
    """Write `pages` (and `extra` files, path → text) below `docs`; see the module docstring."""
    entries = {page.path: page.content for page in pages} | (extra or {})
    staging = docs / f".handbook-generate-{uuid.uuid4().hex}"
    staging.mkdir(parents=True)
    try:
        for rel, content in entries.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        _install(staging, docs, {rel.split("/", 1)[0] for rel in entries})
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [docs / rel for rel in entries]


def generate(catalog: Catalog, pages_dir: str = "") -> list[Path]:
    """Every generated page, the stylesheet and the filter script, written below docs/."""
    pages = list(all_pages(catalog, pages_dir))
    assets = {CSS_PATH: stylesheet(), JS_PATH: script()}
    return write_pages(pages, catalog.project.docs_dir, assets)
