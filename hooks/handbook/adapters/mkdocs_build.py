"""What the MkDocs build does, as plain functions the thin hooks in `hooks/` call.

One build = one `Catalog`. `on_config` loads it (refreshing first in live mode), the
mkdocs-gen-files script renders the generated pages from it, `on_page_markdown` resolves
`[[…]]` references against it, and `on_post_build` writes `catalog.json`. Live pulls are
remembered for `LIVE_REUSE` so `mkdocs serve` does not spend Looker's API budget on every
keystroke.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from handbook.catalog import Catalog, load_catalog
from handbook.errors import CatalogError
from handbook.gitdates import date_html, last_changed
from handbook.project import Project
from handbook.settings import load_settings

log = logging.getLogger("mkdocs.plugins.handbook")

LIVE_REUSE = 15 * 60  # seconds a live pull is reused by later rebuilds in the same process


@dataclass
class _State:
    catalog: Catalog | None = None
    # Last commit time of each hand page (path under docs/), from one `git log` per build.
    dates: dict[str, int] = field(default_factory=dict)
    # None until this process pulls: monotonic time counts from boot, so comparing it with 0
    # would skip the first pull on a machine booted less than LIVE_REUSE ago.
    last_live_pull: float | None = None
    # Seconds on a clock that never goes back; injectable so a test can be "just booted".
    clock: Callable[[], float] = field(default=time.monotonic)


_state = _State()


def live_mode() -> dict[str, bool]:
    """Which live pulls this build should try: Looker and/or BigQuery.

    Looker is live when looker-sdk would find credentials (its env vars or a looker.ini);
    BigQuery when a project, a key file or an endpoint is configured. `HANDBOOK_OFFLINE=1`
    forces the snapshot, whatever is configured. A wrong setting raises `SettingsError`.
    """
    settings = load_settings()
    if settings.offline:
        return {"looker": False, "bigquery": False}
    return {"looker": settings.looker_configured, "bigquery": settings.bigquery_configured}


def project_for(config_file_path: str | None) -> Project:
    return Project.find(Path(config_file_path).parent if config_file_path else None)


def start_build(config_file_path: str | None) -> Catalog:
    """Load this build's catalog; in live mode refresh the snapshots first.

    A failed live pull is not an error for the build: `refresh` keeps the last snapshot and
    records the failure, and the pages then say so. Bad curated YAML *is* an error.
    """
    project = project_for(config_file_path)
    live = live_mode()
    if any(live.values()) and (
        _state.last_live_pull is None or _state.clock() - _state.last_live_pull > LIVE_REUSE
    ):
        from handbook.refresh import refresh

        result = refresh(project, looker=live["looker"], bigquery=live["bigquery"])
        for line in result.messages:
            log.info(line)
        for failure in result.failures:
            # INFO, not WARNING: falling back is the designed behaviour, and --strict turns
            # warnings into a failed build. Readers see it on every page as a notice.
            log.info("live pull failed, building from the last snapshot: %s", failure)
        _state.last_live_pull = _state.clock()
    catalog = load_catalog(project)
    from handbook.validate import validate_handbook

    # Before MkDocs empties site/: a broken reference stops the build with the old site intact.
    problems = validate_handbook(catalog)
    errors = [p for p in problems if p.severity == "error" and not p.publishable]
    if errors:
        raise CatalogError(errors)
    for problem in problems:
        if problem.publishable:
            # Gone from Looker: published as gone; a WARNING, so --strict (PRs) still fails.
            log.warning("%s", replace(problem, severity="warning"))
        else:
            # Drift between our definitions and LookML is worth a look, not a failed build.
            log.info("%s", problem)
    _state.catalog = catalog
    _state.dates = last_changed(project.root, project.relative(project.docs_dir))
    return catalog


def last_updated(src_uri: str, generated: bool) -> str | None:
    """The "last updated" markup of a page: its last commit, or the build date when it was
    never committed (as `fallback_to_build_date` did); None for generated pages."""
    if generated:
        return None
    stamp = _state.dates.get(src_uri)
    return date_html(stamp if stamp is not None else int(current().built_at.timestamp()))


def current() -> Catalog:
    if _state.catalog is None:
        raise RuntimeError(
            "the handbook hooks have not loaded a catalog (is hooks/build.py in mkdocs.yml?)"
        )
    return _state.catalog


def write_export(catalog: Catalog, site_dir: str) -> Path:
    """`catalog.json`: metrics, sources and published Looker items, for other tools."""
    from handbook.export import export

    path = Path(site_dir) / "catalog.json"
    # Streamed to the file: the whole text of 20,000 items never sits in memory at once.
    with path.open("w", encoding="utf-8") as fh:
        json.dump(export(catalog), fh, indent=2, sort_keys=True)
        fh.write("\n")
    return path


__all__ = [
    "CatalogError",
    "current",
    "last_updated",
    "live_mode",
    "start_build",
    "write_export",
]
