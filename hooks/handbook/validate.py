"""Cross-checks between the curated YAML and the Looker snapshot.

Each YAML file is valid on its own once it loads; what can still be wrong is how files
point at each other and at Looker: a metric naming a source nobody defined, a look id that
was deleted or sits in an excluded folder, a LookML field that was renamed. Those are
errors, reported at the line the analyst typed, and they fail both `handbook validate` and
the build; except that Looker content which is gone (trashed, or no longer in Looker) is
`publishable`: a plain `mkdocs build` logs a warning and shows it as gone, so one trashed
dashboard never stops the nightly site, while `--strict` (pull requests) still fails. A
LookML description that no longer matches ours is only a warning: someone
should look, but an edit in Looker must not break the handbook's build.

Nothing here writes a file; the same checks run in CI, in `mkdocs build` and on a laptop.
"""

from __future__ import annotations

import re
from dataclasses import replace

from handbook.catalog import Catalog, load_catalog
from handbook.curated.metrics import Metric
from handbook.curated.reports import check_reports
from handbook.errors import CatalogError, Problem
from handbook.gc_pause import gc_paused
from handbook.project import Project
from handbook.render.addresses import metric_page
from handbook.suggest import did_you_mean

_SPACE = re.compile(r"\s+")


def _normal(text: str) -> str:
    """Text compared for drift: case, whitespace and a final full stop do not count."""
    return _SPACE.sub(" ", text).strip().rstrip(".").casefold()


def _check_sources(metric: Metric, catalog: Catalog) -> list[Problem]:
    known = sorted(catalog.sources_by_name)
    problems = []
    for i, name in enumerate(metric.sources):
        if name in catalog.sources_by_name:
            continue
        hint = did_you_mean(name, known)
        hint += (
            "sources are defined in catalog/sources/*.yml and by dbt (catalog/dbt.yml): "
            + ", ".join(known)
            if known
            else "no sources are defined yet; add it to catalog/sources/*.yml, or name dbt's "
            "manifest in catalog/dbt.yml"
        )
        problems.append(
            Problem(
                metric.file,
                metric.line_of("sources", i),
                f"metric '{metric.name}': unknown source '{name}'",
                hint,
            )
        )
    return problems


def _check_items(metric: Metric, catalog: Catalog) -> list[Problem]:
    problems = []
    for kind, key in (("look", "looks"), ("dashboard", "dashboards")):
        ids: list[str] = getattr(metric, key)
        for i, item_id in enumerate(ids):
            unpublished = catalog.why_unpublished(kind, item_id)
            if unpublished:
                message, hint = unpublished
                problems.append(
                    Problem(
                        metric.file,
                        metric.line_of(key, i),
                        f"metric '{metric.name}': {message}",
                        hint,
                        publishable=catalog.gone_from_looker(kind, item_id) is not None,
                    )
                )
    return problems


def _check_report_list(catalog: Catalog) -> list[Problem]:
    """`check_reports`, with reports that are gone from Looker marked publishable."""
    gone: set[str] = set()

    def why(kind: str, item_id: str) -> tuple[str, str] | None:
        found = catalog.why_unpublished(kind, item_id)
        if found and catalog.gone_from_looker(kind, item_id):
            gone.add(found[0])
        return found

    return [
        replace(p, publishable=True) if p.message in gone else p
        for p in check_reports(catalog.reports, why)
    ]


def _check_field(metric: Metric, catalog: Catalog) -> list[Problem]:
    name = metric.lookml_field
    if not name:
        return []
    line = metric.line_of("lookml_field")
    found = catalog.fields.get(name)
    if found is None:
        # Field names share long prefixes, so only near-identical ones are worth suggesting.
        hint = did_you_mean(name, sorted(catalog.fields), cutoff=0.9)
        hint += (
            "fields are `model.explore.view.field` as on the Looker catalog's explores page; "
            "run `handbook refresh` if the field is new in LookML"
        )
        return [
            Problem(
                metric.file,
                line,
                f"metric '{metric.name}': LookML field '{name}' is not in any explore of the "
                "Looker snapshot",
                hint,
            )
        ]
    _, field = found
    theirs = getattr(field, "description", None)
    if theirs and _normal(theirs) not in _normal(metric.description):
        return [
            Problem(
                metric.file,
                metric.line_of("description"),
                f"metric '{metric.name}': the LookML description of '{name}' has drifted from "
                f"ours: LookML says {theirs.strip()!r}",
                "agree on one definition: put LookML's sentence in our description, or fix "
                "the description in LookML",
                severity="warning",
            )
        ]
    return []


def _check_replacement(metric: Metric, catalog: Catalog) -> list[Problem]:
    if metric.replaced_by is None or metric.replaced_by in catalog.metrics_by_name:
        return []
    guess = did_you_mean(metric.replaced_by, sorted(catalog.metrics_by_name))
    return [
        Problem(
            metric.file,
            metric.line_of("replaced_by"),
            f"metric '{metric.name}': replaced_by names unknown metric '{metric.replaced_by}'",
            guess.strip() or "use the name of a metric in catalog/metrics/",
        )
    ]


def _check_policy(catalog: Catalog) -> list[Problem]:
    """exclude_folders and exclude_boards ids Looker does not have: an error for validate
    and --strict, a warning in a plain build (`publishable`)."""
    from handbook.curated.policy import unknown_exclusions

    if catalog.view is None:
        return []
    return [
        Problem(
            catalog.policy.file,
            unknown.line,
            f"{unknown.key}: Looker has no {unknown.noun} {unknown.id}, so nothing is excluded "
            "by it",
            f"check the id (the number in the {unknown.noun}'s Looker URL); a typo here "
            f"publishes the {unknown.noun} you meant to hide. Run `handbook refresh` if the "
            f"{unknown.noun} is new",
            publishable=True,
        )
        for unknown in unknown_exclusions(catalog.view, catalog.policy)
    ]


def _check_reserved_pages(catalog: Catalog) -> list[Problem]:
    """A metric whose page would replace a hand-written page below docs/.

    Pages `handbook generate` wrote there earlier are its own, not hand-written.
    """
    from handbook.generate.install import written_by_generate

    docs = catalog.project.docs_dir
    shown = catalog.project.relative(docs)
    ours = written_by_generate(catalog.project)
    problems = []
    for metric in catalog.metrics:
        page = metric_page(metric.name)
        if (docs / page).exists() and not ours(docs / page):
            problems.append(
                Problem(
                    metric.file,
                    metric.line_of("name"),
                    f"metric '{metric.name}': its page would replace {shown}/{page}",
                    "rename the metric or the page",
                )
            )
    return problems


def validate_catalog(catalog: Catalog) -> list[Problem]:
    """Every cross-reference problem in a loaded catalog: errors, then warnings, by place.

    Looker ids and fields are only checked against a Looker snapshot: without one (a fresh
    clone before the first `handbook refresh`) there is nothing to check them against, and
    one warning says so instead of an error per id.
    """
    problems: list[Problem] = _check_reserved_pages(catalog)
    has_looker = catalog.looker is not None
    for metric in catalog.metrics:
        problems += _check_sources(metric, catalog)
        problems += _check_replacement(metric, catalog)
        if has_looker:
            problems += _check_items(metric, catalog)
            problems += _check_field(metric, catalog)
    if has_looker:
        problems += _check_report_list(catalog)
        problems += _check_policy(catalog)
    else:
        problems.append(
            Problem(
                catalog.project.relative(catalog.project.looker_snapshot),
                None,
                "no Looker snapshot, so Looker ids and LookML fields were not checked",
                "run `handbook refresh` with Looker credentials",
                severity="warning",
            )
        )
    return sorted(problems, key=lambda p: (p.severity != "error", p.file, p.line or 0))


def validate_handbook(catalog: Catalog) -> list[Problem]:
    """The catalog's cross-checks plus every `[[…]]` reference in the handbook's pages.

    What the build refuses before it starts, and what `handbook validate` prints.
    """
    from handbook.markdown.page_check import check_pages
    from handbook.markdown.refs_extension import RefsExtension

    return [*validate_catalog(catalog), *check_pages(catalog, RefsExtension())]


def validate_project(project: Project) -> list[Problem]:
    """Load and cross-check the catalog; YAML mistakes come back as problems, not raised."""
    try:
        catalog = load_catalog(project)
    except CatalogError as exc:
        return list(exc.problems)
    with gc_paused():  # many small acyclic objects: see handbook.gc_pause
        return validate_handbook(catalog)
