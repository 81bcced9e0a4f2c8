"""Problems a user can act on: `Problem` (one place in one file) and `CatalogError`.

Plain data with no imports from the package, so every module can use them, the settings
module included; `handbook.errors` re-exports them next to `PullError`.
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
        return self._text(f"{self.severity}: ")

    def unlabelled(self) -> str:
        """The problem without its "error:"/"warning:", for a log line whose level says it
        (or, for drift logged at INFO, whose level must not contradict it)."""
        return self._text("")

    def _text(self, label: str) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {label}{self.message}"
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
