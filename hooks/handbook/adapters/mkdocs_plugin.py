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
a banner on every page, and the next good save recovers. MkDocs keeps a plugin instance
that has `on_startup` across serve rebuilds; besides the build session, the project and
the catalog, what a rebuild reuses (generated pages, the banner, what references showed for
`--dirty`) is one `ServeState` (`adapters.serve_state`).

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
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from handbook.adapters.serve_state import ServeState
from handbook.adapters.site_publish import AtomicPublish
from handbook.catalog import Catalog, empty_catalog
from handbook.dbt.config import artifact_folders
from handbook.errors import CatalogError
from handbook.generate.gitignore import ignore_whole_folder
from handbook.markdown.page_check import check_pages, unreadable_pages
from handbook.markdown.refs_extension import RefsExtension
from handbook.project import Project
from handbook.render.addresses import CSS_PATH, JS_PATH, item_entry_pattern
from handbook.render.banner import error_banner
from handbook.render.cache import write_changed
from handbook.render.compact_html import compact_html
from handbook.render.page import Page
from handbook.render.page_safety import secure_page
from handbook.render.search_index import rewrite_config
from handbook.render.search_worker import material_worker, use_worker, worker_path, worker_script
from handbook.render.shipped import script, stylesheet
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
    search_worker = c.Type(bool, default=True)


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
        self.session: BuildSession | None = None  # the catalog, loaded (and pulled) per build
        self.project: Project | None = None
        self.catalog: Catalog | None = None
        self.serve = ServeState()  # what a `mkdocs serve` keeps from rebuild to rebuild
        self.refs = RefsExtension()  # `handbook.refs`, given this build's catalog and page
        self.refs.shown = self.serve.shown
        self.publisher = AtomicPublish()
        self.page_meta: tuple[Any, set[str]] | None = None  # the page rendering, keys we added
        self.worker = False  # whether pages name our search worker (Material's is in the site)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Having on_startup makes MkDocs keep this instance across `mkdocs serve` rebuilds.
        self.serve.serving = command == "serve"
        self.serve.dirty = dirty
        # Only `serve --dirty` asks which pages a catalog change shows on (`mark_stale`).
        self.serve.shown.recording = self.serve.serving and dirty
        self.publisher.startup(command, dirty)

    # --- configuration ------------------------------------------------------------------
    def on_config(self, config: Any) -> Any:
        _check_options(self.config)
        if self.session is None:
            self.session = BuildSession(
                self.config.live_reuse_minutes * 60,
                live=self.config.live,
                validate_content=not self.serve.serving,  # serve never waits minutes for it
                keep_parses=self.serve.serving,  # a build loads the catalog once
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
        self.serve.catalog_changed = self.catalog is not previous
        self.refs.catalog = self.catalog
        if config.strict and not self.serve.serving:
            self._refuse_gone_content()
            if self.config.references:
                self._check_references(config)
        else:
            self._refuse_unreadable_pages()
        # Last: point the build at a staging folder, swapped in only when it all succeeded.
        self.publisher.stage(config)
        return config

    def _refuse_unreadable_pages(self) -> None:
        """A page that is not UTF-8, named with file:line before MkDocs trips over it
        (under serve, only the pages saved since the last rebuild are read again)."""
        assert self.project is not None
        readable = self.serve.readable if self.serve.serving else None
        problems = unreadable_pages(self.project, readable)
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
            self.refs = RefsExtension(**{**options, "pages_dir": self.config.pages_dir})
            self.refs.shown = self.serve.shown  # what the pages built so far showed
            kept = [e for e in kept if e != "handbook.refs" and not isinstance(e, RefsExtension)]
            added.append(self.refs)
        config.markdown_extensions = [*kept, *added]

    def _load(self) -> Catalog:
        """The catalog; under serve, a broken one falls back to the last good one."""
        assert self.session is not None and self.project is not None
        try:
            catalog = self.session.load(self.project, self.config.unused_after_days)
        except CatalogError as exc:
            if not self.serve.serving:
                raise PluginError(f"the handbook catalog has problems:\n{exc}") from None
            # Never stuck under serve: the last good catalog (or, before the first one loaded,
            # an empty one) with the errors on every page, until the next good save.
            shown = "the preview shows them" if self.config.error_banner else "fix them and save"
            log.error("the handbook catalog has problems; %s:\n%s", shown, exc)
            if self.config.error_banner:
                last_good = self.session.last_good is not None
                self.serve.banner = error_banner(str(exc), last_good=last_good)
            return self.session.last_good or empty_catalog(self.project)
        self.serve.banner = ""
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
        serve, folder = self.serve, self.project.generated_dir
        reused = serve.serving and not serve.catalog_changed and folder.is_dir()
        generated = serve.generated_pages(self.catalog, self.config.pages_dir)
        # Each page is written as it is rendered and only its path kept: at 60,000 items
        # the generated Markdown (~100 MB) is never in memory all at once.
        pages: list[tuple[str, str | None]] = []  # (path, edit_path)

        def listed(rendered: Iterable[Page]) -> Iterator[Page]:
            for page in rendered:
                pages.append((page.path, page.edit_path))
                yield page

        if reused:  # written by the last build
            written: set[str] = set()
            pages = [(page.path, page.edit_path) for page in generated]
        else:
            kept = serve.files if serve.serving else None  # a build keeps no page's text
            written = write_changed(listed(generated), folder, kept)
        ignore_whole_folder(folder.parent)  # .cache/handbook/ never shows in `git status`
        present = files.src_uris  # a dict: `get_file_from_path` builds a PurePath per call
        for path, edit_path in pages:
            existing = present.get(path)
            if existing is not None:  # e.g. left in docs/ by `handbook generate`
                files.remove(existing)
            file = File(path, str(folder), config.site_dir, config.use_directory_urls)
            file.generated_by = "handbook"  # no "last updated" date, no edit link of its own
            if edit_path:
                file.edit_uri = f"../{edit_path}"
            files.append(file)
        shipped = [(CSS_PATH, stylesheet()), (JS_PATH, script())]
        material = material_worker(present) if self.config.search_worker else None
        self.worker = material is not None
        if material is not None:
            shipped.append((worker_path(material), worker_script()))
        for path, text in shipped:
            existing = files.get_file_from_path(path)
            if existing is not None:  # e.g. left in docs/ by `handbook generate`
                files.remove(existing)
            files.append(File.generated(config, path, content=text))
        if serve.dirty:
            serve.mark_stale(files, self.catalog, self.config.pages_dir, self.config.references)
        log.info(
            "handbook: %d generated pages, %d rendered, %d files rewritten",
            len(pages),
            serve.rendered if serve.serving else len(pages),
            len(written),
        )
        return files

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        self.refs.page = page.file.src_uri
        banner = self.serve.banner
        return banner + markdown if banner else markdown

    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        """Every page is converted by now (MkDocs converts them all before this event): a
        build frees the references' HTML before the pages are rendered; `serve` keeps it for
        the next rebuild under the same catalog."""
        if not self.serve.serving:
            self.refs.shown.forget_html()
        return env

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
        the page naming our search worker (`render.search_worker`); with `compact_html`, the
        page without its templates' indentation (about a third of a Material page's bytes,
        none of what a reader sees: `render.compact_html`)."""
        if self.page_meta is not None and self.page_meta[0] is page:
            for key in self.page_meta[1]:
                page.meta.pop(key, None)
        self.page_meta = None
        return self._finish(output)

    def on_post_template(self, output_content: str, *, template_name: str, config: Any) -> str:
        """The theme's own pages (`404.html`) finished like every other page."""
        return self._finish(output_content) if template_name.endswith(".html") else output_content

    def _finish(self, html: str) -> str:
        """A built page naming our search worker (`search_worker`), compacted (`compact_html`)."""
        if self.worker:
            html = use_worker(html)
        return compact_html(html) if self.config.compact_html else html

    @event_priority(-100)  # last, after every plugin has written its files
    def on_post_build(self, *, config: Any) -> None:
        # Material's index, once its `search` plugin wrote it: the items' pattern for our worker.
        items = item_entry_pattern(self.config.pages_dir, config.use_directory_urls)
        rewrite_config(Path(config.site_dir), items if self.worker else None)
        if self.config.export and self.catalog is not None:
            write_export(self.catalog, config.site_dir, self.config.pages_dir, self.serve.export)
        self.publisher.publish(config)

    def on_build_error(self, *, error: Exception) -> None:
        self.publisher.abandon()
