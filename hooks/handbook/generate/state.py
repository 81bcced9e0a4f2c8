"""Are the generated pages on disk the ones the catalog makes now?

Under an engine without our plugin (Zensical), nothing regenerates the catalog pages when a
YAML file or the snapshot changes: a build would publish stale pages, or none, without a
word. `generated_problems` compares the record of the last `handbook generate` with the
catalog, this package and the pages on disk, and says what is missing or stale and which
file made it so; the `handbook.refs` extension reports it on the first page it renders
(`markdown.page_check.PrebuildCheck`: a warning, or a failed `zensical build --strict`).
"""

from __future__ import annotations

from handbook.errors import CatalogError, Problem
from handbook.generate.inputs import changed_inputs, file_digest, generator_digest, input_digests
from handbook.generate.record import Record, absolute, load_record
from handbook.project import Project

RUN = "run `handbook generate` (beside `zensical serve`: `handbook generate --watch`)"


def _stale(file: str, why: str) -> Problem:
    return Problem(file, None, f"the generated catalog pages are stale: {why}", RUN)


def generated_problems(
    project: Project, pages_dir: str, directory_urls: bool | None = None
) -> list[Problem]:
    """What is wrong with the generated pages below docs/, as errors (empty: all current).

    `directory_urls` is the site's setting when the caller knows it (None: not checked).
    """
    try:
        record = load_record(project)
    except CatalogError as exc:
        return list(exc.problems)
    docs = project.relative(project.docs_dir)
    if record is None:
        return [Problem(docs, None, "the generated catalog pages are missing", RUN)]
    if not record.complete:
        return [_stale(project.relative(project.generate_record), "the last run did not finish")]
    return _option_problems(record, docs, pages_dir, directory_urls) or [
        *_input_problems(project, record),
        *_page_problems(project, record),
        *(Problem(w.file, w.line, w.message, w.hint) for w in record.warnings),
    ]


def _option_problems(
    record: Record, docs: str, pages_dir: str, directory_urls: bool | None
) -> list[Problem]:
    if record.pages_dir != pages_dir:
        return [
            _stale(
                docs,
                f"they were written with --pages-dir '{record.pages_dir}', but handbook.refs "
                f"has pages_dir: '{pages_dir}'",
            )
        ]
    if directory_urls is not None and directory_urls != record.directory_urls:
        flag = "without" if record.directory_urls else "with"
        return [
            _stale(
                docs,
                f"they were written {flag} --no-directory-urls, but the site sets "
                f"use_directory_urls: {str(directory_urls).lower()}",
            )
        ]
    return []


def _input_problems(project: Project, record: Record) -> list[Problem]:
    if record.generator != generator_digest():
        return [
            _stale(
                project.relative(project.docs_dir),
                "another version of the handbook package wrote them",
            )
        ]
    changed = changed_inputs(record.catalog, input_digests(project))
    if not changed:
        return []
    first = changed[0]
    shown = (
        first.removeprefix("dbt:")
        if first.startswith("dbt:")
        else f"{project.relative(project.catalog_dir)}/{first}"
    )
    more = f" (and {len(changed) - 1} more file(s))" if len(changed) > 1 else ""
    return [_stale(shown, f"this file changed since they were written{more}")]


def _page_problems(project: Project, record: Record) -> list[Problem]:
    problems = []
    for name in record.pages:
        digest = file_digest(absolute(project, name))
        if digest is None:
            problems.append(Problem(name, None, "this generated page is missing", RUN))
        elif digest not in record.files.get(name, []):
            problems.append(
                _stale(name, "this page was changed by hand since `handbook generate` wrote it")
            )
        if len(problems) == 3:
            break
    return problems
