"""Each handbook's catalog for an engine that runs `handbook.refs` without our plugin.

Zensical builds a new extension for every page it renders, from more than one thread, and
gives it no catalog: loading one per page would be most of a build. A `CatalogCache` loads
each handbook's catalog once per process, and again only after a file under its catalog
folder changes (`zensical serve` keeps the process while the analyst edits).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from handbook.errors import CatalogError
from handbook.fingerprint import folder_fingerprint
from handbook.project import Project

if TYPE_CHECKING:
    from handbook.catalog import Catalog

log = logging.getLogger("mkdocs.plugins.handbook")


class CatalogCache:
    """Catalogs by (handbook folder, catalog folder), with the fingerprint each was loaded at."""

    def __init__(self) -> None:
        self.loaded: dict[tuple[Path, Path], tuple[tuple, Catalog | None]] = {}
        self.lock = threading.Lock()  # pages rendered side by side load it once

    def get(self, project: Project) -> Catalog | None:
        """The project's catalog, loaded again when a catalog file changed since the last load.

        A catalog with errors is logged once (file:line, no traceback) and gives None, so
        references render as plain text until the next good save.
        """
        from handbook.catalog import load_catalog

        key = (project.root, project.catalog_dir)
        with self.lock:
            stamp = folder_fingerprint(project.catalog_dir)
            cached = self.loaded.get(key)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            try:
                catalog: Catalog | None = load_catalog(project)
            except CatalogError as exc:
                log.error(
                    "the handbook catalog has problems; references show as plain text:\n%s", exc
                )
                catalog = None
            self.loaded[key] = (stamp, catalog)
            return catalog
