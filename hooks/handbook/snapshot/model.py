"""The pulled snapshot as plain data.

Everything in here came from Looker or BigQuery and is therefore untrusted text: the
models only check shape, never meaning, and rendering escapes every string. The snapshot
is what a fresh clone builds from, so the models are the contract between a pull made
months ago and today's templates; `schema_version` lets a later change refuse an old file
with a clear message instead of a KeyError deep in a template.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)
from pydantic.dataclasses import dataclass
from pydantic_core import to_json

SCHEMA_VERSION = 1
RECENT_DAYS = 90  # the window of `LookerItem.recent_views`; System Activity keeps 90 days


def _as_utc(value: datetime) -> datetime:
    """Times without a zone are read as UTC (Looker and BigQuery report UTC).

    Every age on the site is a difference of two of these; one naive value would make
    that subtraction raise in the middle of a build.
    """
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


def _id_as_text(value: object) -> object:
    """YAML reads `729` as a number; Looker ids are text (`product::summary` too).

    Only whole numbers are converted: anything else (`true`, `7.5`, a list) still fails
    validation with a message naming the key.
    """
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# A look, dashboard or folder id as analysts type it in catalog YAML (`729` or `"729"`; the
# JSON Schema says so, so editors do not flag a bare number).
LookerId = Annotated[
    str,
    BeforeValidator(_id_as_text),
    WithJsonSchema({"type": ["string", "integer"], "description": "A Looker id, e.g. 729"}),
]

ItemKind = Literal["dashboard", "look"]


class _Data(BaseModel):
    """Strict about unknown keys so a hand-edited snapshot fails loudly, not silently."""

    model_config = ConfigDict(extra="forbid", frozen=False)


class LookerFolder(_Data):
    id: str
    name: str
    parent_id: str | None = None
    is_personal: bool = False
    is_personal_descendant: bool = False


@dataclass(slots=True, config=ConfigDict(extra="forbid"))
class LookerItem:
    """A dashboard (numeric id, or LookML `model::name`) or a look.

    A slotted pydantic dataclass, not a model: a snapshot holds 20,000 to 60,000 of them for
    the whole build, and a model instance carries a dict of its values and a set of the
    fields given (about 1.2 KB more per item, measured) where slots take a pointer a field.
    Validation is the same (types, unknown keys refused), inside `LookerSnapshot` or on its
    own with `pydantic.TypeAdapter(LookerItem)`; short strings repeated across items (owners,
    folder ids, field names) are shared by pydantic's JSON parser already.
    """

    kind: ItemKind
    id: str
    title: str
    description: str | None = None
    folder_id: str | None = None
    owner: str | None = None
    # The owner's Looker account is deactivated (`is_disabled`): the content's owner left.
    owner_disabled: bool = False
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None
    last_viewed_at: UtcDatetime | None = None
    view_count: int = 0  # lifetime, as Looker's search reports it
    # Views in the RECENT_DAYS days before the pull, from System Activity's history; None
    # when that could not be read (no permission), so pages never show a guess.
    recent_views: int | None = None
    favorite_count: int = 0
    deleted: bool = False
    lookml: bool = False
    # Fully qualified LookML fields the item queries (`view.field`), with the model and
    # explore they come from, so a metric page can list the content that uses its field.
    model: str | None = None
    explore: str | None = None
    fields: list[str] = Field(default_factory=list)


def item_json(item: LookerItem) -> str:
    """Every value of `item` as JSON text (for keys that must change when any value does)."""
    return to_json(item).decode("utf-8")


class LookerField(_Data):
    name: str  # `view.field`, as LookML names it
    label: str | None = None
    description: str | None = None
    type: str | None = None
    category: Literal["dimension", "measure", "filter", "parameter"] = "dimension"
    hidden: bool = False


class LookerExplore(_Data):
    model: str
    name: str
    label: str | None = None
    description: str | None = None
    fields: list[LookerField] = Field(default_factory=list)


class LookerBoardItem(_Data):
    """One tile of a board section that shows a look or a dashboard, by id only.

    Looker's own display title of the tile is not kept: it repeats the content's title,
    which must never reach a page when the content is excluded. Tiles with only a custom
    URL are not kept either (they are not catalog content).
    """

    kind: ItemKind
    id: str


class LookerBoardSection(_Data):
    id: str
    title: str | None = None
    description: str | None = None
    items: list[LookerBoardItem] = Field(default_factory=list)


class LookerBoard(_Data):
    """A board: sections of looks and dashboards. Boards live outside folders."""

    id: str
    title: str
    description: str | None = None
    deleted: bool = False  # in Looker's trash (`deleted_at` set)
    sections: list[LookerBoardSection] = Field(default_factory=list)


class LookerProject(_Data):
    """A LookML project as deployed at pull time: explores are fetched again only when
    `commit` (its production branch's `ref`) changed since the previous snapshot."""

    id: str
    commit: str | None = None
    models: list[str] = Field(default_factory=list)


class CarriedPart(_Data):
    """A part of this snapshot that the pull could not read and kept from an earlier one.

    `pulled_at` is when the kept data was really pulled (None: there was none to keep);
    pages show it beside the part so nobody mistakes it for today's data.
    """

    part: str  # e.g. "explore and fields of looks"
    pulled_at: UtcDatetime | None = None
    reason: str


class ContentError(_Data):
    """One error Looker's content validator found in a look or dashboard.

    What it says (`message`), which LookML it names (`model`, `explore`, `field`), and
    where on a dashboard it is: the tile's title (`tile`; `tile_look` when the tile shows a
    look, so a page can withhold a title that repeats an unpublished look's), or the
    dashboard filter (`filter`); `schedule` names the schedule when the error is in one.
    """

    message: str
    model: str | None = None
    explore: str | None = None
    field: str | None = None
    tile: str | None = None
    tile_look: str | None = None
    filter: str | None = None
    schedule: str | None = None


class BrokenItem(_Data):
    """A look or dashboard the content validator found errors in."""

    kind: ItemKind
    id: str
    errors: list[ContentError] = Field(default_factory=list)


ValidationState = Literal["ok", "kept", "skipped", "unavailable", "off"]


class ContentValidation(_Data):
    """What Looker's content validator said, and how current that is.

    `state`: "ok" (validated in this pull), "kept" (the validator failed in this pull: a
    timeout, a 5xx, an unreadable answer, so the errors are an earlier pull's), "skipped"
    (not asked in this pull: `mkdocs serve` never waits for it; the errors are an earlier
    pull's), "unavailable" (Looker refused: the API user lacks the permission; no errors),
    "off" (`content_validation: false` in catalog/looker.yml; no errors). `validated_at`
    is the time of the pull whose validation `items` holds (None: there was none).
    """

    state: ValidationState
    validated_at: UtcDatetime | None = None
    reason: str | None = None
    items: list[BrokenItem] = Field(default_factory=list)


class LookerSnapshot(_Data):
    """One complete pull of the Looker content catalog."""

    schema_version: int = SCHEMA_VERSION
    pulled_at: UtcDatetime
    base_url: str
    folders: list[LookerFolder] = Field(default_factory=list)
    items: list[LookerItem] = Field(default_factory=list)
    explores: list[LookerExplore] = Field(default_factory=list)
    # Added after the first snapshots: an older file without boards still loads.
    boards: list[LookerBoard] = Field(default_factory=list)
    # How the pull went: the number of HTTP requests it took, for the catalog index.
    requests: int | None = None
    # Deployed LookML commits, so the next pull refetches only changed projects' explores.
    projects: list[LookerProject] = Field(default_factory=list)
    # Parts kept from an earlier pull because this one could not read them (see CarriedPart).
    carried_over: list[CarriedPart] = Field(default_factory=list)
    # Looker's content validator (None: pulled before the handbook asked it).
    content_validation: ContentValidation | None = None


ChangeKind = Literal["added", "trashed", "deleted", "restored", "renamed", "moved"]
CHANGE_DAYS = 180  # how long `changes.json` keeps what changed, by pull time


class ContentChange(_Data):
    """One thing a Looker pull found changed since the previous snapshot.

    Kept raw, whatever the publishing policy: pages filter with the policy in force when
    they are built, so everything that decision needs is here. Titles and folders are
    before (`old_*`) and after the change; for "added" only the after, for "deleted" only
    the before (also in `title`/`folder_id`, the last known). `folders` holds every folder
    id on the before and after paths (root first) and `personal` whether any of them was
    a personal folder, both as of the pull, so a change under a folder that is excluded
    now, or was deleted since, can still be held back.
    """

    at: UtcDatetime  # the pull that found it
    kind: Literal["dashboard", "look", "board"]
    id: str
    change: ChangeKind
    title: str = ""
    old_title: str | None = None
    folder_id: str | None = None
    old_folder_id: str | None = None
    folders: list[str] = Field(default_factory=list)
    personal: bool = False


class ChangeLog(_Data):
    """`catalog/snapshot/changes.json`: what successive Looker pulls found changed."""

    schema_version: int = SCHEMA_VERSION
    changes: list[ContentChange] = Field(default_factory=list)


class TableFreshness(_Data):
    """What BigQuery said about one table, and when."""

    table: str  # project.dataset.table
    loaded_at: UtcDatetime | None = None
    # When the answer was true, as dbt's `snapshotted_at`: BigQuery's CURRENT_TIMESTAMP() in
    # the MAX(field) query, the time the metadata came back otherwise. Ages are measured from
    # it; snapshots written before it was kept fall back to the snapshot's `checked_at`.
    checked_at: UtcDatetime | None = None
    method: Literal["metadata", "max_field"] = "metadata"
    error: str | None = None  # set when the check itself failed: dbt's "runtime error"
    # What was asked, for MAX(field) checks: one table read by two sources with different
    # filters (or fields) has one entry per (table, field, filter), as dbt judges each.
    loaded_at_field: str | None = None
    filter: str | None = None

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return freshness_key(self.table, self.loaded_at_field, self.filter)


def freshness_key(
    table: str, loaded_at_field: str | None, filter: str | None
) -> tuple[str, str | None, str | None]:
    """What identifies one freshness answer: metadata checks ignore filters."""
    return (table, loaded_at_field, filter if loaded_at_field else None)


class FreshnessSnapshot(_Data):
    schema_version: int = SCHEMA_VERSION
    checked_at: UtcDatetime
    tables: list[TableFreshness] = Field(default_factory=list)


class PullAttempt(_Data):
    """A failed pull, remembered beside the snapshot so the next build can say so.

    The snapshot itself is never touched by a failure; this small file is the only trace.
    """

    source: Literal["looker", "bigquery"]
    attempted_at: UtcDatetime
    error: str


class PullInProgress(_Data):
    """Written before a pull's first request and removed when it ends, either way.

    Still there at the next build or refresh, and its process gone: the pull was killed
    (kill -9, power loss) and pages say so, with when it started.
    """

    source: Literal["looker", "bigquery"]
    started_at: UtcDatetime
    pid: int
    host: str
