"""Snapshot + publishing policy + curated YAML, joined into what the site publishes.

`load_catalog` is the one place a build gets its data from, and it never touches the
network: it reads the snapshots under `catalog/snapshot/` (a live build refreshes them first,
in `session`), applies the publishing policy so nothing excluded reaches a page, loads the
analysts' YAML and dbt's artifacts, and collects the notices pages show ("the last pull
failed", a part kept from an earlier pull). The indexes here are built once per build so
page rendering stays linear in catalog size.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from handbook.curated.metrics import Metric, load_metrics
from handbook.curated.policy import (
    DELETED,
    EXCLUDED,
    MISSING,
    PUBLISHED,
    LookerPolicy,
    PublishedView,
    apply_policy,
    folder_paths,
    load_policy,
)
from handbook.curated.reports import ReportList, load_reports
from handbook.curated.sources import Source
from handbook.curated.yaml_source import YamlReader, load_yaml
from handbook.dbt.loader import DbtArtifacts
from handbook.dbt.sources import load_all_sources
from handbook.errors import CatalogError, Problem
from handbook.freshness.rules import SourceStatus, evaluate
from handbook.gc_pause import gc_paused
from handbook.project import Project
from handbook.snapshot.model import (
    ChangeLog,
    ContentChange,
    ContentError,
    ContentValidation,
    FreshnessSnapshot,
    LookerBoard,
    LookerExplore,
    LookerFolder,
    LookerItem,
    LookerSnapshot,
    item_json,
)
from handbook.snapshot.store import load
from handbook.timefmt import utc_minute

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Notice:
    """Something a reader must know about the data on a page."""

    source: str  # "looker" or "bigquery"
    message: str  # untrusted text (a pull's error), shown literally
    level: str = "warning"  # admonition type: "warning" or "info"
    # The file whose removal also dismisses the notice (besides a successful refresh).
    dismiss_file: str | None = None


@dataclass
class Catalog:
    project: Project
    policy: LookerPolicy
    view: PublishedView | None
    freshness: FreshnessSnapshot | None
    sources: list[Source]
    metrics: list[Metric]
    reports: ReportList
    built_at: datetime
    notices: list[Notice] = field(default_factory=list)
    # id(item) → digest of every value of the item, made once (see `item_key`); a session
    # that reuses the same parsed snapshot for the next catalog passes this dict on.
    item_keys: dict[int, str] = field(default_factory=dict, repr=False)
    # `catalog/dbt.yml` and the dbt artifacts it names; None when the handbook has none.
    dbt: DbtArtifacts | None = None
    # What successive pulls found changed, unfiltered: read `looker_changes` instead.
    change_log: ChangeLog | None = None

    # --- Looker -----------------------------------------------------------------------
    @property
    def looker(self) -> LookerSnapshot | None:
        """The published part of the Looker snapshot (policy applied)."""
        return self.view.snapshot if self.view else None

    @property
    def base_url(self) -> str:
        return (self.looker.base_url if self.looker else self.policy.base_url).rstrip("/")

    @property
    def items(self) -> dict[tuple[str, str], LookerItem]:
        """Published items by (kind, id), e.g. ("look", "729"): the published view's own
        index (one dict of 20,000 to 60,000 keys for the build, not two)."""
        return self.view.published_items if self.view else {}

    @cached_property
    def boards(self) -> dict[str, LookerBoard]:
        """Published boards by id; their sections hold published items only."""
        return {b.id: b for b in (self.looker.boards if self.looker else [])}

    @cached_property
    def folders(self) -> dict[str, LookerFolder]:
        return {f.id: f for f in (self.looker.folders if self.looker else [])}

    @cached_property
    def folder_paths(self) -> dict[str, list[LookerFolder]]:
        return folder_paths(self.looker.folders) if self.looker else {}

    @cached_property
    def explores(self) -> dict[tuple[str, str], LookerExplore]:
        return {(e.model, e.name): e for e in (self.looker.explores if self.looker else [])}

    @cached_property
    def fields(self) -> dict[str, tuple[LookerExplore, object]]:
        """Every LookML field as `model.explore.view.field` → (explore, field)."""
        out: dict[str, tuple[LookerExplore, object]] = {}
        for explore in self.explores.values():
            for f in explore.fields:
                out[f"{explore.model}.{explore.name}.{f.name}"] = (explore, f)
        return out

    @cached_property
    def items_by_field(self) -> dict[str, list[LookerItem]]:
        """Published items that query a field, keyed `model.explore.view.field`."""
        out: dict[str, list[LookerItem]] = {}
        for item in self.items.values():
            if item.model and item.explore:
                for name in item.fields:
                    out.setdefault(f"{item.model}.{item.explore}.{name}", []).append(item)
        return out

    def same_looker(self, other: Catalog) -> bool:
        """Whether `other` publishes exactly this catalog's Looker content (folders, items,
        boards, explores, content errors, base URL) at the same addresses: the same project,
        and published views made from the same parse of the snapshot under an equal policy.

        What is made from the Looker content alone (references to looks, dashboards and
        boards; the Looker part of `catalog.json`) can then be kept from one to the other.
        """
        if self.project != other.project:
            return False
        if self.view is None or other.view is None:
            return self.view is other.view and self.policy.base_url == other.policy.base_url
        made = other.view.made_from
        return made is not None and self.view.made_from_same(*made)

    def item_key(self, item: LookerItem) -> str:
        """A digest of every value of a published `item`, made once per item.

        The keys of the pages that show an item (its folder page, the metric pages listing
        it) cite this instead of the item's whole JSON: one encoding per item, not one per
        page showing it, and short keys to digest.
        """
        key = self.item_keys.get(id(item))
        if key is None:
            key = hashlib.blake2b(item_json(item).encode("utf-8"), digest_size=16).hexdigest()
            self.item_keys[id(item)] = key
        return key

    # --- Content validation, owners, changes ------------------------------------------------
    @property
    def validation(self) -> ContentValidation | None:
        """The content validator's state and its errors of published content (None: the
        snapshot predates content validation). `state`, `validated_at` and `reason` say how
        current it is; `validation_note` says it in one sentence."""
        return self.looker.content_validation if self.looker else None

    @cached_property
    def broken(self) -> dict[tuple[str, str], list[ContentError]]:
        """Published looks and dashboards with validator errors, by (kind, id)."""
        validation = self.validation
        return {(b.kind, b.id): b.errors for b in validation.items} if validation else {}

    def validation_errors(self, kind: str, item_id: str) -> list[ContentError]:
        """The validator's errors of one published look or dashboard ([] when none, or when
        it is not published). A tile title that could repeat an unpublished look's is None."""
        return self.broken.get((kind, item_id), [])

    @property
    def hidden_broken(self) -> int:
        """How many broken looks and dashboards are not published: a count, never names."""
        return self.view.hidden_broken if self.view else 0

    @property
    def validation_note(self) -> str | None:
        """One sentence on how current the content validation is; None when it is this
        pull's (or the snapshot predates it)."""
        return validation_note(self.validation, self.looker_pulled_at)

    @cached_property
    def owner_left(self) -> list[LookerItem]:
        """Published looks and dashboards whose owner's Looker account is deactivated."""
        return sorted(
            (i for i in self.items.values() if i.owner_disabled),
            key=lambda i: ((i.owner or "").casefold(), i.title.casefold(), i.kind, i.id),
        )

    @cached_property
    def looker_changes(self) -> list[ContentChange]:
        """What pulls found changed, newest first, with the publishing policy in force now:
        nothing under an excluded or private folder (before or after the change, or a folder
        the pull did not know), no excluded board, not even as deleted, and nothing about
        content the policy holds back today (a look renamed while public, then moved into
        an excluded folder, has no history on the site)."""
        changes = self.change_log.changes if self.change_log else []
        shown = [c for c in changes if self._change_published(c)]
        return sorted(shown, key=lambda c: c.at, reverse=True)

    def _change_published(self, change: ContentChange) -> bool:
        policy = self.policy
        if self.view is not None and self.view.lookup(change.kind, change.id)[0] == EXCLUDED:
            return False
        if change.kind == "board":
            return change.id not in set(policy.exclude_boards)
        if change.personal and not policy.include_personal:
            return False
        held = set(policy.exclude_folders) | (self.view.excluded_folder_ids if self.view else set())
        named = {f for f in (change.folder_id, change.old_folder_id) if f}
        return not (held & set(change.folders)) and named <= set(change.folders)

    def item_url(self, item: LookerItem) -> str:
        return f"{self.base_url}/{'dashboards' if item.kind == 'dashboard' else 'looks'}/{item.id}"

    def board_url(self, board: LookerBoard) -> str:
        return f"{self.base_url}/boards/{board.id}"

    def folder_url(self, folder: LookerFolder) -> str:
        return f"{self.base_url}/folders/{folder.id}"

    def explore_url(self, explore: LookerExplore) -> str:
        return f"{self.base_url}/explore/{explore.model}/{explore.name}"

    def folder_title(self, folder_id: str | None) -> str:
        path = self.folder_paths.get(folder_id or "", [])
        return " / ".join(f.name for f in path) if path else "(no folder)"

    def why_unpublished(self, kind: str, item_id: str) -> tuple[str, str] | None:
        """None for published content; else what is wrong and what to do, in one wording.

        For every check that cites a look, dashboard or board by id (references, metric
        definitions, the reports list); which case applies is `policy.standing`'s rule,
        the one `check-links` uses too.
        """
        if self.view is None:
            found = MISSING
        else:
            found, _ = self.view.lookup(kind, item_id)
        if found == PUBLISHED:
            return None
        if found == EXCLUDED:
            where = "" if kind == "board" else "in a folder "
            key = "exclude_boards" if kind == "board" else "exclude_folders"
            return (
                f"{kind} {item_id} is {where}excluded from publishing",
                f"link published content instead, or change {key} in catalog/looker.yml",
            )
        if found == DELETED:
            return (
                f"{kind} {item_id} is in Looker's trash (deleted)",
                "remove it, or restore it in Looker and run `handbook refresh`",
            )
        return (
            f"{kind} {item_id} is not in the Looker snapshot",
            "check the id (the number in its Looker URL), then run `handbook refresh`; "
            "or remove it",
        )

    def gone_from_looker(self, kind: str, item_id: str) -> str | None:
        """ "deleted" (in Looker's trash) or "missing" (not in the snapshot), else None.

        Curated YAML naming such content fails `handbook validate` and strict builds, but
        a plain build publishes it shown as gone: one trashed dashboard must not stop the
        nightly site. Excluded content is not "gone": it stays an error everywhere.
        """
        if self.view is None:
            return None
        found, _ = self.view.lookup(kind, item_id)  # `policy.standing`'s rule, as above
        return found if found in (DELETED, MISSING) else None

    # --- Metrics and sources ------------------------------------------------------------
    @cached_property
    def metrics_by_name(self) -> dict[str, Metric]:
        return {m.name: m for m in self.metrics}

    @cached_property
    def sources_by_name(self) -> dict[str, Source]:
        return {s.name: s for s in self.sources}

    @cached_property
    def source_statuses(self) -> dict[str, SourceStatus]:
        """Every source's freshness status, worked out once per build (dbt's rules, or
        dbt's own verdicts where `catalog/dbt.yml` names them), aged to the build time: a
        pass whose check is older than the table's threshold is "not checked since"."""
        results = self.dbt.results if self.dbt else None
        states = evaluate(self.sources, self.freshness, results, now=self.built_at)
        return {s.source.name: s for s in states}

    @cached_property
    def explore_sources(self) -> dict[tuple[str, str], list[str]]:
        """Source names behind each (model, explore): the `sources:` of the metrics whose
        `lookml_field` (`model.explore.view.field`) is on it, in metric order, each once.

        The Looker snapshot knows no table names, so this is what "the data behind a look
        or dashboard" can mean (the trust line, the reports page, dbt exposures)."""
        out: dict[tuple[str, str], list[str]] = {}
        for metric in self.metrics:
            model, _, rest = (metric.lookml_field or "").partition(".")
            explore = rest.partition(".")[0]
            if not (model and explore):
                continue
            known = out.setdefault((model, explore), [])
            known += [n for n in metric.sources if n not in known and n in self.sources_by_name]
        return out

    def sources_behind(self, item: LookerItem) -> list[Source]:
        """The data sources behind a look or dashboard's explore ([] when none is known)."""
        names = self.explore_sources.get((item.model or "", item.explore or ""), [])
        return [self.sources_by_name[n] for n in names]

    @property
    def watched_files(self) -> tuple[Path, ...]:
        """Files outside the catalog folder whose change changes the catalog (dbt's)."""
        return self.dbt.watched if self.dbt else ()

    @property
    def looker_pulled_at(self) -> datetime | None:
        return self.looker.pulled_at if self.looker else None


def _attempt_notice(
    project: Project, source: str, label: str, last: datetime | None
) -> Notice | None:
    """A notice when the latest pull of `source` failed after the snapshot was taken."""
    path = project.attempt_file(source)
    if not path.is_file():
        return None
    try:
        attempt = json.loads(path.read_text(encoding="utf-8"))
        attempted = datetime.fromisoformat(attempt["attempted_at"])
        # Shown literally on pages, where a backtick would read as stray markup: quotes
        # (attempt files written before our messages lost their backticks have them).
        error = str(attempt.get("error", "unknown error")).replace("`", "'")
    except (ValueError, KeyError, TypeError):
        return None
    if last is not None and attempted <= last:
        return None
    shown = utc_minute(last) if last else "no snapshot"
    return Notice(
        source,
        f"The {label} pull at {utc_minute(attempted)} failed ({error}). This page shows the "
        f"last good snapshot, from {shown}.",
        dismiss_file=project.relative(path),
    )


def _unfinished_notice(
    project: Project, source: str, label: str, last: datetime | None
) -> Notice | None:
    """A notice when a pull of `source` started after the snapshot and never ended."""
    from handbook import pull_marker

    marker = pull_marker.unfinished(project, source)
    if marker is None or (last is not None and marker.started_at <= last):
        return None
    return Notice(
        source,
        pull_marker.describe(marker, label, last),
        dismiss_file=project.relative(project.pulling_file(source)),
    )


def _carried_notices(looker: LookerSnapshot | None) -> list[Notice]:
    """Parts of the Looker snapshot kept from an earlier pull (see CarriedPart)."""
    notices = []
    for part in looker.carried_over if looker else []:
        since = (
            f"they are from the earlier pull at {utc_minute(part.pulled_at)}"
            if part.pulled_at
            else "no earlier pull had them, so they are missing"
        )
        notices.append(
            Notice(
                "looker",
                f"The {part.part} (which content uses which LookML field) could not be read "
                f"in this pull ({part.reason}); {since}.",
            )
        )
    return notices


def _validation_notices(looker: LookerSnapshot | None) -> list[Notice]:
    """A notice on every page when the content validator failed in the last pull (its
    errors are then an earlier pull's), as for a carried part; other states are the
    validation section's to say (`Catalog.validation_note`)."""
    validation = looker.content_validation if looker else None
    if looker is None or validation is None or validation.state != "kept":
        return []
    return [Notice("looker", validation_note(validation, looker.pulled_at) or "")]


def validation_note(validation: ContentValidation | None, pulled: datetime | None) -> str | None:
    """The one wording of how current the content validation is, for pages and notices."""
    if validation is None or validation.state == "ok":
        return None
    when = f"the pull at {utc_minute(validation.validated_at)}" if validation.validated_at else None
    if validation.state == "unavailable":
        return f"Content validation is unavailable: {validation.reason}."
    if validation.state == "off":
        return "Content validation is off (content_validation: false in catalog/looker.yml)."
    if validation.state == "skipped":
        shown = f"is from {when}" if when else "has not run yet"
        return f"Content validation {shown} ({validation.reason})."
    this = f"the Looker pull at {utc_minute(pulled)}" if pulled else "the last pull"
    shown = f"the broken content shown is from {when}" if when else "no earlier validation to show"
    return f"Content validation failed in {this} ({validation.reason}); {shown}."


SnapshotReader = Callable[[Path, type[M]], M | None]


def load_catalog(
    project: Project,
    *,
    now: datetime | None = None,
    read: SnapshotReader = load,
    read_yaml: YamlReader = load_yaml,
    earlier: Catalog | None = None,
) -> Catalog:
    """Everything a build publishes, from the files on disk (no network).

    `read` loads a snapshot file (`snapshot.store.load`), `read_yaml` a metrics file
    (`load_yaml`); a session that keeps the catalog across rebuilds may give ones that reuse
    a file's last parse while the file is unchanged, and the `earlier` catalog it loaded: its
    published Looker view is kept when made from the same parse under an equal policy (the
    policy over 20,000 items is not applied again).
    """
    with gc_paused():
        return _load_catalog(project, now, read, read_yaml, earlier)


def _published(
    looker: LookerSnapshot | None, policy: LookerPolicy, earlier: Catalog | None
) -> PublishedView | None:
    if looker is None:
        return None
    kept = earlier.view if earlier is not None else None
    if kept is not None and kept.made_from_same(looker, policy):
        return kept
    return apply_policy(looker, policy)


def _load_catalog(
    project: Project,
    now: datetime | None,
    read: SnapshotReader,
    read_yaml: YamlReader,
    earlier: Catalog | None,
) -> Catalog:
    problems: list[Problem] = []

    def collect(load: Callable[[], T], default: T) -> T:
        """Every file is read even after a bad one, so one run lists every mistake."""
        try:
            return load()
        except CatalogError as exc:
            problems.extend(exc.problems)
            return default

    display = project.relative(project.looker_policy)
    policy = collect(lambda: load_policy(project.looker_policy, display), LookerPolicy())
    looker = read(project.looker_snapshot, LookerSnapshot)
    freshness = read(project.freshness_snapshot, FreshnessSnapshot)
    sources, dbt = collect(lambda: load_all_sources(project), ([], None))
    metrics = collect(lambda: load_metrics(project, read_yaml), [])
    reports = collect(lambda: load_reports(project), ReportList())
    change_log = collect(lambda: load(project.changes_file, ChangeLog), None)
    if problems:
        raise CatalogError(problems)

    notices: list[Notice] = []
    for source, label, last in (
        ("looker", "Looker", looker.pulled_at if looker else None),
        ("bigquery", "BigQuery freshness", freshness.checked_at if freshness else None),
    ):
        for notice in (
            _attempt_notice(project, source, label, last),
            _unfinished_notice(project, source, label, last),
        ):
            if notice:
                notices.append(notice)
    notices += _carried_notices(looker)
    notices += _validation_notices(looker)
    return Catalog(
        project=project,
        policy=policy,
        view=_published(looker, policy, earlier),
        freshness=freshness,
        sources=sources,
        metrics=metrics,
        reports=reports,
        built_at=now or datetime.now(UTC),
        notices=notices,
        dbt=dbt,
        change_log=change_log,
    )


def empty_catalog(project: Project) -> Catalog:
    """A catalog with nothing in it: what a preview shows before the YAML first loads."""
    return Catalog(
        project=project,
        policy=LookerPolicy(),
        view=None,
        freshness=None,
        sources=[],
        metrics=[],
        reports=ReportList(),
        built_at=datetime.now(UTC),
    )
