"""dbt's source tables as handbook sources, and the notes a hand-written file may add.

Every dbt source table with a freshness config after dbt's own inheritance becomes a table of
the handbook source named like the dbt source: `database.schema.identifier` (on BigQuery,
`project.dataset.table`), `loaded_at_field`, `filter`, `warn_after` and `error_after` exactly
as the manifest says. dbt has already merged table settings into source ones and
project-wide ones into both (its merge is field by field, unlike the hand-written files'), so
nothing is inherited again here: each table carries its resolved settings.

What dbt has no key for (a label, a cadence, notes) may be added in `catalog/sources/*.yml`
under the same name (`curated.sources.SourceNotes`); a key dbt already sets (description,
`meta.owner`, `loader`) may not, so the two never disagree.
"""

from __future__ import annotations

from pydantic import Field

from handbook.curated.sources import (
    COLUMN,
    RESERVED_NAMES,
    SLUG,
    TABLE_ID,
    FreshnessRule,
    Source,
    SourceNotes,
    SourceTable,
    Time,
    load_source_files,
)
from handbook.dbt.artifacts import ManifestTable, Threshold
from handbook.dbt.loader import DbtArtifacts, load_dbt
from handbook.errors import CatalogError, Problem
from handbook.project import Project


class DbtTable(SourceTable):
    """A source table as dbt resolved it; built from the manifest, never from YAML."""

    unique_id: str
    name: str  # dbt's table name, as in `source('stripe', 'charges')`
    owner: str | None = None
    loaded_at_query: str | None = None

    @property
    def own_check_refusal(self) -> str | None:
        if self.loaded_at_query:
            return (
                "dbt finds this table's load time with loaded_at_query (SQL of its own), "
                "which the handbook's check does not run; set freshness_results: in "
                "catalog/dbt.yml to show dbt's result"
            )
        if self.loaded_at_field and not COLUMN.match(self.loaded_at_field):
            return (
                "its loaded_at_field is an SQL expression and the handbook's check reads plain "
                "columns only; set freshness_results: in catalog/dbt.yml to show dbt's result"
            )
        return None


class DbtSource(Source):
    """A handbook source whose tables and SLAs come from dbt's manifest."""

    description: str = ""
    owner: str | None = None
    cadence: str | None = None
    tables: list[DbtTable] = Field(default_factory=list)  # type: ignore[assignment]
    dbt_file: str = ""  # where dbt defines it, relative to the dbt project
    dbt_project: str = ""

    @property
    def sla(self) -> str:
        """The tables' SLA when they share one, else that it varies."""
        rules = {str(t.freshness) if t.freshness else "no SLA" for t in self.tables}
        return rules.pop() if len(rules) == 1 else "varies by table (see the tables)"

    @property
    def defined_in(self) -> str:
        """Where dbt defines it, for messages: the dbt file and the setting that reads it."""
        project = f" of dbt project '{self.dbt_project}'" if self.dbt_project else ""
        return f"{self.dbt_file or 'the manifest'}{project}, read through catalog/dbt.yml"


def freshness_rule(threshold: Threshold | None) -> FreshnessRule | None:
    """dbt's resolved thresholds as a rule, taken as dbt took them (no checks of our own: dbt
    allows `warn_after` longer than `error_after`, and so must the verdicts)."""
    if not threshold:
        return None
    assert threshold is not None

    def time(which: str) -> Time | None:
        found = threshold.time(which)  # type: ignore[arg-type]
        return Time.model_construct(count=found.count, period=found.period) if found else None

    return FreshnessRule.model_construct(
        warn_after=time("warn_after"), error_after=time("error_after")
    )


def _table(t: ManifestTable) -> DbtTable:
    return DbtTable.model_construct(
        table=t.relation,
        description=t.description or None,
        loaded_at_field=t.loaded_at_field,
        filter=t.freshness.filter if t.freshness else None,
        freshness=freshness_rule(t.freshness),
        unique_id=t.unique_id,
        name=t.name,
        owner=t.table_owner,
        loaded_at_query=t.loaded_at_query,
    )


def _source(name: str, tables: list[ManifestTable], dbt: DbtArtifacts) -> DbtSource:
    first = tables[0]
    owners = {t.table_owner for t in tables}
    return DbtSource.model_construct(
        name=name,
        label=name,
        description=first.source_description,
        owner=first.source_owner or (owners.pop() if len(owners) == 1 else None),
        cadence=None,
        pipeline=first.loader or None,
        notes=None,
        tables=[_table(t) for t in tables],
        file=dbt.config.file,
        line=dbt.config.line("manifest"),
        dbt_file=first.original_file_path,
        dbt_project=dbt.manifest.metadata.project_name or "",
    )


def _name_problem(name: str, dbt: DbtArtifacts) -> Problem | None:
    if SLUG.match(name) and name not in RESERVED_NAMES:
        return None
    why = (
        f"'{name}' is reserved ({RESERVED_NAMES[name]})"
        if name in RESERVED_NAMES
        else "handbook source names are lowercase letters, digits and underscores, starting "
        "with a letter"
    )
    return Problem(
        dbt.config.file,
        dbt.config.line("manifest"),
        f"dbt source '{name}' cannot be a handbook source: {why}",
        f"leave it out with `exclude: [{name}]`, or rename it in dbt",
    )


def _relation_problem(source: DbtSource, dbt: DbtArtifacts) -> Problem | None:
    """Without dbt's results the handbook queries BigQuery itself: ids must be BigQuery's."""
    bad = [t for t in source.tables if not TABLE_ID.match(t.table)]
    if dbt.results is not None or not bad:
        return None
    return Problem(
        dbt.config.file,
        dbt.config.line("manifest"),
        f"dbt source '{source.name}': {len(bad)} table(s) are not named like BigQuery tables "
        f"(project.dataset.table), e.g. {bad[0].unique_id} is '{bad[0].table}', so "
        "`handbook refresh` cannot check them",
        "set freshness_results: to dbt's sources.json to show dbt's own statuses, or leave "
        f"the source out with `exclude: [{source.name}]`",
    )


def dbt_sources(dbt: DbtArtifacts) -> list[DbtSource]:
    """The handbook sources dbt defines, in manifest order; CatalogError for unusable ones."""
    grouped: dict[str, list[ManifestTable]] = {}
    for table in dbt.selected():
        grouped.setdefault(table.source_name, []).append(table)
    sources = [_source(name, tables, dbt) for name, tables in grouped.items()]
    problems = [p for name in grouped if (p := _name_problem(name, dbt))]
    problems += [p for s in sources if (p := _relation_problem(s, dbt))]
    if problems:
        raise CatalogError(problems)
    return sources


def with_notes(source: DbtSource, notes: SourceNotes) -> tuple[DbtSource, list[Problem]]:
    """`source` with what a hand-written entry adds; a problem per key dbt already sets."""
    declared = {
        "description": ("description", source.description),
        "owner": ("meta.owner", source.owner),
        "pipeline": ("loader", source.pipeline),
    }
    update: dict[str, object] = {"file": notes.file, "line": notes.line}
    problems = []
    for key in ("label", "description", "owner", "cadence", "pipeline", "notes"):
        value = getattr(notes, key)
        if value is None:
            continue
        dbt_key, dbt_value = declared.get(key, (key, None))
        if dbt_value:
            problems.append(
                Problem(
                    notes.file,
                    notes.lines.get(key) or notes.line,
                    f"source '{source.name}': {key} is already set in dbt ({dbt_key}: "
                    f"{dbt_value!r} in {source.defined_in})",
                    f"change it in dbt, or remove `{key}:` here",
                )
            )
            continue
        update[key] = value
    return source.model_copy(update=update), problems


def load_all_sources(project: Project) -> tuple[list[Source], DbtArtifacts | None]:
    """Hand-written sources, then dbt's (with their notes merged), and the dbt artifacts.

    Every problem at once: a broken `catalog/dbt.yml` does not hide mistakes in
    `catalog/sources/` (entries without `tables:` are then taken for notes on dbt sources).
    """
    problems: list[Problem] = []
    dbt: DbtArtifacts | None = None
    from_dbt: list[DbtSource] = []
    try:
        dbt = load_dbt(project)
        from_dbt = dbt_sources(dbt) if dbt else []
    except CatalogError as exc:
        problems.extend(exc.problems)
    defined = None if problems else {s.name: s.defined_in for s in from_dbt}
    try:
        files = load_source_files(project, defined)
    except CatalogError as exc:
        problems.extend(exc.problems)
        raise CatalogError(problems) from None
    notes = {n.name: n for n in files.notes}
    merged: list[Source] = list(files.sources)
    for source in from_dbt:
        if source.name in notes:
            source, found = with_notes(source, notes[source.name])
            problems.extend(found)
        merged.append(source)
    if problems:
        raise CatalogError(problems)
    return merged, dbt
