"""Errors a user can act on.

A `CatalogError` is a user mistake (bad YAML, an unknown reference, a missing file); the CLI
and the build print it as `file:line: message` plus what to do, never a traceback. A
`PullError` is a fault outside our control (Looker or BigQuery down, refusing us, or
answering garbage): the last good snapshot stays and the page says how old it is.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from handbook.problems import CatalogError, Problem

__all__ = ["CatalogError", "Problem", "PullError", "describe_validation_error"]


class PullError(Exception):
    """A pull from Looker or BigQuery failed; the caller keeps the last snapshot."""

    def __init__(self, source: str, message: str, *, status: int | None = None) -> None:
        from handbook.redact import scrub  # lazily: only a failed pull needs it

        # The choke point for pull failures: what a server echoed never reaches a log,
        # an attempt file or a page unscrubbed.
        message = scrub(message)
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message
        self.status = status


def describe_validation_error(error: dict[str, Any]) -> tuple[str, str | None]:
    """One pydantic error in words an analyst reading a PR check will follow, and a fix.

    The one wording for pydantic's errors: curated YAML, snapshots and Looker's answers.
    """
    loc = error["loc"]
    name = str(loc[-1]) if loc else "value"
    kind = error["type"]
    if kind == "extra_forbidden":
        return (
            f"unknown key '{name}'",
            "check the spelling; see docs/editing/catalog.md for the keys",
        )
    if kind == "missing":
        return f"missing required key '{name}'", f"add '{name}:' here"
    given = error.get("input")
    shown = repr(given) if not isinstance(given, dict | list) else type(given).__name__
    return f"'{name}': {error['msg']} (got {shown})", None


def first_validation_error(exc: ValidationError) -> str:
    """`at a.b.c: <description>` for the first error, for data no one edits by hand."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "the top level"
    return f"at {where}: {describe_validation_error(first)[0]}"
