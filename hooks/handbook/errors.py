"""Errors a user can act on.

A `CatalogError` is a user mistake (bad YAML, an unknown reference, a missing file); the CLI
and the build print it as `file:line: message` plus what to do, never a traceback. A
`PullError` is a fault outside our control (Looker or BigQuery down, refusing us, or
answering garbage): the last good snapshot stays and the page says how old it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from handbook.problems import CatalogError, Problem
from handbook.suggest import did_you_mean

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


def describe_validation_error(
    error: dict[str, Any], model: type[BaseModel] | None = None
) -> tuple[str, str | None]:
    """One pydantic error in words an analyst reading a PR check will follow, and a fix.

    The one wording for pydantic's errors: curated YAML, snapshots and Looker's answers.
    Given the `model` that was validated, an unknown key is offered the closest keys that
    model accepts at that place (`stauts` → 'status'), as a misspelt metric name is.
    """
    loc = error["loc"]
    name = str(loc[-1]) if loc else "value"
    kind = error["type"]
    # A model's unknown key, and a pydantic dataclass's (`LookerItem`) in its words.
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        known = keys_at(model, loc[:-1]) if model is not None else []
        guess = did_you_mean(name, known) or "check the spelling; "
        return f"unknown key '{name}'", f"{guess}see docs/editing/catalog.md for the keys"
    if kind == "missing":
        return f"missing required key '{name}'", f"add '{name}:' here"
    given = error.get("input")
    shown = repr(given) if not isinstance(given, dict | list) else type(given).__name__
    return f"'{name}': {error['msg']} (got {shown})", None


def keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys accepted by the mapping at `loc` inside `model` (a pydantic error's place).

    Follows fields, list items and dict values down the annotations; a union contributes
    every model in it (pydantic names the member in the location, which is matched too).
    """
    types: list[Any] = [model]
    for part in loc:
        found: list[Any] = []
        for kind in types:
            if isinstance(part, str) and getattr(kind, "__name__", None) == part:
                found.append(kind)  # a union member's name in the location
            elif isinstance(part, str) and _is_model(kind):
                field = _field(kind, part)
                found += _models_in(field.annotation) if field else []
            elif get_origin(kind) in (dict, Mapping) and isinstance(part, str):
                found += _models_in(get_args(kind)[-1])  # a dict's value
            elif get_origin(kind) not in (dict, Mapping) and isinstance(part, int):
                found += [m for arg in get_args(kind) for m in _models_in(arg)]  # an item
        types = [t for t in found if _is_model(t)] + [t for t in found if not _is_model(t)]
    keys = [f.alias or n for t in types if _is_model(t) for n, f in t.model_fields.items()]
    return list(dict.fromkeys(keys))


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _field(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def _models_in(annotation: Any) -> list[Any]:
    """Models and containers an annotation can hold, Optional/Union/Annotated unwrapped."""
    if _is_model(annotation):
        return [annotation]
    origin = get_origin(annotation)
    if origin in (Union, UnionType, Annotated):
        args = get_args(annotation)[:1] if origin is Annotated else get_args(annotation)
        return [m for arg in args for m in _models_in(arg)]
    if origin in (list, tuple, set, frozenset, Sequence, dict, Mapping):
        return [annotation]  # a container: the next part of the location says which item
    return []


def first_validation_error(exc: ValidationError) -> str:
    """`at a.b.c: <description>` for the first error, for data no one edits by hand."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "the top level"
    return f"at {where}: {describe_validation_error(first)[0]}"
