"""YAML that remembers where each value came from.

Analysts edit the catalog YAML in pull requests; when a value is wrong, the message has to
point at the line they typed. PyYAML's composer keeps a mark on every node, so we build the
plain Python data and, beside it, a map from each value's path (`("metrics", 3, "owner")`)
to its line. Pydantic's error `loc` is such a path, so a schema error finds its line with
no extra bookkeeping in the schemas. Duplicate mapping keys, which PyYAML silently keeps
the last of, are reported as errors here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from handbook.errors import CatalogError, Problem

Loc = tuple[str | int, ...]
T = TypeVar("T")


@dataclass
class LineMap:
    """Line numbers (1-based) for each path in a YAML document."""

    lines: dict[Loc, int] = field(default_factory=dict)

    def line_for(self, loc: Iterable[str | int]) -> int | None:
        """The line of the deepest known prefix of `loc` (a missing key points at its parent)."""
        path: Loc = tuple(loc)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


@dataclass
class YamlDoc:
    path: Path
    display: str  # path as shown to users
    data: Any
    lines: LineMap


def _to_python(node: yaml.Node, loc: Loc, lines: LineMap, problems: list[Problem], display: str):
    lines.lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = (
                yaml.SafeLoader.construct_scalar(_LOADER, key_node)
                if isinstance(key_node, yaml.ScalarNode)
                else None
            )
            if key is None or not isinstance(key, str):
                problems.append(
                    Problem(
                        display, key_node.start_mark.line + 1, "mapping keys must be plain text"
                    )
                )
                continue
            if key in out:
                problems.append(
                    Problem(
                        display,
                        key_node.start_mark.line + 1,
                        f"duplicate key '{key}' (first at line {lines.lines[(*loc, key)]})",
                        "remove one of the two; YAML would silently keep only the last",
                    )
                )
                continue
            lines.lines[(*loc, key)] = key_node.start_mark.line + 1
            out[key] = _to_python(value_node, (*loc, key), lines, problems, display)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_python(child, (*loc, i), lines, problems, display)
            for i, child in enumerate(node.value)
        ]
    return _LOADER.construct_object(node, deep=True)


_LOADER = yaml.SafeLoader("")
# libyaml's parser when PyYAML was built with it (about 10x faster); same nodes and marks.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str) -> yaml.Node | None:
    """The document's node tree; a broken file is parsed again in Python for its message,
    which says what was expected where in words libyaml does not use."""
    try:
        return yaml.compose(text, Loader=_COMPOSER)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)


def load_yaml(path: Path, display: str | None = None) -> YamlDoc:
    """Parse `path`; raise CatalogError naming file and line for syntax errors or duplicates."""
    display = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError.single(display, None, f"cannot read file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise CatalogError.single(
            display, None, "file is not UTF-8 text", "save it as UTF-8"
        ) from None
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or "invalid YAML"
        raise CatalogError.single(
            display,
            line,
            f"YAML syntax error: {what}",
            "check indentation and quoting on this line (values with ': ' or '#' need quotes)",
        ) from None
    lines = LineMap()
    problems: list[Problem] = []
    data = None if node is None else _to_python(node, (), lines, problems, display)
    if problems:
        raise CatalogError(problems)
    return YamlDoc(path=path, display=display, data=data, lines=lines)


def _describe(error: dict[str, Any]) -> tuple[str, str | None]:
    """Pydantic's message in words an analyst reading a PR check will follow."""
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


def validate(doc: YamlDoc, model: type[BaseModel], loc_prefix: Loc = ()) -> BaseModel:
    """Validate `doc.data` (or the part of it at `loc_prefix`) and map errors to lines."""
    data = doc.data
    for part in loc_prefix:
        data = data[part]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(validation_problems(doc, exc, loc_prefix)) from None


def validation_problems(doc: YamlDoc, exc: ValidationError, loc_prefix: Loc = ()) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = (*loc_prefix, *error["loc"])
        message, hint = _describe(error)
        problems.append(Problem(doc.display, doc.lines.line_for(loc), message, hint))
    return problems


def yaml_files(folder: Path) -> list[Path]:
    """The `*.yml` and `*.yaml` files of a catalog folder, in a stable order."""
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])


def first_definitions(
    entries: Iterable[T],
    *,
    kind: str,
    folder: str,
    name: Callable[[T], str],
    where: Callable[[T], tuple[str, int | None]],
) -> tuple[list[T], list[Problem]]:
    """Entries with unique names, and a problem for each later entry reusing a name.

    Metrics and sources are looked up by name from Markdown and from each other, so a name
    defined twice (usually in two files) must name both places.
    """
    kept: list[T] = []
    problems: list[Problem] = []
    first: dict[str, T] = {}
    for entry in entries:
        key = name(entry)
        if key in first:
            file, line = where(entry)
            first_file, first_line = where(first[key])
            problems.append(
                Problem(
                    file,
                    line,
                    f"duplicate {kind} name '{key}' (also defined at {first_file}:{first_line})",
                    f"{kind} names must be unique across {folder}; rename or remove one of the two",
                )
            )
            continue
        first[key] = entry
        kept.append(entry)
    return kept, problems
