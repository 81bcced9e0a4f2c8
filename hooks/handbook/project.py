"""Where the handbook's files live.

Everything is found relative to the project root (the folder with `mkdocs.yml`), so the
CLI, the build hooks and the tests agree on paths whatever the working directory is. Tests
point a `Project` at a temporary copy; nothing here reads global state but `HANDBOOK_ROOT`
(through `handbook.settings`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    root: Path
    # Where the catalog and the pages are, when not `catalog/` and `docs/` below the root
    # (the MkDocs plugin's `catalog_dir` option and MkDocs' `docs_dir`).
    catalog_path: Path | None = None
    docs_path: Path | None = None
    # The site's URL style (MkDocs' `use_directory_urls`): `metrics/mau/` or
    # `metrics/mau.html`, for the links MkDocs does not rewrite (raw HTML, SVG, catalog.json).
    directory_urls: bool = True
    # The folder below docs/ the generated pages are in ("" for docs/ itself), and where and
    # under what name the site is published (MkDocs' `site_url`, `site_name`; None when not
    # known): for the links that must be absolute, the Atom feed's.
    pages_dir: str = ""
    site_url: str | None = None
    site_name: str | None = None

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The nearest folder at or above `start` (or `$HANDBOOK_ROOT`) holding mkdocs.yml."""
        found = cls.locate(start)
        from handbook.settings import load_settings

        env = load_settings().root
        return found or cls((env or start or Path.cwd()).resolve())

    @classmethod
    def locate(cls, start: Path | None = None) -> Project | None:
        """Like `find`, but None outside a handbook (no mkdocs.yml beside a catalog/ above).

        The CLI refuses to run there rather than report an empty catalog as valid or
        create catalog/snapshot/ in whatever folder it was started from.
        """
        from handbook.settings import load_settings

        env = load_settings().root
        here = (env or start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / "mkdocs.yml").is_file() and (candidate / "catalog").is_dir():
                return cls(candidate)
        return None

    @property
    def catalog_dir(self) -> Path:
        return self.catalog_path or self.root / "catalog"

    @property
    def docs_dir(self) -> Path:
        return self.docs_path or self.root / "docs"

    @property
    def generated_dir(self) -> Path:
        """Where the MkDocs plugin keeps the generated pages between builds (git-ignored)."""
        return self.root / ".cache" / "handbook" / "pages"

    @property
    def generate_record(self) -> Path:
        """What `handbook generate` wrote and from what (git-ignored; see handbook.generate).

        Not under `.cache/`: `zensical build --clean` deletes that folder, and without this
        record `generate` could no longer tell its own files from the user's.
        """
        return self.root / ".handbook" / "generated.json"

    @property
    def snapshot_dir(self) -> Path:
        return self.catalog_dir / "snapshot"

    @property
    def looker_snapshot(self) -> Path:
        return self.snapshot_dir / "looker.json"

    @property
    def freshness_snapshot(self) -> Path:
        return self.snapshot_dir / "bigquery.json"

    def attempt_file(self, source: str) -> Path:
        """Where a failed pull of `source` is remembered (git-ignored)."""
        return self.snapshot_dir / f"{source}.attempt.json"

    def pulling_file(self, source: str) -> Path:
        """Where a pull of `source` in progress is marked (git-ignored)."""
        return self.snapshot_dir / f"{source}.pulling.json"

    def lock_file(self, source: str) -> Path:
        """The file a pull of `source` holds an OS lock on, one pull at a time (git-ignored)."""
        return self.snapshot_dir / f"{source}.lock"

    @property
    def changes_file(self) -> Path:
        """What successive Looker pulls found changed (`ChangeLog`), kept 180 days."""
        return self.snapshot_dir / "changes.json"

    @property
    def looker_policy(self) -> Path:
        return self.catalog_dir / "looker.yml"

    @property
    def metrics_dir(self) -> Path:
        return self.catalog_dir / "metrics"

    @property
    def sources_dir(self) -> Path:
        return self.catalog_dir / "sources"

    @property
    def dbt_config(self) -> Path:
        """`catalog/dbt.yml`: where dbt's artifacts are (optional)."""
        return self.catalog_dir / "dbt.yml"

    @property
    def reports_file(self) -> Path:
        return self.catalog_dir / "reports.yml"

    def relative(self, path: Path) -> str:
        """A path as users see it in messages: relative to the root when possible."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)
