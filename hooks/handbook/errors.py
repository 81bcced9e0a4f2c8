"""Errors a user can act on.

A `CatalogError` is a user mistake (bad YAML, an unknown reference, a missing file); the CLI
and the build print it as `file:line: message` plus what to do, never a traceback. A
`PullError` is a fault outside our control (Looker or BigQuery down, refusing us, or
answering garbage): the last good snapshot stays and the page says how old it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in one file."""

    file: str
    line: int | None
    message: str
    hint: str | None = None
    severity: str = "error"  # or "warning"
    # An error for `handbook validate` and `mkdocs build --strict`, but one a plain build
    # publishes through with a warning: curated YAML naming Looker content that is gone.
    publishable: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n    fix: {self.hint}"
        return text


@dataclass
class CatalogError(Exception):
    """One or more problems with files the user edits."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def single(
        cls, file: str | Path, line: int | None, message: str, hint: str | None = None
    ) -> CatalogError:
        return cls([Problem(str(file), line, message, hint)])


class PullError(Exception):
    """A pull from Looker or BigQuery failed; the caller keeps the last snapshot."""

    def __init__(self, source: str, message: str, *, status: int | None = None) -> None:
        from handbook.redact import scrub  # lazily: redact reads settings, which use errors

        # The choke point for pull failures: what a server echoed never reaches a log,
        # an attempt file or a page unscrubbed.
        message = scrub(message)
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message
        self.status = status
