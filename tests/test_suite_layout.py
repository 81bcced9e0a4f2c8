"""The test suite's own layout, checked: what tests share lives in `tests/helpers/`.

- no module under tests/ imports a test module or a conftest.py (shared code is imported
  from `helpers`, fixtures reach tests through pytest);
- nothing under tests/ changes the import path: `pythonpath = ["tests"]` in pyproject.toml is
  the one place that says what imports by name;
- conftest.py files hold fixtures (and pytest hooks) only;
- no test starts `mkdocs`, `handbook` or `zensical` itself: `helpers.handbook` runs them
  (and `helpers.serving` runs `mkdocs serve`), one way for every test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from helpers.handbook import REPO

TESTS = REPO / "tests"
# Written so that neither pattern matches its own source line.
PATH_CHANGE = re.compile(r"\bsys\s*\.\s*path\b|\bfrom\s+sys\s+import\s+[\w\s,]*\bpath\b")
OWN_COMMAND = re.compile(
    r"[\"']-m[\"'],\s*[\"'](mkdocs|handbook|zensical)[\"']|which\(\s*[\"']mkdocs"
)
RUNNERS = {TESTS / "helpers" / "handbook.py", TESTS / "helpers" / "serving.py"}


def python_files() -> list[Path]:
    return sorted(TESTS.rglob("*.py"))


def every_file() -> list[Path]:
    """Every file under tests/ (code, data, golden pages), caches left out."""
    return sorted(p for p in TESTS.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def imported_names(tree: ast.Module) -> list[str]:
    """Every module an import statement names, at any depth (`from a import b`: a and a.b)."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return names


def is_test_module(name: str) -> bool:
    return any(part.startswith("test_") or part == "conftest" for part in name.split("."))


def test_no_module_under_tests_imports_a_test_module_or_a_conftest():
    offenders = [
        f"{path.relative_to(TESTS)}: import {name}"
        for path in python_files()
        for name in imported_names(ast.parse(path.read_text(encoding="utf-8")))
        if is_test_module(name)
    ]
    assert offenders == []


def test_nothing_under_tests_changes_the_import_path():
    offenders = [
        f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
        for path in every_file()
        for number, line in enumerate(path.read_text("utf-8", "replace").splitlines(), start=1)
        if PATH_CHANGE.search(line)
    ]
    assert offenders == []


def _fixture_or_hook(node: ast.stmt) -> bool:
    if isinstance(node, ast.FunctionDef) and node.name.startswith("pytest_"):
        return True
    decorators = getattr(node, "decorator_list", [])
    return any("pytest.fixture" in ast.unparse(d) for d in decorators)


def test_conftest_files_hold_only_fixtures():
    others = []
    for path in TESTS.rglob("conftest.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            if docstring or isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if not _fixture_or_hook(node):
                others.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    assert others == []


def test_commands_are_run_by_the_helpers_only():
    offenders = [
        f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
        for path in python_files()
        if path not in RUNNERS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OWN_COMMAND.search(line)
    ]
    assert offenders == []


def test_the_checks_above_see_what_they_look_for():
    """Each check finds its target written the usual way, so none passes vacuously (the
    samples are put together from pieces, so this file passes its own checks)."""
    sys_path, dash_m = "sys" + ".path", '"-m", '
    assert PATH_CHANGE.search(f"{sys_path}.insert(0, str(HERE))")
    assert PATH_CHANGE.search("from sys import argv, " + "path")
    assert not PATH_CHANGE.search("import sys; sys.executable")
    assert OWN_COMMAND.search(f'[sys.executable, {dash_m}"mkdocs", "build"]')
    assert OWN_COMMAND.search(f"[sys.executable, {dash_m}'zensical', 'build']")
    assert OWN_COMMAND.search("shutil.which(" + '"mkdocs")')
    assert is_test_module("test_live_build") and is_test_module("conftest")
    assert is_test_module("adapters.test_serve") and not is_test_module("helpers.serving")
    tree = ast.parse("def f():\n    from test_serve import fetch\n")
    assert [n for n in imported_names(tree) if is_test_module(n)]
