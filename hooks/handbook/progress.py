"""Progress for long pulls, on stderr via rich; silent in builds and tests.

Fetchers take an optional `Progress`-like object and call `step(message)`; they never print
themselves, so the same fetcher serves the CLI, the build hooks and the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Progress(Protocol):
    def step(self, message: str) -> None: ...


class Silent:
    """Says nothing: builds, tests and callers that pass no `Progress`."""

    def step(self, message: str) -> None:
        pass


class _Rich:
    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)

    def step(self, message: str) -> None:
        # `markup=False`: messages may quote Looker titles, which must not become rich markup.
        self.console.print(f"  {message}", markup=False, highlight=False)


@contextmanager
def reporter(*, enabled: bool) -> Iterator[Progress]:
    yield _Rich() if enabled else Silent()
