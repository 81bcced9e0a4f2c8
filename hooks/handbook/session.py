"""One build's catalog, for any engine: pull when live, load, cross-check, remember.

A `BuildSession` lives as long as the MkDocs process that builds (one `mkdocs build`, a
whole `mkdocs serve`; `handbook generate` loads the catalog itself, from the snapshot). Each
`load` refreshes the snapshots first in live mode, at most once per `live_reuse` seconds so
`mkdocs serve` does not spend Looker's API budget on every keystroke, then loads and
cross-checks the catalog. A live pull never waits:
not for another pull of the same source (it builds from the snapshot and says so at INFO),
and under `mkdocs serve` (`validate_content=False`) not for Looker's content validator,
whose last answer stays in the snapshot with its own time. It remembers the last
good catalog so an editing session can keep showing it while a YAML file is being fixed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from handbook.catalog import Catalog, load_catalog
from handbook.curated.yaml_source import YamlDoc, load_yaml
from handbook.dbt.loader import file_stamp
from handbook.errors import CatalogError, Problem
from handbook.fingerprint import folder_fingerprint
from handbook.gitdates import PageDates, date_html
from handbook.project import Project
from handbook.settings import load_settings
from handbook.snapshot.store import ReusedParses

if TYPE_CHECKING:
    from handbook.export import ExportFile

log = logging.getLogger("mkdocs.plugins.handbook")

LIVE_REUSE = 15 * 60  # default seconds a live pull is reused by later loads


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


class BuildSession:
    """Loads the catalog for each build of one process; see the module docstring."""

    def __init__(
        self,
        live_reuse: float = LIVE_REUSE,
        *,
        live: bool = True,
        validate_content: bool = True,
        keep_parses: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.live_reuse = live_reuse
        self.live = live  # False: always build from the snapshot, credentials or not
        # False under `mkdocs serve`: a live pull keeps the last content validation.
        self.validate_content = validate_content
        # Seconds on a clock that never goes back; injectable so a test can be "just booted".
        self.clock = clock
        # Curated YAML naming Looker content that is gone, from the last load: a plain build
        # publishes it shown as gone with these warnings; a strict build refuses.
        self.gone: list[Problem] = []
        # Last commit time of each hand page (path under docs/): one `git log` when HEAD moved.
        self.page_dates = PageDates()
        self.dates: dict[str, int] = {}
        # None until this process pulls: monotonic time counts from boot, so comparing it
        # with 0 would skip the first pull on a machine booted less than live_reuse ago.
        self.last_live_pull: float | None = None
        self.last_good: Catalog | None = None
        # The catalog folder's fingerprint (and the options) `last_good` was loaded from, and
        # whether the last `load` loaded it again: unchanged files give the same catalog.
        self.loaded_from: tuple | None = None
        self.reloaded = True
        # Each snapshot file's last parse, reused by the next load while the file is unchanged
        # (a metric save under serve does not parse 20,000 Looker items again). None for a
        # process that loads once (`mkdocs build`): it would only hold every metrics file's
        # parse (data and line numbers, megabytes at 500 metrics) to the end of the build.
        self.parses = ReusedParses() if keep_parses else None

    def _pull_if_due(self, project: Project) -> None:
        live = live_mode()
        if not self.live or not any(live.values()):
            return
        if self.last_live_pull is not None and self.clock() - self.last_live_pull <= (
            self.live_reuse
        ):
            return
        from handbook.refresh import refresh

        result = refresh(
            project,
            looker=live["looker"],
            bigquery=live["bigquery"],
            validate=self.validate_content,
            live=True,
        )
        for line in result.messages:
            log.info(line)
        for line in result.warnings:  # a pull that never finished: pages say so too
            log.info(line)
        for busy in result.busy:
            log.info("building from the snapshot without pulling: %s", busy)
        for failure in result.failures:
            # INFO, not WARNING: falling back is the designed behaviour, and --strict turns
            # warnings into a failed build. Readers see it on every page as a notice.
            log.info("live pull failed, building from the last snapshot: %s", failure)
        self.last_live_pull = self.clock()

    def load(self, project: Project, unused_after_days: int | None = None) -> Catalog:
        """This build's catalog; CatalogError (file:line problems) for YAML mistakes.

        A failed live pull is not an error: `refresh` keeps the last snapshot and records
        the failure, and the pages say so. Cross-check drift is logged at INFO. When no file
        under the catalog folder changed since the last good load (same paths, times and
        sizes), nor a dbt artifact `catalog/dbt.yml` names (which may live anywhere, e.g. in
        the dbt project's target/), that catalog is returned as it is (`reloaded` says which
        happened).
        """
        from handbook.validate import validate_catalog

        self._pull_if_due(project)
        self.dates = self.page_dates.refresh(project.root, project.relative(project.docs_dir))
        # The project too: a changed mkdocs.yml (say, use_directory_urls) under serve.
        folder = (folder_fingerprint(project.catalog_dir), unused_after_days, project)
        watched = self.last_good.watched_files if self.last_good else ()
        stamp = (folder, _file_stamps(watched))
        self.reloaded = self.last_good is None or stamp != self.loaded_from
        if not self.reloaded:
            assert self.last_good is not None
            return self.last_good
        previous = self.last_good
        parses = self.parses
        if parses is None:
            catalog = load_catalog(project, earlier=previous)
        else:
            catalog = load_catalog(project, read=parses, read_yaml=self._yaml, earlier=previous)
        if previous is not None and parses is not None and project.looker_snapshot in parses.reused:
            catalog.item_keys = previous.item_keys  # the same item objects: the same digests
        if unused_after_days is not None:
            policy = catalog.policy.model_copy(update={"unused_after_days": unused_after_days})
            catalog.policy = policy
        problems = validate_catalog(catalog)
        errors = [p for p in problems if p.severity == "error" and not p.publishable]
        if errors:
            raise CatalogError(errors)
        self.gone = [replace(p, severity="warning") for p in problems if p.publishable]
        for problem in self.gone:
            # Gone from Looker: published as gone; a WARNING, so --strict still fails.
            log.warning("%s", problem)
        for problem in problems:
            if not problem.publishable:
                # Drift between our definitions and LookML is worth a look, not a failure
                # (--strict fails on any WARNING): INFO, so its text does not say "warning".
                log.info("%s", problem.unlabelled())
        self.last_good = catalog
        self.loaded_from = (folder, _file_stamps(catalog.watched_files))
        return catalog

    def _yaml(self, path: Path, display: str) -> YamlDoc:
        """A metrics file's parse, reused while the file is unchanged (a metric save parses
        the one file saved, not all of catalog/metrics/)."""
        if self.parses is None:
            return load_yaml(path, display)
        return self.parses.parse(path, YamlDoc, lambda: load_yaml(path, display))

    def last_updated(self, src_uri: str, generated: bool) -> str | None:
        """The "last updated" markup of a page: its last commit. None for a page with no
        commit (new, or no git): the build's time would claim a change that did not happen.
        None for generated pages too (their data carries its own age)."""
        if generated:
            return None
        stamp = self.dates.get(src_uri)
        return date_html(stamp) if stamp is not None else None


def _file_stamps(paths: tuple[Path, ...]) -> tuple:
    return tuple((path, file_stamp(path)) for path in paths)


def write_export(
    catalog: Catalog, site_dir: str | Path, pages_dir: str = "", file: ExportFile | None = None
) -> Path:
    """`catalog.json`: metrics, sources and published Looker items, for other tools.

    Streamed to the file item by item: neither the text nor a dict of 60,000 items is ever
    whole in memory (see `export`). A process that writes it after every build passes the
    same `file` each time, which skips or shortens what did not change (`ExportFile`)."""
    from handbook.export import ExportFile
    from handbook.render.addresses import CATALOG_EXPORT

    path = Path(site_dir) / CATALOG_EXPORT
    (file or ExportFile()).write(catalog, path, pages_dir)
    return path
