"""Broken input, one row each: the exit code and the message a careless or malicious user gets.

Every row starts from a fresh copy of the handbook, breaks one thing (a YAML file, a page, a
snapshot file, a command-line argument or an environment variable) and runs the real
`handbook` command in-process. Each must end with its documented exit code (1: fix a file;
2: fix how the command was called or configured) and a message naming the file and line or
the variable, never a traceback, and must leave the snapshot files byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from handbook.adapters.cli import main
from handbook.project import Project
from helpers.handbook import copy_handbook

METRIC = """metrics:
  - name: extra_metric
    label: Extra metric
    description: A metric added by the test.
    owner: Test Owner
    domain: Test
    calculation: COUNT(*)
    grain:
      time: month
"""
SOURCE = """sources:
  - name: extra_source
    label: Extra
    description: A source added by the test.
    owner: Test Owner
    cadence: daily
    freshness:
      warn_after: {count: 1, period: day}
    tables:
      - table: sourcegraph-dw.extra.events
"""
BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)
)


def metric(extra: str = "", **replace: str) -> str:
    text = METRIC
    for old, new in replace.items():
        text = text.replace(old, new)
    return text + extra


def source(extra: str = "", **replace: str) -> str:
    text = SOURCE
    for old, new in replace.items():
        text = text.replace(old, new)
    return text + extra


@dataclass
class Case:
    args: tuple[str, ...]
    code: int
    message: str  # must appear in stderr
    where: str | None = None  # "file:line" that must appear in stderr
    files: dict[str, str | bytes] = field(default_factory=dict)  # relative path -> content
    edit: Callable[[Project], None] | None = None
    env: dict[str, str] = field(default_factory=dict)


M = "catalog/metrics/extra.yml"
S = "catalog/sources/extra.yml"
V = ("validate",)


def _replace(path: str, old: str, new: str) -> Callable[[Project], None]:
    def edit(project: Project) -> None:
        file = project.root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, (path, old)
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _json_edit(path: str, change: Callable[[dict], object]) -> Callable[[Project], None]:
    def edit(project: Project) -> None:
        file = project.root / path
        data = json.loads(file.read_text(encoding="utf-8"))
        change(data)
        file.write_text(json.dumps(data), encoding="utf-8")

    return edit


CASES: dict[str, Case] = {
    # --- metric YAML -----------------------------------------------------------------------
    "python tag": Case(
        V,
        1,
        "YAML tag !!python/name:os.system is not allowed",
        f"{M}:10",
        {M: metric("    meta: !!python/name:os.system\n")},
    ),
    "python object tag": Case(
        V,
        1,
        "YAML tag !!python/object/apply:os.system is not allowed",
        f"{M}:10",
        {M: metric("    meta: !!python/object/apply:os.system [ls]\n")},
    ),
    "custom tag": Case(
        V,
        1,
        "YAML tag !include is not allowed",
        f"{M}:3",
        {M: metric(**{"label: Extra metric": "label: !include other.yml"})},
    ),
    "billion laughs": Case(V, 1, "YAML aliases", M, {M: BOMB}),
    "deep nesting": Case(
        V,
        1,
        "nested more than 30 levels deep",
        f"{M}:10",
        {M: metric("    meta: " + "[" * 60 + "]" * 60 + "\n")},
    ),
    # libyaml (where PyYAML was built with it, and in versions that have the limit) stops
    # at 1,000 levels, the pure-Python composer at the recursion limit, our own walk at 30:
    # whichever notices first, the analyst reads one message.
    "nesting beyond libyaml's limit": Case(
        V,
        1,
        "nested more than 30 levels deep",
        M,
        {M: metric("    meta: " + "[" * 2000 + "]" * 2000 + "\n")},
    ),
    "huge file": Case(
        V,
        1,
        "more than the 16,777,216 allowed",
        M,
        {M: metric() + "# " + "x" * (17 * 1024 * 1024) + "\n"},
    ),
    "latin-1 byte": Case(
        V,
        1,
        "not UTF-8 text: byte 0xe9",
        f"{M}:5",
        {M: metric().encode().replace(b"Test Owner", b"Ren\xe9 Owner")},
    ),
    "NUL character": Case(
        V,
        1,
        "character U+0000 is not allowed in YAML",
        f"{M}:6",
        {M: metric(**{"domain: Test": "domain: Te\x00st"})},
    ),
    "unclosed bracket": Case(
        V, 1, "YAML syntax error", f"{M}:11", {M: metric("    tags: [unclosed\n")}
    ),
    "duplicate key": Case(
        V,
        1,
        "duplicate key 'owner' (first at line 5)",
        f"{M}:10",
        {M: metric("    owner: Someone Else\n")},
    ),
    "unknown key": Case(V, 1, "unknown key 'ownr'", f"{M}:10", {M: metric("    ownr: x\n")}),
    "metric named index": Case(
        V,
        1,
        "'index' is reserved: its page would replace metrics/index.md",
        f"{M}:2",
        {M: metric(**{"name: extra_metric": "name: index"})},
    ),
    "metric name with markup": Case(
        V,
        1,
        "'name': String should match pattern",
        f"{M}:2",
        {M: metric(**{"name: extra_metric": 'name: "x\\"><b>"'})},
    ),
    "metric defined twice": Case(
        V, 1, "duplicate metric name 'mau'", M, {M: metric(**{"name: extra_metric": "name: mau"})}
    ),
    "unknown source": Case(
        V,
        1,
        "metric 'extra_metric': unknown source 'hubspt'",
        f"{M}:10",
        {M: metric("    sources: [hubspt]\n")},
    ),
    "unknown replacement": Case(
        V,
        1,
        "replaced_by names unknown metric 'nope'",
        f"{M}:10",
        {M: metric("    replaced_by: nope\n")},
    ),
    "missing look": Case(
        V,
        1,
        "look 424242 is not in the Looker snapshot",
        f"{M}:10",
        {M: metric("    looks: [424242]\n")},
    ),
    "excluded look": Case(
        V, 1, "is in a folder excluded from publishing", M, edit=None
    ),  # filled in below from the snapshot
    "bad LookML field": Case(
        V,
        1,
        "'lookml_field': String should match pattern",
        f"{M}:10",
        {M: metric("    lookml_field: 'x; DROP'\n")},
    ),
    "empty label": Case(
        V,
        1,
        "'label': String should have at least 1 character",
        f"{M}:3",
        {M: metric(**{"label: Extra metric": 'label: ""'})},
    ),
    # --- source YAML -----------------------------------------------------------------------
    "warn after longer than error": Case(
        V,
        1,
        "warn_after (3 days) is longer than error_after (1 day)",
        f"{S}:7",
        {
            S: source(
                **{
                    "warn_after: {count: 1, period: day}": "warn_after: {count: 3, period: day}"
                    "\n      error_after: {count: 1, period: day}"
                }
            )
        },
    ),
    "warn after longer on a table": Case(
        V,
        1,
        "warn_after (2 hours) is longer than error_after (60 minutes)",
        f"{S}:11",
        {
            S: source(
                "        freshness:\n          warn_after: {count: 2, period: hour}\n"
                "          error_after: {count: 60, period: minute}\n"
            )
        },
    ),
    "loaded_at_field expression": Case(
        V,
        1,
        "must be a plain column name",
        f"{S}:11",
        {S: source("        loaded_at_field: max(_loaded_at)\n")},
    ),
    "loaded_at_field injection": Case(
        V,
        1,
        "must be a plain column name",
        f"{S}:7",
        {
            S: source(
                **{
                    "    freshness:": '    loaded_at_field: "x) FROM t; DROP TABLE t; --"\n'
                    "    freshness:"
                }
            )
        },
    ),
    "table id with backtick": Case(
        V,
        1,
        "must be a full BigQuery table id",
        f"{S}:10",
        {S: source(**{"sourcegraph-dw.extra.events": "'a`b.c.d'"})},
    ),
    "source named like the board": Case(
        V,
        1,
        "'data_freshness' is reserved",
        f"{S}:2",
        {S: source(**{"name: extra_source": "name: data_freshness"})},
    ),
    "misspelt error_after": Case(
        V,
        1,
        "unknown key 'eror_after'",
        f"{S}:9",
        {S: source(**{"    tables:": "      eror_after: {count: 2, period: day}\n    tables:"})},
    ),
    "zero count": Case(
        V,
        1,
        "'count': Input should be greater than 0",
        f"{S}:8",
        {S: source(**{"count: 1,": "count: 0,"})},
    ),
    "empty sources file": Case(V, 1, "file is empty", S, {S: "# nothing yet\n"}),
    # --- policy and reports ----------------------------------------------------------------
    "excluded folder Looker lacks": Case(
        V,
        1,
        "exclude_folders: Looker has no folder 999999",
        "catalog/looker.yml:4",
        {"catalog/looker.yml": "# policy\nexclude_folders:\n  - 150\n  - 999999\n"},
    ),
    "excluded board Looker lacks": Case(
        V,
        1,
        "exclude_boards: Looker has no board 31, so nothing is excluded by it",
        "catalog/looker.yml:5",
        {
            "catalog/looker.yml": "# policy\nexclude_folders: [150]\n"
            "exclude_boards:\n  - 30\n  - 31\n"
        },
    ),
    "unused days zero": Case(
        V,
        1,
        "'unused_after_days': Input should be greater than or equal to 1",
        "catalog/looker.yml:3",
        {
            "catalog/looker.yml": "exclude_folders: [150]\ninclude_personal: false\n"
            "unused_after_days: 0\n"
        },
    ),
    "report with look and dashboard": Case(
        V,
        1,
        "give exactly one of 'look: ID' or 'dashboard: ID'",
        "catalog/reports.yml:",
        edit=_replace(
            "catalog/reports.yml",
            "      - look: 729\n",
            "      - look: 729\n        dashboard: 177\n",
        ),
    ),
    # --- Markdown pages --------------------------------------------------------------------
    "page not UTF-8": Case(
        V,
        1,
        "not UTF-8 text: byte 0xfc",
        "docs/team/latin1.md:3",
        {"docs/team/latin1.md": b"# Team\n\nMen\xfc\n"},
    ),
    "unknown metric reference": Case(
        V,
        1,
        "unknown metric 'no_such_metric'",
        "docs/team/refs.md:3",
        {"docs/team/refs.md": "# Refs\n\nSee [[metric:no_such_metric]].\n"},
    ),
    "missing look reference": Case(
        V,
        1,
        "look 424242 is not in the Looker snapshot",
        "docs/team/refs.md:1",
        {"docs/team/refs.md": "[[look:424242]]\n"},
    ),
    # --- snapshot files --------------------------------------------------------------------
    "looker.json not JSON": Case(
        V,
        1,
        "snapshot is not valid JSON",
        "catalog/snapshot/looker.json:1",
        {"catalog/snapshot/looker.json": "{ not json"},
    ),
    "bigquery.json not UTF-8": Case(
        V,
        1,
        "not UTF-8 text: byte 0xff",
        "catalog/snapshot/bigquery.json:1",
        {"catalog/snapshot/bigquery.json": b'{"x": "\xff"}'},
    ),
    "looker.json from the future": Case(
        V,
        1,
        "snapshot schema_version is 99",
        "catalog/snapshot/looker.json",
        edit=_json_edit("catalog/snapshot/looker.json", lambda d: d.update(schema_version=99)),
    ),
    "looker.json wrong shape": Case(
        V,
        1,
        "snapshot does not match the expected shape at items",
        "catalog/snapshot/looker.json",
        edit=_json_edit("catalog/snapshot/looker.json", lambda d: d.update(items="none")),
    ),
    "looker.json item with an unknown key": Case(
        V,
        1,
        "snapshot does not match the expected shape at items.0.titel: unknown key 'titel'",
        "catalog/snapshot/looker.json",
        edit=_json_edit("catalog/snapshot/looker.json", lambda d: d["items"][0].update(titel="x")),
    ),
    "looker.json item view count not a number": Case(
        V,
        1,
        "snapshot does not match the expected shape at items.1.view_count",
        "catalog/snapshot/looker.json",
        edit=_json_edit(
            "catalog/snapshot/looker.json", lambda d: d["items"][1].update(view_count="many")
        ),
    ),
    "looker.json nested deeply": Case(
        V,
        1,
        "nested too deeply",
        "catalog/snapshot/looker.json",
        {"catalog/snapshot/looker.json": "[" * 100_000 + "]" * 100_000},
    ),
    # --- command line ----------------------------------------------------------------------
    "root that does not exist": Case(
        ("--root", "{tmp}/nowhere", "validate"), 2, "--root {tmp}/nowhere: no such folder"
    ),
    "unknown command": Case(("publish",), 2, "invalid choice: 'publish'"),
    "unknown --only": Case(("refresh", "--only", "tableau"), 2, "invalid choice: 'tableau'"),
    "unknown --format": Case(("check-links", "--format", "xml"), 2, "invalid choice: 'xml'"),
    # --- environment -----------------------------------------------------------------------
    "verify ssl maybe": Case(
        V,
        2,
        "LOOKERSDK_VERIFY_SSL: error: must be true or false",
        env={"LOOKERSDK_VERIFY_SSL": "maybe"},
    ),
    "timeout zero": Case(
        V,
        2,
        "LOOKERSDK_TIMEOUT: error: must be a whole number of seconds, 1 or more",
        env={"LOOKERSDK_TIMEOUT": "0"},
    ),
    "timeout words": Case(
        V,
        2,
        "LOOKERSDK_TIMEOUT: error: must be a whole number of seconds, 1 or more (got 'ten')",
        env={"LOOKERSDK_TIMEOUT": "ten"},
    ),
    "base url scheme": Case(
        V,
        2,
        "LOOKERSDK_BASE_URL: error: must be an http(s) URL",
        env={"LOOKERSDK_BASE_URL": "ftp://looker.example.com"},
    ),
    "base url with api path": Case(
        V,
        2,
        "looker-sdk adds /api/4.0 itself",
        env={"LOOKERSDK_BASE_URL": "https://x.looker.com/api/4.0/"},
    ),
    "endpoint not a URL": Case(
        ("refresh", "--only", "bigquery"),
        2,
        "HANDBOOK_BIGQUERY_ENDPOINT: error: must be an http(s) URL",
        env={"HANDBOOK_BIGQUERY_ENDPOINT": "localhost 9050"},
    ),
    "endpoint bad scheme": Case(
        ("refresh", "--only", "bigquery"),
        2,
        "HANDBOOK_BIGQUERY_ENDPOINT: error: must be an http(s) URL",
        env={"HANDBOOK_BIGQUERY_ENDPOINT": "file:///etc/passwd"},
    ),
    "offline maybe": Case(
        V, 2, "HANDBOOK_OFFLINE: error: must be true or false", env={"HANDBOOK_OFFLINE": "maybe"}
    ),
    "negative retries": Case(
        V,
        2,
        "HANDBOOK_RETRY_ATTEMPTS: error: must be a whole number",
        env={"HANDBOOK_RETRY_ATTEMPTS": "-1"},
    ),
    "bigquery timeout nan": Case(
        V,
        2,
        "HANDBOOK_BIGQUERY_TIMEOUT: error: must be a number of seconds",
        env={"HANDBOOK_BIGQUERY_TIMEOUT": "nan"},
    ),
    "missing key file": Case(
        V,
        2,
        "GOOGLE_APPLICATION_CREDENTIALS: error: no such file",
        env={"GOOGLE_APPLICATION_CREDENTIALS": "{tmp}/key.json"},
    ),
    "bad project id": Case(
        V,
        2,
        "GOOGLE_CLOUD_PROJECT: error: must be a Google Cloud project id",
        env={"GOOGLE_CLOUD_PROJECT": "My Project"},
    ),
    "root variable nowhere": Case(
        V, 2, "HANDBOOK_ROOT: error: no such folder", env={"HANDBOOK_ROOT": "{tmp}/nowhere"}
    ),
    "looker.ini without section": Case(
        V,
        2,
        "cannot read looker.ini: File contains no section headers",
        files={"looker.ini": "base_url=https://x\n"},
    ),
    "looker.ini bad timeout": Case(
        V,
        2,
        "looker.ini (timeout): error: must be a whole number",
        files={"looker.ini": "[Looker]\ntimeout=-5\n"},
    ),
}


def _excluded_look(project: Project) -> None:
    """A metric citing a look that lives in the folder catalog/looker.yml excludes."""
    snap = json.loads(project.looker_snapshot.read_text(encoding="utf-8"))
    look = next(
        i for i in snap["items"] if i["kind"] == "look" and i["folder_id"] in ("150", "151")
    )
    (project.root / M).write_text(metric(f"    looks: [{look['id']}]\n"), encoding="utf-8")


CASES["excluded look"].edit = _excluded_look


def test_the_table_has_at_least_forty_rows():
    assert len(CASES) >= 40


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    import os

    for name in list(os.environ):
        if name.startswith(("LOOKERSDK_", "GOOGLE_", "HANDBOOK_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HANDBOOK_OFFLINE", "1")
    return monkeypatch


def snapshots(project: Project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(project.snapshot_dir.glob("*.json"))}


@pytest.mark.parametrize("name", list(CASES))
def test_broken_input(name: str, tmp_path: Path, clean_env: pytest.MonkeyPatch, capsys):
    case = CASES[name]
    project = copy_handbook(tmp_path / "handbook")
    clean_env.chdir(project.root)
    for path, content in case.files.items():
        target = project.root / path
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    if case.edit:
        case.edit(project)
    for key, value in case.env.items():
        clean_env.setenv(key, value.replace("{tmp}", str(tmp_path)))
    before = snapshots(project)
    args = [a.replace("{tmp}", str(tmp_path)) for a in case.args]
    if args[0] != "--root":
        args = ["--root", str(project.root), *args]
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    out, err = capsys.readouterr()
    message = case.message.replace("{tmp}", str(tmp_path))
    assert code == case.code, f"exit {code}, expected {case.code}\n{err}"
    assert message in err, err
    if case.where:
        assert case.where in err, err
    assert "Traceback" not in out + err
    assert snapshots(project) == before, "a snapshot file changed"
