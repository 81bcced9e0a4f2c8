"""dbt's JSON artifacts, read for their sources and freshness results only.

`target/manifest.json` (schema v12, dbt 1.8 and later) holds every source table as dbt
resolved it: project-wide settings, `config:` blocks, table settings merged into source ones
and Jinja rendered. Reading that, never `sources.yml`, is what keeps the handbook's rules dbt's
own. `target/sources.json` (v3, written by `dbt source freshness`) holds dbt's verdicts.

A manifest grows with the project (tens of megabytes is common, almost all of it models and
macros), so `read_parts` walks only the top level of the document: the parts asked for are
decoded, every other value is skimmed by the same C scanner with an object hook that drops
each object as soon as it is built, so at no point does the whole document sit in memory as
Python objects. Everything in an artifact is untrusted text: the models check its shape and
keep only the fields the handbook uses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from json.decoder import scanstring
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from handbook.errors import first_validation_error
from handbook.snapshot.model import UtcDatetime

MANIFEST_VERSION = 12  # dbt 1.8 to 1.11
RESULTS_VERSION = 3  # dbt 1.0 and later
_SCHEMA = re.compile(r"/dbt/(?P<kind>[a-z_]+)/v(?P<version>\d+)\.json$")
_SPACE = re.compile(r"[ \t\n\r]*")


class ArtifactError(Exception):
    """What is wrong with an artifact and what to do; the caller says which setting named it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _drop(_pairs: list[tuple[str, Any]]) -> None:
    return None


_DECODER = json.JSONDecoder()
_SKIMMER = json.JSONDecoder(object_pairs_hook=_drop)


def _read_text(path: Path, what: str) -> str:
    try:
        with path.open(encoding="utf-8") as fh:
            return fh.read()
    except UnicodeDecodeError:
        raise ArtifactError(f"{what} is not UTF-8 text", _regenerate(what)) from None
    except OSError as exc:
        raise ArtifactError(f"{what} cannot be read ({exc.strerror})", _regenerate(what)) from None


def _regenerate(what: str) -> str:
    command = "dbt source freshness" if "sources.json" in what else "dbt parse"
    return f"run `{command}` in the dbt project to write it again"


def _walk(text: str, keys: frozenset[str]) -> dict[str, Any]:
    pos = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    if text[pos : pos + 1] != "{":
        raise ValueError("not a JSON object")
    found: dict[str, Any] = {}
    pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text[pos : pos + 1] == "}":
        return found
    while True:
        if text[pos : pos + 1] != '"':
            raise ValueError(f"expected a key at character {pos}")
        key, pos = scanstring(text, pos + 1)
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] != ":":
            raise ValueError(f"expected ':' at character {pos}")
        pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
        decoder = _DECODER if key in keys else _SKIMMER
        value, pos = decoder.raw_decode(text, pos)
        if key in keys:
            found[key] = value
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] == "}":
            return found
        if text[pos : pos + 1] != ",":
            raise ValueError(f"expected ',' or '}}' at character {pos}")
        pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]


def read_parts(path: Path, keys: frozenset[str], what: str) -> dict[str, Any]:
    """The top-level `keys` of the JSON object in `path` (missing ones are left out)."""
    text = _read_text(path, what)
    try:
        return _walk(text, keys)
    except json.JSONDecodeError as exc:
        raise ArtifactError(
            f"{what} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            _regenerate(what) + " (a write may have been cut short)",
        ) from None
    except (ValueError, RecursionError) as exc:
        raise ArtifactError(f"{what} is not a dbt artifact ({exc})", _regenerate(what)) from None


def schema_version(metadata: object, kind: str, what: str) -> int:
    """The `vN` of `metadata.dbt_schema_version`, checked to be a `kind` artifact."""
    url = metadata.get("dbt_schema_version") if isinstance(metadata, dict) else None
    found = _SCHEMA.search(url) if isinstance(url, str) else None
    if found is None or found["kind"] != kind:
        expected = "target/manifest.json" if kind == "manifest" else "target/sources.json"
        raise ArtifactError(
            f"{what} is not a dbt {kind} artifact (its metadata.dbt_schema_version is {url!r})",
            f"point it at dbt's {expected}",
        )
    return int(found["version"])


# --- The parts the handbook reads -------------------------------------------------------


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Time(_Part):
    """dbt's `{count, period}`; a threshold is set only when both are (dbt's `Time.__bool__`)."""

    count: int | None = None
    period: Literal["minute", "hour", "day"] | None = None


class Threshold(_Part):
    """dbt's resolved `freshness:`: either threshold may be unset, and the `filter` lives here."""

    warn_after: Time | None = None
    error_after: Time | None = None
    filter: str | None = None

    def time(self, which: Literal["warn_after", "error_after"]) -> Time | None:
        value = getattr(self, which)
        return value if value is not None and value.count is not None and value.period else None

    def __bool__(self) -> bool:
        """dbt's `FreshnessThreshold.__bool__`: an SLA needs at least one set threshold."""
        return self.time("warn_after") is not None or self.time("error_after") is not None


def _owner(meta: object) -> str | None:
    value = meta.get("owner") if isinstance(meta, dict) else None
    return value.strip() or None if isinstance(value, str) else None


class ManifestTable(_Part):
    """One source table of the manifest, with the fields the handbook shows or checks."""

    unique_id: str
    package_name: str = ""
    source_name: str
    name: str
    database: str | None = None
    schema_: str = Field(alias="schema")
    identifier: str
    description: str = ""
    source_description: str = ""
    loader: str = ""
    loaded_at_field: str | None = None
    loaded_at_query: str | None = None
    freshness: Threshold | None = None
    original_file_path: str = ""
    table_owner: str | None = None  # the table's resolved `meta.owner` (source meta merged in)
    source_owner: str | None = None  # the source's own `meta.owner`, else an `owner` key

    @model_validator(mode="before")
    @classmethod
    def _owners(cls, data: Any) -> Any:
        """Of `meta`, which may hold anything a team put there, only `owner` is kept."""
        if isinstance(data, dict):
            table_owner = _owner(data.get("meta"))
            source_owner = _owner(data.get("source_meta")) or _owner(data)
            data = {k: v for k, v in data.items() if k not in ("meta", "source_meta", "owner")}
            data.update(table_owner=table_owner, source_owner=source_owner)
        return data

    @property
    def relation(self) -> str:
        """`database.schema.identifier`: on BigQuery, `project.dataset.table`."""
        return ".".join(p for p in (self.database, self.schema_, self.identifier) if p)

    @property
    def has_freshness(self) -> bool:
        return bool(self.freshness)


class ManifestMetadata(_Part):
    dbt_version: str | None = None
    generated_at: UtcDatetime | None = None
    invocation_id: str | None = None
    project_name: str | None = None
    project_id: str | None = None
    adapter_type: str | None = None


class FreshnessResult(_Part):
    """One entry of `sources.json`: dbt's verdict, or a runtime error (dbt 1.12 and later)."""

    unique_id: str
    status: Literal["pass", "warn", "error", "runtime error"]
    max_loaded_at: UtcDatetime | None = None
    snapshotted_at: UtcDatetime | None = None
    max_loaded_at_time_ago_in_s: float | None = None
    criteria: Threshold | None = None
    error: str | int | None = None

    @property
    def age(self) -> timedelta | None:
        seconds = self.max_loaded_at_time_ago_in_s
        return None if seconds is None else timedelta(seconds=seconds)


class ResultsMetadata(_Part):
    dbt_version: str | None = None
    generated_at: UtcDatetime | None = None  # when the file was written, at the run's end
    invocation_started_at: UtcDatetime | None = None  # when the run began (dbt 1.8 and later)
    invocation_id: str | None = None


@dataclass(frozen=True)
class Manifest:
    """What the handbook keeps of a manifest: its metadata and every source table."""

    metadata: ManifestMetadata
    tables: tuple[ManifestTable, ...]

    @property
    def source_names(self) -> frozenset[str]:
        return frozenset(t.source_name for t in self.tables)


@dataclass(frozen=True)
class FreshnessResults:
    """What the handbook keeps of `sources.json`: when dbt checked, and each verdict."""

    metadata: ResultsMetadata
    results: dict[str, FreshnessResult]

    @property
    def checked_at(self) -> datetime | None:
        """When dbt's run began: no verdict in the file is older news than this."""
        return self.metadata.invocation_started_at or self.metadata.generated_at

    @property
    def written_at(self) -> datetime | None:
        return self.metadata.generated_at


def _model(model: type[_Part], data: object, what: str, where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ArtifactError(
            f"{what} has an unexpected {where} {first_validation_error(exc)}",
            "regenerate it with dbt; a hand-edited or truncated artifact cannot be read",
        ) from None


def _check_version(found: int, supported: int, kind: str, what: str) -> None:
    if found == supported:
        return
    if kind == "manifest":
        hint = (
            "run `dbt parse` with dbt-core 1.8 to 1.11, which write manifest v12"
            if found < supported
            else "this handbook reads manifest v12 (dbt-core 1.8 to 1.11); run `dbt parse` "
            "with one of those, or upgrade the handbook"
        )
    else:
        hint = f"run `dbt source freshness` with dbt-core 1.0 or later (sources v{supported})"
    raise ArtifactError(
        f"{what} is dbt {kind} schema v{found}; this handbook reads v{supported}", hint
    )


def _read(path: Path, what: str, kind: str, meta: type[_Part], body: str) -> tuple[Any, Any]:
    """An artifact's checked schema version, its metadata as `meta`, and its `body` part
    (left to the caller to check: the manifest's is an object, sources.json's a list)."""
    parts = read_parts(path, frozenset({"metadata", body}), what)
    supported = MANIFEST_VERSION if kind == "manifest" else RESULTS_VERSION
    _check_version(schema_version(parts.get("metadata"), kind, what), supported, kind, what)
    return _model(meta, parts["metadata"], what, "metadata"), parts.get(body)


def read_manifest(path: Path, what: str) -> Manifest:
    """The metadata and source tables of `path`; ArtifactError for anything unusable."""
    metadata, sources = _read(path, what, "manifest", ManifestMetadata, "sources")
    if not isinstance(sources, dict):
        raise ArtifactError(f"{what} has no `sources` object", _regenerate(what))
    tables = [_model(ManifestTable, node, what, f"source {key!r}") for key, node in sources.items()]
    return Manifest(metadata, tuple(tables))


def read_results(path: Path, what: str) -> FreshnessResults:
    """dbt's freshness verdicts from `sources.json`, by unique_id."""
    metadata, raw = _read(path, what, "sources", ResultsMetadata, "results")
    if not isinstance(raw, list):
        raise ArtifactError(f"{what} has no `results` list", _regenerate(what))
    results = [_model(FreshnessResult, r, what, f"result {i}") for i, r in enumerate(raw)]
    return FreshnessResults(metadata, {r.unique_id: r for r in results})
