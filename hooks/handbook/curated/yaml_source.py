"""YAML that remembers where each value came from.

Analysts edit the catalog YAML in pull requests; when a value is wrong, the message has to
point at the line they typed. PyYAML's composer keeps a mark on every node, so we build the
plain Python data and, beside it, a map from each value's path (`("metrics", 3, "owner")`)
to its line. Pydantic's error `loc` is such a path, so a schema error finds its line with
no extra bookkeeping in the schemas. Duplicate mapping keys, which PyYAML silently keeps
the last of, are reported as errors here.

The files come from pull requests, so they are read as untrusted input, within limits:
only YAML's plain types (no `!!python/...` or other tags), at most `MAX_ALIASES` aliases and
`MAX_EXPANDED` values reached through aliases (a "billion laughs" file is refused, not
expanded until memory runs out), nesting at most `MAX_DEPTH` deep, and files of at most
`MAX_BYTES`. Each refusal names the file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from handbook.errors import CatalogError, Problem, describe_validation_error
from handbook.textfile import read_utf8

MAX_BYTES = 16 * 1024 * 1024  # 25,000 metrics in one file take about 11 MB
MAX_ALIASES = 1000
MAX_DEPTH = 30
MAX_EXPANDED = 100_000  # values reached through aliases, all repeats counted
# The tags YAML's safe schema resolves plain values to; anything else was typed as a tag.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)

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


class _Limits(Exception):
    """A limit was hit at `line`; turned into a CatalogError by `load_yaml`."""

    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


# What nesting past MAX_DEPTH reads as, whichever parser or walk notices it.
_TOO_DEEP = (
    f"YAML nested more than {MAX_DEPTH} levels deep",
    "catalog files need a few levels at most; check the indentation",
)

# libyaml's parser and composer (C) when PyYAML was built with it: five times faster than
# the pure-Python one, and it refuses nesting beyond 1,000 levels by itself.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class _Walk:
    lines: LineMap
    problems: list[Problem]
    display: str
    values: int = 0
    aliases: int = 0
    seen: set[int] = field(default_factory=set)  # ids of collection nodes already built

    def count(self, node: yaml.Node, depth: int, aliased: bool) -> bool:
        """Enforce the limits on one node about to be turned into Python data; True when
        the node is (inside) an alias's repeat of an anchored value."""
        line = node.start_mark.line + 1
        repeat = isinstance(node, yaml.CollectionNode) and id(node) in self.seen
        if aliased or repeat:
            self.values += 1
        if self.values > MAX_EXPANDED:
            raise _Limits(
                line,
                f"more than {MAX_EXPANDED:,} values reached through aliases",
                "aliases that expand this far are refused ('billion laughs'); write the values out",
            )
        if depth > MAX_DEPTH:
            raise _Limits(line, *_TOO_DEEP)
        if isinstance(node, yaml.CollectionNode):
            if repeat:  # the composer shares an anchored node per alias
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    raise _Limits(
                        line,
                        f"more than {MAX_ALIASES} YAML aliases (*name) of lists or mappings",
                        "write the values out; aliases at this scale are refused as a "
                        "'billion laughs' risk",
                    )
            self.seen.add(id(node))
        return aliased or repeat


def _scalar(node: yaml.Node, walk: _Walk) -> Any:
    if node.tag not in _PLAIN_TAGS:
        raise _Limits(
            node.start_mark.line + 1,
            f"YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed",
            "remove the tag: catalog files hold plain text, numbers, lists and mappings",
        )
    try:
        return _LOADER.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise _Limits(
            node.start_mark.line + 1, f"invalid value: {exc}", "quote the value"
        ) from None
    finally:
        # PyYAML caches every node it constructs until a document ends, which never
        # happens for this shared loader: without this, every scalar node (and its two
        # marks) of every file ever loaded stayed alive, 5 MB per load of 500 metrics.
        _LOADER.constructed_objects.clear()


def _to_python(node: yaml.Node, loc: Loc, walk: _Walk, aliased: bool = False) -> Any:
    aliased = walk.count(node, len(loc), aliased)
    lines, problems, display = walk.lines, walk.problems, walk.display
    lines.lines.setdefault(loc, node.start_mark.line + 1)
    if node.tag not in _PLAIN_TAGS:
        _scalar(node, walk)  # raises: the tag is refused
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, walk) if isinstance(key_node, yaml.ScalarNode) else None
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
            out[key] = _to_python(value_node, (*loc, key), walk, aliased)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(child, (*loc, i), walk, aliased) for i, child in enumerate(node.value)]
    return _scalar(node, walk)


_LOADER = yaml.SafeLoader("")


def _compose(text: str, display: str) -> yaml.Node | None:
    """The node tree, by libyaml when available; a syntax error is re-read by PyYAML's own
    parser, whose messages ("expected ',' or ']', but got ...") are the clearer ones."""
    try:
        return _parse(text, _COMPOSER)
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):  # libyaml's own limit, where it has one
            raise _too_deep(display, exc.problem_mark) from None
        first = exc
    except yaml.reader.ReaderError as exc:  # a control character, e.g. NUL
        position = exc.position if isinstance(exc.position, int) else 0
        char = exc.character
        code = char if isinstance(char, int) else ord(char[:1] or "\0")
        raise CatalogError.single(
            display,
            text[:position].count("\n") + 1,
            f"character U+{code:04X} is not allowed in YAML",
            "delete it (it is usually invisible: retype the line)",
        ) from None
    if _COMPOSER is not yaml.SafeLoader:
        try:
            _parse(text, yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            first = exc
        except RecursionError:
            pass
    mark = first.problem_mark or first.context_mark
    raise CatalogError.single(
        display,
        mark.line + 1 if mark else None,
        f"YAML syntax error: {first.problem or 'invalid YAML'}",
        "check indentation and quoting on this line (values with ': ' or '#' need quotes)",
    ) from None


def _too_deep(display: str, mark: yaml.Mark | None) -> CatalogError:
    """One message for nesting past the limit, whichever parser noticed it first."""
    return CatalogError.single(display, mark.line + 1 if mark else None, *_TOO_DEEP)


def _parse(text: str, loader_class: type) -> yaml.Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


YamlReader = Callable[[Path, str], YamlDoc]  # `load_yaml`, or one that reuses its parses


def load_yaml(path: Path, display: str | None = None) -> YamlDoc:
    """Parse `path` within limits; CatalogError naming file and line for any problem."""
    display = display or str(path)
    text = read_utf8(path, display, max_bytes=MAX_BYTES)
    lines = LineMap()
    problems: list[Problem] = []
    try:
        node = _compose(text, display)
    except RecursionError:  # the pure-Python composer, without libyaml's own limit
        raise _too_deep(display, None) from None
    try:
        data = None if node is None else _to_python(node, (), _Walk(lines, problems, display))
    except _Limits as exc:
        raise CatalogError.single(display, exc.line, exc.message, exc.hint) from None
    if problems:
        raise CatalogError(problems)
    return YamlDoc(path=path, display=display, data=data, lines=lines)


def validate(doc: YamlDoc, model: type[BaseModel], loc_prefix: Loc = ()) -> BaseModel:
    """Validate `doc.data` (or the part of it at `loc_prefix`) and map errors to lines."""
    data = doc.data
    for part in loc_prefix:
        data = data[part]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(validation_problems(doc, exc, loc_prefix, model)) from None


def validation_problems(
    doc: YamlDoc,
    exc: ValidationError,
    loc_prefix: Loc = (),
    model: type[BaseModel] | None = None,
) -> list[Problem]:
    """Each error of `exc` (from validating `model`) at its file and line."""
    problems = []
    for error in exc.errors():
        loc = (*loc_prefix, *error["loc"])
        message, hint = describe_validation_error(error, model)
        problems.append(Problem(doc.display, doc.lines.line_for(loc), message, hint))
    return problems


def refuse_reserved(name: str, reserved: dict[str, str]) -> str:
    """`name`, unless a generated page or heading needs it; `reserved` maps names to why.

    One rule for metric and source names, as a pydantic error so it carries file and line.
    """
    if name in reserved:
        raise PydanticCustomError(
            "reserved_name",
            "'{name}' is reserved: {why}; choose another name",
            {"name": name, "why": reserved[name]},
        )
    return name


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
