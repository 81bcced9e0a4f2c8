"""MkDocs hooks: wire build events to the handbook package. No logic lives here."""

from __future__ import annotations

from handbook.adapters import mkdocs_build as site
from handbook.adapters.site_publish import AtomicPublish
from handbook.errors import CatalogError
from handbook.markdown import references
from handbook.render.page_safety import secure_page
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

publisher = AtomicPublish()


def on_startup(command, dirty):
    publisher.startup(command, dirty)


def on_config(config):
    try:
        site.start_build(config.config_file_path)
    except CatalogError as exc:
        raise PluginError(f"the handbook catalog has problems:\n{exc}") from None
    publisher.stage(config)
    return config


def on_page_markdown(markdown, page, config, files):
    updated = site.last_updated(page.file.src_uri, page.file.generated_by is not None)
    if updated:
        page.meta["git_revision_date_localized"] = updated
    return references.expand_page(markdown, page.file.src_uri, site.current())


def on_page_context(context, page, config, nav):
    secure_page(page)
    return context


@event_priority(-100)  # last, after every plugin has written its files
def on_post_build(config):
    site.write_export(site.current(), config.site_dir)
    publisher.publish(config)


def on_build_error(error):
    publisher.abandon()
