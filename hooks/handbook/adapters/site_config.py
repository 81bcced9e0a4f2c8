"""What `handbook generate` takes from mkdocs.yml: the site's address and name.

The MkDocs plugin gets them from MkDocs; `handbook generate` (for Zensical) reads them from
the file with MkDocs' own YAML loader, which resolves `!ENV` tags, `INHERIT` and
`!!python/name` the way `mkdocs build` does. The file is not validated as a whole MkDocs
config: a Zensical site may name a theme or plugins MkDocs does not have. Other local tags
(MkDocs' `!relative`, which only a full config load resolves) read as nothing. A file that
cannot be read gives nothing; the Atom feed is then left out and the changes page says what
to set.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger("handbook")


def _loader() -> Any:
    from mkdocs.utils.yaml import get_yaml_loader

    base = get_yaml_loader()

    class Loader(base):  # type: ignore[misc, valid-type]
        """MkDocs' loader; a tag only a full config load knows reads as nothing."""

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return Loader


def site_settings(config_file: Path) -> tuple[str | None, str | None]:
    """(`site_url`, `site_name`) of the MkDocs config file; None for each it does not set."""
    from mkdocs.utils.yaml import yaml_load

    try:
        with config_file.open("rb") as fh:
            data = yaml_load(fh, _loader())
    except Exception as exc:  # any fault in a file we only read from is "not known"
        log.debug("could not read %s: %s", config_file, exc)
        return None, None

    def text(key: str) -> str | None:
        value = data.get(key) if isinstance(data, dict) else None
        return value.strip() or None if isinstance(value, str) else None

    return text("site_url"), text("site_name")
