"""The package's layering, checked: what the README's layout promises stays true.

- no import cycles between the package's modules (imports only type checkers see excluded);
- no private (`_name`) imported from another module;
- the core is engine-independent: only `handbook.adapters` imports MkDocs;
- data modules (snapshot, looker, freshness, curated) build no HTML: presentation is `render`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpers.handbook import REPO

PACKAGE = REPO / "hooks" / "handbook"
DATA_PACKAGES = ("snapshot", "looker", "freshness", "curated")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.rglob("*.py")}


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(tree: ast.Module) -> list[ast.ImportFrom | ast.Import]:
    """Every import statement, at any depth, except those under `if TYPE_CHECKING:`."""
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if _type_checking_only(child):
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            stack.append(child)
    return found


def imported_modules(tree: ast.Module, known: set[str]) -> set[str]:
    out = set()
    for node in imports(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        out |= {name for name in names if name in known}
    return out


def test_no_import_cycles():
    trees = modules()
    # Every edge counts, a package's `__init__` importing its own submodules too: a
    # registry that imports its page modules while they import it back is a cycle.
    graph = {name: imported_modules(tree, set(trees)) - {name} for name, tree in trees.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                cycles.append(" -> ".join([*path[path.index(dep) :], dep]))
            elif dep not in state:
                visit(dep, [*path, dep])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_no_private_names_cross_modules():
    crossing = [
        f"{name}: from {node.module} import {alias.name}"
        for name, tree in modules().items()
        for node in imports(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("handbook")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert crossing == []


def test_only_the_adapters_import_mkdocs():
    engine = [
        name
        for name, tree in modules().items()
        if not name.startswith("handbook.adapters")
        for node in imports(tree)
        for imported in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        )
        if imported.split(".")[0] in ("mkdocs", "mkdocs_gen_files", "zensical")
    ]
    assert engine == []


def test_data_modules_build_no_html():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] not in DATA_PACKAGES:
            continue
        text = path.read_text(encoding="utf-8")
        if "markupsafe" in text or "<span" in text or "render.templating" in text:
            offenders.append(path.relative_to(PACKAGE).as_posix())
    assert offenders == []


# Known exceptions, each to be split by whoever next changes it (none left; add none).
LONG_FUNCTIONS_LEFT: set[str] = set()


def test_no_function_runs_past_60_lines():
    long = {
        f"{name}:{node.name}"
        for name, tree in modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > 60
    }
    assert long <= LONG_FUNCTIONS_LEFT, sorted(long - LONG_FUNCTIONS_LEFT)


def package_map() -> tuple[set[str], set[str]]:
    """The folders and modules the package map in `handbook/__init__.py` names: a line
    "`group`: …" opens a folder's group ("Core modules" the package's own), "- `module`: …"
    names a module in it."""
    import handbook

    groups, named, group = set(), set(), None
    for line in (handbook.__doc__ or "").splitlines():
        if line.startswith("Core modules"):
            group = "handbook"
        elif line.startswith("`") and "`:" in line:
            group = "handbook." + line[1 : line.index("`", 1)]
            groups.add(group)
        elif line.startswith("- `") and group is not None:
            named.add(f"{group}.{line[3 : line.index('`', 3)]}")
    return groups, named


def test_the_package_map_names_every_folder_and_module():
    """A new module must get its line in the map (and a new folder its group); a removed one
    must lose it."""
    groups, named = package_map()
    folders = {module_name(p) for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE}
    files = {module_name(p) for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"}
    assert sorted(groups ^ folders) == []
    assert sorted(named ^ files) == []
