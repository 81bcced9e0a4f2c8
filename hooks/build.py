"""MkDocs hooks: wire build events to the handbook package. No logic lives here."""

from __future__ import annotations

from handbook.adapters import mkdocs_build as site
from handbook.errors import CatalogError
from handbook.markdown import references
from mkdocs.exceptions import PluginError


def on_config(config):
    try:
        site.start_build(config.config_file_path)
    except CatalogError as exc:
        raise PluginError(f"the handbook catalog has problems:\n{exc}") from None
    return config


def on_page_markdown(markdown, page, config, files):
    updated = site.last_updated(page.file.src_uri, page.file.generated_by is not None)
    if updated:
        page.meta["git_revision_date_localized"] = updated
    return references.expand_page(markdown, page.file.src_uri, site.current())


def on_post_build(config):
    site.write_export(site.current(), config.site_dir)
