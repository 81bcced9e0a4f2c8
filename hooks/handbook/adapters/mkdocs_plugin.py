"""The MkDocs plugin `handbook`: the catalog pages, references and styles in any MkDocs site.

    plugins:
      - search
      - handbook:                    # every option has a default
          catalog_dir: catalog       # the curated YAML and snapshot, beside mkdocs.yml
          pages_dir: ""              # generated pages' folder below docs/ ("" = docs/ itself)
          live: true                 # pull live data when credentials are configured
          live_reuse_minutes: 15     # how long `mkdocs serve` reuses a live pull
          unused_after_days: null    # overrides catalog/looker.yml's unused_after_days
          export: true               # write catalog.json next to the site
          # What it adds to your own pages and site; each can be turned off:
          last_updated: true         # "Last update" date on hand pages, from their last commit
          references: true           # resolve [[…]] references in hand pages
          stylesheet: true           # list assets/handbook/handbook.css in extra_css
          table_filters: true        # list assets/handbook/filters.js in extra_javascript
          markdown_extensions: true  # add the Markdown extensions its pages need, if missing
          error_banner: true         # under serve, catalog errors in a banner on every page
          compact_html: true         # every page without the theme's indentation whitespace

Wiring only; the work is in the package. `on_config` loads and cross-checks the catalog
before MkDocs touches site/ (and, for `--strict`, checks every `[[…]]` reference too),
`on_files` adds the generated pages (written to `.cache/handbook/pages/` beside mkdocs.yml,
only those whose text changed, so `mkdocs serve --dirty` skips the rest; nothing is written
under docs/) and the stylesheet, the `handbook.refs` Markdown extension resolves references,
`on_serve` watches the catalog folder and the folders of the dbt artifacts `catalog/dbt.yml`
names, and `on_post_page` drops the indentation the theme's templates leave in every page
(option `compact_html`). Under `mkdocs serve` a catalog with
errors never stops the preview: the last good catalog keeps being served with the errors in
a banner on every page, and the next good save recovers. The plugin keeps its state
(catalog, render cache) across serve rebuilds (MkDocs keeps a plugin instance that has
`on_startup`).

The stylesheet and the table filter script ship with the package; the plugin publishes both
and lists them in `extra_css` / `extra_javascript` unless the site already does (or the
`stylesheet` / `table_filters` option is off: then the site links them itself, or not).

Two things are not optional, because they are safety: every page's `<title>` and edit link
are made safe for the theme (`render.page_safety`: Material decodes character references in
titles, and edit links are built from file names), and the published site is swapped in
whole (`site_publish`), never left half-written.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from handbook.adapters.site_publish import AtomicPublish
from handbook.catalog import Catalog, empty_catalog
from handbook.dbt.config import artifact_folders
from handbook.errors import CatalogError
from handbook.generate import CSS_PATH, JS_PATH, script, stylesheet
from handbook.generate.gitignore import ignore_whole_folder
from handbook.markdown.page_check import check_pages, read_pages
from handbook.markdown.refs_extension import RefsExtension
from handbook.project import Project
from handbook.render.banner import error_banner
from handbook.render.cache import RenderCache, write_changed
from handbook.render.compact_html import compact_html
from handbook.render.page_safety import secure_page
from handbook.render.pages import Page, all_pages, all_specs, in_folder
from handbook.session import LIVE_REUSE, BuildSession, write_export

log = logging.getLogger("mkdocs.plugins.handbook")

# Markdown extensions the generated pages and notices use (admonitions, collapsible
# details, tables, heading ids, attributes); added when a site does not list them.
NEEDED_EXTENSIONS = ("admonition", "pymdownx.details", "tables", "toc", "attr_list", "md_in_html")
# Where Material (and mkdocs-git-revision-date-localized) read a page's "Last update" date.
DATE_KEY = "git_revision_date_localized"


class HandbookConfig(base.Config):
    catalog_dir = c.Dir(exists=True, default="catalog")
    pages_dir = c.Type(str, default="")
    live = c.Type(bool, default=True)
    live_reuse_minutes = c.Type(int, default=LIVE_REUSE // 60)
    unused_after_days = c.Optional(c.Type(int))
    export = c.Type(bool, default=True)
    # What the plugin adds to the site's own pages and configuration; each can be turned off.
    last_updated = c.Type(bool, default=True)
    references = c.Type(bool, default=True)
    stylesheet = c.Type(bool, default=True)
    table_filters = c.Type(bool, default=True)
    markdown_extensions = c.Type(bool, default=True)
    error_banner = c.Type(bool, default=True)
    compact_html = c.Type(bool, default=True)


def _check_options(options: HandbookConfig) -> None:
    """Range checks MkDocs' types cannot express, naming the option like MkDocs does."""
    if options.live_reuse_minutes < 0:
        raise PluginError("handbook option 'live_reuse_minutes': must be 0 or more minutes")
    if options.unused_after_days is not None and options.unused_after_days < 1:
        raise PluginError("handbook option 'unused_after_days': must be 1 or more days")
    pages_dir = options.pages_dir.strip("/")
    if pages_dir.startswith("..") or Path(pages_dir).is_absolute():
        raise PluginError("handbook option 'pages_dir': must be a folder below docs_dir")
    options.pages_dir = pages_dir


class HandbookPlugin(BasePlugin[HandbookConfig]):
    def __init__(self) -> None:
        self.session: BuildSession | None = None
        self.serving = False
        self.catalog: Catalog | None = None
        self.banner = ""
        self.refs = RefsExtension()
        self.project: Project | None = None
        self.publisher = AtomicPublish()
        self.dirty = False  # `--dirty`: MkDocs rebuilds only pages whose source is newer
        self.cache = RenderCache()  # generated pages by what they show, across serve rebuilds
        self.pages: list[Page] | None = None  # the last build's generated pages (under serve)
        self.rendered = 0  # how many of them the last build rendered
        self.catalog_changed = True  # the last on_config loaded the catalog again
        self.shown_banner = ""  # the banner the last build's pages carry
        self.page_meta: tuple[Any, set[str]] | None = None  # the page rendering, keys we added

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Having on_startup makes MkDocs keep this instance across `mkdocs serve` rebuilds.
        self.serving = command == "serve"
        self.dirty = dirty
        self.publisher.startup(command, dirty)

    # --- configuration ------------------------------------------------------------------
    def on_config(self, config: Any) -> Any:
        _check_options(self.config)
        if self.session is None:
            self.session = BuildSession(
                self.config.live_reuse_minutes * 60,
                live=self.config.live,
                validate_content=not self.serving,  # serve never waits minutes for it
            )
        self.project = Project(
            Path(config.config_file_path).parent.resolve(),
            catalog_path=Path(self.config.catalog_dir).resolve(),
            docs_path=Path(config.docs_dir).resolve(),
            directory_urls=config.use_directory_urls,
            pages_dir=self.config.pages_dir,
            site_url=config.site_url or None,
            site_name=config.site_name or None,
        )
        self._use_extensions(config)
        if self.config.stylesheet and CSS_PATH not in [str(css) for css in config.extra_css]:
            config.extra_css.append(CSS_PATH)
        js_listed = JS_PATH in [str(js) for js in config.extra_javascript]
        if self.config.table_filters and not js_listed:
            config.extra_javascript.append(JS_PATH)
        previous, self.catalog = self.catalog, self._load()
        self.catalog_changed = self.catalog is not previous
        self.refs.catalog = self.catalog
        if config.strict and not self.serving:
            self._refuse_gone_content()
            if self.config.references:
                self._check_references(config)
        else:
            self._refuse_unreadable_pages()
        # Last: point the build at a staging folder, swapped in only when it all succeeded.
        self.publisher.stage(config)
        return config

    def _refuse_unreadable_pages(self) -> None:
        """A page that is not UTF-8, named with file:line before MkDocs trips over it."""
        assert self.project is not None
        _, problems = read_pages(self.project)
        if problems:
            listed = "\n".join(str(p) for p in problems)
            raise PluginError(f"the handbook has pages it cannot read:\n{listed}")

    def _use_extensions(self, config: Any) -> None:
        """Our reference extension instance in place of `handbook.refs`, plus what we need.

        With `references: false` the site's own list is left as it is (a `handbook.refs`
        the site lists itself stays its own); with `markdown_extensions: false` nothing is
        appended for the generated pages, which then need the site to list them.
        """
        kept = list(config.markdown_extensions)
        added: list[Any] = []
        if self.config.markdown_extensions:
            added = [name for name in NEEDED_EXTENSIONS if name not in kept]
        if self.config.references:
            options = config.mdx_configs.pop("handbook.refs", {})
            shown = self.refs.shown  # what the pages built so far showed, across rebuilds
            self.refs = RefsExtension(**{**options, "pages_dir": self.config.pages_dir})
            self.refs.shown = shown
            kept = [e for e in kept if e != "handbook.refs" and not isinstance(e, RefsExtension)]
            added.append(self.refs)
        config.markdown_extensions = [*kept, *added]

    def _load(self) -> Catalog:
        """The catalog; under serve, a broken one falls back to the last good one."""
        assert self.session is not None and self.project is not None
        try:
            catalog = self.session.load(self.project, self.config.unused_after_days)
        except CatalogError as exc:
            if not self.serving:
                raise PluginError(f"the handbook catalog has problems:\n{exc}") from None
            # Never stuck under serve: the last good catalog (or, before the first one loaded,
            # an empty one) with the errors on every page, until the next good save.
            shown = "the preview shows them" if self.config.error_banner else "fix them and save"
            log.error("the handbook catalog has problems; %s:\n%s", shown, exc)
            if self.config.error_banner:
                last_good = self.session.last_good is not None
                self.banner = error_banner(str(exc), last_good=last_good)
            return self.session.last_good or empty_catalog(self.project)
        self.banner = ""
        return catalog

    def _refuse_gone_content(self) -> None:
        """For --strict: curated YAML naming trashed or vanished Looker content, up front."""
        assert self.session is not None
        if self.session.gone:
            listed = "\n".join(str(replace(p, severity="error")) for p in self.session.gone)
            raise PluginError(f"the handbook catalog names Looker content that is gone:\n{listed}")

    def _check_references(self, config: Any) -> None:
        """For --strict: every broken reference, before MkDocs empties site/."""
        assert self.catalog is not None
        site_extensions = [e for e in config.markdown_extensions if e is not self.refs]
        refs = RefsExtension(pages_dir=self.config.pages_dir)
        problems = check_pages(self.catalog, refs, site_extensions, dict(config.mdx_configs))
        if problems:
            listed = "\n".join(str(p) for p in problems)
            raise PluginError(f"the handbook has broken references:\n{listed}")

    # --- files and pages -----------------------------------------------------------------
    def on_files(self, files: Files, *, config: Any) -> Files:
        """The generated pages (kept in `project.generated_dir`), stylesheet and script.

        A generated file that is not Markdown (the Atom feed, `looker/changes.xml`) becomes
        a static file of the site: MkDocs copies it as it is."""
        assert self.catalog is not None and self.project is not None
        folder = self.project.generated_dir
        reused = self.serving and not self.catalog_changed and folder.is_dir()
        # Each page is written as it is rendered and only its path kept: at 60,000 items
        # the generated Markdown (~100 MB) is never in memory all at once.
        pages: list[tuple[str, str | None]] = []  # (path, edit_path)

        def listed(rendered: Iterable[Page]) -> Iterator[Page]:
            for page in rendered:
                pages.append((page.path, page.edit_path))
                yield page

        if reused:  # written by the last build
            written: set[str] = set()
            pages = [(page.path, page.edit_path) for page in self._generated_pages()]
        else:
            written = write_changed(listed(self._generated_pages()), folder)
        ignore_whole_folder(folder.parent)  # .cache/handbook/ never shows in `git status`
        if not self.serving:
            self.rendered = len(pages)
        for path, edit_path in pages:
            existing = files.get_file_from_path(path)
            if existing is not None:  # e.g. left in docs/ by `handbook generate`
                files.remove(existing)
            file = File(path, str(folder), config.site_dir, config.use_directory_urls)
            file.generated_by = "handbook"  # no "last updated" date, no edit link of its own
            if edit_path:
                file.edit_uri = f"../{edit_path}"
            files.append(file)
        for path, text in ((CSS_PATH, stylesheet()), (JS_PATH, script())):
            existing = files.get_file_from_path(path)
            if existing is not None:  # e.g. left in docs/ by `handbook generate`
                files.remove(existing)
            files.append(File.generated(config, path, content=text))
        if self.dirty:
            self._mark_stale_pages(files)
        log.info(
            "handbook: %d generated pages, %d rendered, %d files rewritten",
            len(pages),
            self.rendered,
            len(written),
        )
        return files

    def _generated_pages(self) -> Iterable[Page]:
        """Every generated page; under serve only the ones whose inputs changed are rendered.

        A build renders each page as it is consumed (and `on_files` counts them). Under
        serve the pages are kept, and `self.rendered` says how many were rendered: when the
        catalog was not loaded again (no file under catalog/ changed) the last build's pages
        are reused without computing any key: digesting 20,000 Looker items on every save of
        a hand page is not free.
        """
        assert self.catalog is not None
        if not self.serving:  # one build per process: nothing to reuse, no keys to compute
            return all_pages(self.catalog, self.config.pages_dir)
        if self.catalog_changed or self.pages is None:
            rendered = self.cache.render(all_specs(self.catalog))
            self.pages = list(in_folder(rendered, self.config.pages_dir))
            self.rendered = len(self.cache.last.rendered)
        else:
            self.rendered = 0
        return self.pages

    def _mark_stale_pages(self, files: Files) -> None:
        """For --dirty: pages whose HTML shows catalog data that changed get rebuilt.

        MkDocs rebuilds a page under --dirty only when its source is newer than its HTML.
        When the catalog was loaded again, a hand page is out of date if one of its `[[…]]`
        references now renders differently (the refs extension recorded what each showed);
        a page this process never converted is out of date if it has a reference at all.
        When the error banner came or went, every page is. Removing its HTML makes MkDocs
        build it again.
        """
        assert self.catalog is not None
        banner_changed = self.banner != self.shown_banner
        self.shown_banner = self.banner
        if not (banner_changed or (self.catalog_changed and self.config.references)):
            return
        shown = self.refs.shown
        first_build = not shown.pages
        changed = set() if banner_changed else shown.changed_by(self.catalog, self.config.pages_dir)
        stale = []
        for file in files.documentation_pages():
            if not os.path.isfile(file.abs_dest_path):
                continue
            page = file.src_uri
            hand_page = file.generated_by is None
            if banner_changed or (
                hand_page
                and (page in changed or (page not in shown.pages and "[[" in file.content_string))
            ):
                os.remove(file.abs_dest_path)
                stale += [page] if hand_page else []
        if not (banner_changed or first_build):
            listed = ", ".join(sorted(stale)[:5]) + (", …" if len(stale) > 5 else "")
            noun = "hand page shows" if len(stale) == 1 else "hand pages show"
            listed = f": {listed}" if listed else ""
            log.info("handbook: %d %s the changed catalog%s", len(stale), noun, listed)

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        self.refs.page = page.file.src_uri
        return self.banner + markdown if self.banner else markdown

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        """Saving any file under the catalog folder rebuilds the preview, and so does a new
        dbt artifact named by `catalog/dbt.yml` (its folder is watched, not recursively:
        dbt rewrites target/manifest.json in place, other tools may replace it)."""
        assert self.project is not None
        server.watch(str(self.project.catalog_dir))
        for folder in artifact_folders(self.project):
            server.watch(str(folder), recursive=False)
        return server

    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        """The page's "last updated" date and safe title, in `page.meta` while it renders.

        The date (option `last_updated`) is the page's last commit; a page with none (not
        committed yet, or no git) gets no date rather than the build's. A date another
        plugin or the front matter already set is theirs and stays.

        Only while it renders (`on_post_page` takes them out again): every page shows the
        whole nav, and Material's nav partial looks up `meta.icon`, `meta.subtitle`,
        `meta.status` and `encrypted` for each nav entry whose `meta` is not empty. Left in,
        our two keys made ~1,000 entries × 1,929 pages do those lookups, ~10 % of a build.
        """
        assert self.session is not None
        before = set(page.meta)
        if self.config.last_updated and DATE_KEY not in page.meta:
            generated = page.file.generated_by is not None
            updated = self.session.last_updated(page.file.src_uri, generated)
            if updated:
                page.meta[DATE_KEY] = updated
        secure_page(page)  # titles and edit links safe for the theme
        # Ours alone: keys other plugins add after this hook are theirs to keep.
        self.page_meta = (page, set(page.meta) - before)
        return context

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        """Drop the meta keys `on_page_context` added (a front-matter title stays secured);
        with `compact_html`, the page without its templates' indentation (about a third of a
        Material page's bytes, none of what a reader sees: `render.compact_html`)."""
        if self.page_meta is not None and self.page_meta[0] is page:
            for key in self.page_meta[1]:
                page.meta.pop(key, None)
        self.page_meta = None
        return compact_html(output) if self.config.compact_html else output

    def on_post_template(self, output_content: str, *, template_name: str, config: Any) -> str:
        """The theme's own pages (`404.html`) compacted like every other page."""
        if self.config.compact_html and template_name.endswith(".html"):
            return compact_html(output_content)
        return output_content

    @event_priority(-100)  # last, after every plugin has written its files
    def on_post_build(self, *, config: Any) -> None:
        if self.config.export and self.catalog is not None and self._export_is_stale(config):
            write_export(self.catalog, config.site_dir, self.config.pages_dir)
        self.publisher.publish(config)

    def _export_is_stale(self, config: Any) -> bool:
        """`catalog.json` shows only the catalog: a serve rebuild that did not load the
        catalog again keeps the one it wrote (seconds at 60,000 Looker items)."""
        if not self.serving or self.catalog_changed:
            return True
        return not os.path.isfile(os.path.join(config.site_dir, "catalog.json"))

    def on_build_error(self, *, error: Exception) -> None:
        self.publisher.abandon()
