"""The `handbook` command's subcommands: each declared once, each documented, and `schemas`.

Every subcommand is one entry of `handbook.adapters.cli.COMMANDS` (name, help, options,
handler); the parser is built by looping over them, so the command a user can type, the
table the README documents and the declarations are the same list.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from handbook.adapters.cli import COMMANDS, build_parser, main
from handbook.curated.schemas import SCHEMAS
from helpers.handbook import REPO, run_cli

COMMITTED_SCHEMAS = REPO / "catalog" / "schemas"


def readme_commands() -> list[str]:
    """The subcommands in the README's command table, in its order (one per row)."""
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## The `handbook` command")[1]
    table = section.split("\n\n")[1]
    return [
        match.group(1)
        for row in table.splitlines()
        if (match := re.match(r"\| `handbook ([a-z-]+)", row))
    ]


def parser_commands(capsys) -> list[str]:
    """The subcommands the parser accepts, as it lists them when given one it does not know."""
    with pytest.raises(SystemExit) as exit_:
        main(["no-such-command"])
    assert exit_.value.code == 2
    choices = capsys.readouterr().err.split("choose from", 1)[1]
    return re.findall(r"[a-z][a-z-]*", choices)


def minimal_handbook(root: Path) -> Path:
    """A handbook with nothing in it yet: mkdocs.yml beside an empty catalog/, and docs/."""
    (root / "catalog").mkdir(parents=True)
    (root / "docs" / "team").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Schemas\n", encoding="utf-8")
    return root


def files_below(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_every_subcommand_is_declared_once_and_documented_in_the_readme(capsys):
    declared = [command.name for command in COMMANDS]
    assert parser_commands(capsys) == declared
    assert len(set(declared)) == len(declared)
    assert sorted(set(readme_commands())) == sorted(declared)


def test_the_parser_is_a_loop_over_the_declared_commands():
    # A new subcommand is a `Command` entry, never more code in build_parser.
    assert len(inspect.getsource(build_parser).splitlines()) <= 20
    assert all(callable(command.arguments) and callable(command.run) for command in COMMANDS)


def test_handbook_schemas_writes_every_schema_editors_read(tmp_path: Path):
    handbook = minimal_handbook(tmp_path / "handbook")
    result = run_cli(handbook, "schemas", timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"catalog/schemas/{name}: written" for name in SCHEMAS]
    for name in SCHEMAS:
        written = handbook / "catalog" / "schemas" / name
        assert written.read_text("utf-8") == (COMMITTED_SCHEMAS / name).read_text("utf-8")
    again = run_cli(handbook, "schemas", timeout=120)
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")


def test_handbook_schemas_in_a_subfolder_writes_into_the_handbook(tmp_path: Path):
    handbook = minimal_handbook(tmp_path / "handbook")
    result = run_cli(handbook / "docs" / "team", "schemas", timeout=120)
    assert result.returncode == 0, result.stderr
    assert files_below(handbook) == sorted(
        ["mkdocs.yml", *(f"catalog/schemas/{name}" for name in SCHEMAS)]
    )


def test_handbook_schemas_check_names_stale_schemas_and_writes_nothing(tmp_path: Path):
    handbook = minimal_handbook(tmp_path / "handbook")
    assert run_cli(handbook, "schemas", timeout=120).returncode == 0
    schemas = handbook / "catalog" / "schemas"
    (schemas / "metrics.schema.json").write_text("{}\n", encoding="utf-8")
    (schemas / "dbt.schema.json").unlink()
    result = run_cli(handbook, "schemas", "--check", timeout=120)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "catalog/schemas/metrics.schema.json: stale (run `handbook schemas`)",
        "catalog/schemas/dbt.schema.json: stale (run `handbook schemas`)",
    ]
    assert (schemas / "metrics.schema.json").read_text("utf-8") == "{}\n"
    assert not (schemas / "dbt.schema.json").exists()


def test_handbook_schemas_outside_a_handbook_exits_2_and_writes_nothing(tmp_path: Path):
    result = run_cli(tmp_path, "schemas", timeout=120)
    assert result.returncode == 2
    assert "is not inside a handbook" in result.stderr
    assert files_below(tmp_path) == []
