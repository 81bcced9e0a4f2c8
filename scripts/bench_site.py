"""The whole site at a big company's scale, side by side with plain MkDocs. Measured, not asserted.

    python scripts/bench_site.py            # target size: 1,000 hand pages, 20,000 items
    python scripts/bench_site.py --quick    # a small smoke run (a couple of minutes)
    python scripts/bench_site.py --items 60000 --scale 2000,20000,60000 --repeat 3

It writes a synthetic organisation into a temporary folder (hand pages with tables, links and
`[[…]]` references; a Looker snapshot of `--items` items in items/50 folders and 100 explores;
500 metrics; 100 sources), then measures, in one run:

- build: `mkdocs build` of the project against plain MkDocs + Material building the same hand
  pages plus the generated pages saved as static Markdown (the baseline), with the same theme
  settings (the project's `mkdocs.yml`, `navigation.prune` included, minus our plugin). Time
  and the peak RSS of the build process (from `os.wait4`), min and median of `--repeat`
  interleaved runs.
- size: each built site on disk, its HTML pages and their mean size, `search_index.json` and
  `catalog.json` (GitHub Pages publishes at most 1 GB per site).
- profile: one project build under cProfile, the plugin's share by part (catalog load, page
  generation, `catalog.json`, page dates, references, page hooks), in seconds of that build.
- edit-to-preview: under `mkdocs serve --dirty` (project, as the README says to preview, and
  the plain MkDocs baseline, both serving at once), append a line to a hand page and poll the
  served page until the new text appears, the two taking turns; and, for the project, the
  same after changing one metric's YAML (its page
  must show the new label). The project's serve starts right after a pull (the snapshot's
  `pulled_at` is set to now), the case where build-relative times made every page differ; the
  metric row reports how many generated pages each save rendered (from the serve log).
- growth: build time, peak memory and hand-page edit time of the project at each `--scale`
  size, as the slope of log(value) against log(items) (1.0 = linear, 0 = constant).
- zensical: `handbook generate && zensical build` and `zensical serve` edit-to-preview, when
  both `handbook generate` and zensical are available (skipped with a message otherwise).

Runs of the project and the baseline alternate (A B A B …) so a machine busy with other jobs
slows both alike; ratios are of medians. Targets (from the issues): build ≤ 1.05×, memory ≤
1.25×, hand-page edit ≤ 1.1× plain `serve --dirty`, metric save ≤ 2× a hand-page save, the site
≤ 200 MB with a mean page ≤ 80 KB at 20,000 items (≤ 500 MB above that, up to 60,000), growth
≤ 1.1 for the build and near 0 for the edit.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
BASE_URL = "https://acme.looker.com"
N_EXPLORES = 100
FIELDS_PER_EXPLORE = 20
N_METRICS = 500
N_SOURCES = 100
SECTIONS = 20
GENERATED_NAV = {
    "Reports": "reports/index.md",
    "Metrics": "metrics/index.md",
    "Freshness": "data/freshness.md",
    "Looker catalog": "looker/index.md",
    "Explores": "looker/explores.md",
    "Unused content": "looker/unused.md",
}
TARGETS = {"build": 1.05, "memory": 1.25, "edit": 1.1, "metric edit": 2.0, "build growth": 1.1}
MB = 1_000_000
PAGE_TARGET = 80_000  # mean HTML page, bytes
SERVE_LOG = re.compile(r"handbook: (\d+) generated pages, (\d+) rendered, (\d+) files rewritten")


def site_target(n_items: int) -> int:
    """The site size the issue asks for: 200 MB at 20,000 items, 500 MB up to 60,000."""
    return 200 * MB if n_items <= 20_000 else 500 * MB


# --- the synthetic organisation -----------------------------------------------------------
def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def looker_snapshot(n_items: int, rng: random.Random) -> dict:
    """A pull of `n_items` looks and dashboards in n_items/50 folders (two levels), 100 explores."""
    n_folders = max(4, n_items // 50)
    top = max(2, n_folders // 20)
    folders = [{"id": "1", "name": "Shared", "parent_id": None}]
    for i in range(n_folders):
        parent = "1" if i < top else str(1000 + i % top)
        folders.append({"id": str(1000 + i), "name": f"Team {i} reports", "parent_id": parent})
    explores = [
        {
            "model": f"model_{e % 10}",
            "name": f"explore_{e}",
            "label": f"Explore {e}",
            "description": "Synthetic explore.",
            "fields": [
                {
                    "name": f"view_{e}.field_{f}",
                    "label": f"Field {f}",
                    "description": None,  # no drift warnings: metrics describe it
                    "type": "number" if f % 2 else "string",
                    "category": "measure" if f % 2 else "dimension",
                }
                for f in range(FIELDS_PER_EXPLORE)
            ],
        }
        for e in range(N_EXPLORES)
    ]
    items = []
    for i in range(n_items):
        e = i % N_EXPLORES
        items.append(
            {
                "kind": "look" if i % 3 else "dashboard",
                "id": str(10_000 + i),
                "title": f"Report {i} | usage <by> `team` {rng.choice(['weekly', 'monthly'])}",
                "description": "Synthetic item for the site benchmark.",
                "folder_id": str(1000 + i % n_folders),
                "owner": f"Owner {i % 80}",
                "created_at": _iso(NOW - timedelta(days=400 + i % 300)),
                "updated_at": _iso(NOW - timedelta(days=i % 400)),
                "last_viewed_at": _iso(NOW - timedelta(days=i % 200)),
                "view_count": (i * 7919) % 5000,
                "favorite_count": i % 30,
                "model": f"model_{e % 10}",
                "explore": f"explore_{e}",
                "fields": [f"view_{e}.field_{(i + k) % FIELDS_PER_EXPLORE}" for k in range(3)],
            }
        )
    return {
        "schema_version": 1,
        "pulled_at": _iso(NOW),
        "base_url": BASE_URL,
        "folders": folders,
        "items": items,
        "explores": explores,
        "requests": 60,
    }


def _table(s: int, t: int) -> str:
    return f"acme-dw.source_{s}.table_{t}"


def sources_yaml(files: int = 5) -> dict[str, str]:
    per = N_SOURCES // files
    out = {}
    for f in range(files):
        lines = ["sources:"]
        for s in range(f * per, (f + 1) * per):
            lines += [
                f"  - name: source_{s}",
                f"    label: Source {s}",
                f"    description: Synthetic data source {s}.",
                f"    owner: Owner {s % 80}",
                "    cadence: Synced every 6 hours.",
                "    freshness:",
                "      warn_after: {count: 12, period: hour}",
                "      error_after: {count: 2, period: day}",
                "    tables:",
                f"      - table: {_table(s, 0)}",
                f"      - table: {_table(s, 1)}",
            ]
        out[f"sources_{f}.yml"] = "\n".join(lines) + "\n"
    return out


def freshness_snapshot() -> dict:
    tables = [
        {
            "table": _table(s, t),
            "loaded_at": _iso(NOW - timedelta(hours=(s * 7 + t) % 72)),
            "method": "metadata",
            "error": None,
        }
        for s in range(N_SOURCES)
        for t in range(2)
    ]
    return {"schema_version": 1, "checked_at": _iso(NOW), "tables": tables}


def metric_entry(m: int, n_items: int, label: str | None = None) -> list[str]:
    e = m % N_EXPLORES
    i = (m * 3 + 1) % (n_items - 1)
    look = 10_000 + i + (0 if i % 3 else 1)  # item i is a dashboard when i % 3 == 0
    return [
        f"  - name: metric_{m}",
        f"    label: {label or f'Metric {m}'}",
        f"    description: Synthetic metric {m}. It counts things for the benchmark.",
        f"    owner: Owner {m % 80}",
        f"    domain: Domain {m % 12}",
        f"    status: {('certified', 'draft', 'deprecated')[m % 3]}",
        "    calculation: |",
        f"      SUM(value_{m})",
        "    grain:",
        "      time: month",
        f"    lookml_field: model_{e % 10}.explore_{e}.view_{e}.field_{m % FIELDS_PER_EXPLORE}",
        f"    sources: [source_{m % N_SOURCES}, source_{(m + 1) % N_SOURCES}]",
        f"    looks: [{look}]",
        f"    synonyms: [thing {m}]",
    ] + ([f"    replaced_by: metric_{m + 1}"] if m % 3 == 2 and m + 1 < N_METRICS else [])


def metrics_yaml(n_items: int, files: int = 10, labels: dict[int, str] | None = None) -> dict:
    per = N_METRICS // files
    out = {}
    for f in range(files):
        lines = ["metrics:"]
        for m in range(f * per, (f + 1) * per):
            lines += metric_entry(m, n_items, (labels or {}).get(m))
        out[f"metrics_{f}.yml"] = "\n".join(lines) + "\n"
    return out


def hand_page(n: int, n_pages: int, n_items: int) -> str:
    """A page as analysts write them: prose, a table, links to other pages, references."""
    section, other = n % SECTIONS, (n * 37 + 11) % n_pages
    rows = "\n".join(
        f"| Step {r} | [[metric:metric_{(n + r) % N_METRICS}]] | "
        f"[[look:{10_001 + (n * 5 + r * 3) % (n_items - 2) // 3 * 3}]] | Owner {r} |"
        for r in range(6)
    )
    return f"""# Handbook page {n}

This page explains process {n} of the team. Ask in #data-help when something is unclear; the
[intake guide](../section-{other % SECTIONS}/page-{other}.md) has the form.

## How we measure it

We look at [[metric:metric_{n % N_METRICS}]] every week, and the
[[dashboard:{10_000 + (n * 3) % n_items // 3 * 3}|team dashboard]] shows it by customer.
Freshness of the data: [[freshness:source_{n % N_SOURCES}]]. The raw numbers are in
{BASE_URL}/looks/{10_001 + (n * 3) % (n_items - 2) // 3 * 3} and `[[look:1]]` stays code.

| Step | Metric | Look | Who |
| --- | --- | --- | --- |
{rows}

## Notes

- Section {section}: keep this page short; link, do not copy.
- See also [the section index](index.md).

```sql
SELECT count(*) FROM acme.events -- [[metric:not_a_ref]] in code stays as typed
```
"""


def section_index(s: int) -> str:
    return f"# Section {s}\n\nThe pages of section {s}.\n"


@dataclass
class Site:
    root: Path
    hand_pages: list[str]  # paths under docs/
    n_items: int

    @property
    def docs(self) -> Path:
        return self.root / "docs"


def _nav(hand: list[str]) -> str:
    lines = ["nav:", "  - Home: index.md"]
    for s in range(SECTIONS):
        lines.append(f"  - Section {s}:")
        lines.append(f"      - section-{s}/index.md")
        lines += [f"      - {p}" for p in hand if p.startswith(f"section-{s}/")]
    lines += [f"  - {title}: {path}" for title, path in GENERATED_NAV.items()]
    return "\n".join(lines) + "\n"


def project_config(hand: list[str]) -> str:
    """The repository's mkdocs.yml (plugins, hooks, extensions as they are), our nav."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.split("\nnav:", 1)[0].rstrip() + "\n\n"
    text = re.sub(r"^site_url:.*$", "site_url: https://handbook.acme.test/", text, flags=re.M)
    return text + _nav(hand)


def baseline_config(project_yml: str, extensions: Sequence[str] = ()) -> str:
    """Plain MkDocs + Material: the project's config without our hooks and plugins."""
    text = project_yml
    text = re.sub(r"\nplugins:\n(?:  .*\n|    .*\n)*", "\nplugins:\n  - search\n", text)
    text = re.sub(r"\nhooks:\n(?:  - .*\n)*", "\n", text)
    text = text.replace("  - handbook.refs\n", "")  # references are the project's work
    for ext in extensions:
        text = text.replace("markdown_extensions:\n", f"markdown_extensions:\n  - {ext}\n", 1)
    return text


def _git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def write_site(root: Path, n_pages: int, n_items: int, commits: int = 0, seed: int = 15) -> Site:
    """The synthetic organisation as a git repository, ready for `mkdocs build`."""
    rng = random.Random(seed)
    docs = root / "docs"
    for s in range(SECTIONS):
        (docs / f"section-{s}").mkdir(parents=True, exist_ok=True)
        (docs / f"section-{s}/index.md").write_text(section_index(s), encoding="utf-8")
    hand = [f"section-{n % SECTIONS}/page-{n}.md" for n in range(n_pages)]
    for n, path in enumerate(hand):
        (docs / path).write_text(hand_page(n, n_pages, n_items), encoding="utf-8")
    (docs / "index.md").write_text("# Acme handbook\n\nWelcome.\n", encoding="utf-8")
    css = REPO / "docs/stylesheets/handbook.css"
    if css.is_file():
        (docs / "stylesheets").mkdir(exist_ok=True)
        shutil.copy(css, docs / "stylesheets/handbook.css")
    catalog = root / "catalog"
    for sub in ("metrics", "sources", "snapshot"):
        (catalog / sub).mkdir(parents=True, exist_ok=True)
    (catalog / "looker.yml").write_text(
        f"base_url: {BASE_URL}\nexclude_folders: []\nunused_after_days: 90\n", encoding="utf-8"
    )
    (catalog / "reports.yml").write_text(
        "intro: Notable reports.\nsections:\n  - title: Company\n    reports:\n"
        + "".join(f"      - look: {10_001 + 3 * k}\n" for k in range(10)),
        encoding="utf-8",
    )
    for name, text in metrics_yaml(n_items).items():
        (catalog / "metrics" / name).write_text(text, encoding="utf-8")
    for name, text in sources_yaml().items():
        (catalog / "sources" / name).write_text(text, encoding="utf-8")
    (catalog / "snapshot/looker.json").write_text(
        json.dumps(looker_snapshot(n_items, rng)), encoding="utf-8"
    )
    (catalog / "snapshot/bigquery.json").write_text(
        json.dumps(freshness_snapshot()), encoding="utf-8"
    )
    if (REPO / "overrides").is_dir():  # the theme's custom_dir, when the config names one
        shutil.copytree(REPO / "overrides", root / "overrides")
    for hook in (REPO / "hooks").glob("*.py"):  # the thin engine hooks, if the config uses any
        (root / "hooks").mkdir(exist_ok=True)
        shutil.copy(hook, root / "hooks" / hook.name)
    (root / "mkdocs.yml").write_text(project_config(hand), encoding="utf-8")
    (root / ".gitignore").write_text("site/\n", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "synthetic organisation")
    for c in range(commits):  # a history, so per-page `git log` walks something real
        for path in rng.sample(hand, min(10, len(hand))):
            with (docs / path).open("a", encoding="utf-8") as fh:
                fh.write(f"\nRevised in change {c}.\n")
        _git(root, "commit", "-q", "-a", "-m", f"edit {c}")
    return Site(root, hand, n_items)


# --- the generated pages as static Markdown (the baseline's input) -------------------------
def has_generate() -> bool:
    """True once the project has `handbook generate` (the engine-independent catalog)."""
    cli = BIN / "handbook"
    if not cli.exists():
        return False
    done = subprocess.run([str(cli), "generate", "--help"], capture_output=True)
    return done.returncode == 0


def generate_static(site: Site, use_cli: bool) -> float:
    """Write the generated pages under docs/; returns the seconds it took."""
    started = time.perf_counter()
    if use_cli:
        subprocess.run(
            [str(BIN / "handbook"), "generate"],
            cwd=site.root,
            check=True,
            capture_output=True,
            env={**os.environ, "HANDBOOK_OFFLINE": "1"},
        )
    else:
        code = (
            "import sys; from pathlib import Path\n"
            "from handbook.catalog import load_catalog\n"
            "from handbook.project import Project\n"
            "from handbook.render.pages import all_pages\n"
            "root = Path(sys.argv[1])\n"
            "for page in all_pages(load_catalog(Project(root))):\n"
            "    out = root / 'docs' / page.path\n"
            "    out.parent.mkdir(parents=True, exist_ok=True)\n"
            "    out.write_text(page.content, encoding='utf-8')\n"
        )
        subprocess.run([sys.executable, "-c", code, str(site.root)], check=True)
    return time.perf_counter() - started


EXPAND_REFS = """
import sys; from pathlib import Path
from handbook.catalog import load_catalog
from handbook.project import Project
from handbook.markdown.code import code_lines
from handbook.markdown.references import REFERENCE, Resolved, Unresolved, parse, resolve
from handbook.render.references import reference_html
root = Path(sys.argv[1]); docs = root / "docs"; catalog = load_catalog(Project(root))
def html(match, page):
    ref = parse(match)
    found = ref if isinstance(ref, Unresolved) else resolve(catalog, ref, page)
    if not isinstance(found, Resolved):
        return found.fallback
    # Raw HTML in a Markdown source: a `|` would split a table cell and a backtick open code,
    # which the extension (running after the table is split) never sees. As references, the
    # browser shows the same characters.
    return str(reference_html(found)).replace("|", "&#124;").replace("`", "&#96;")
for path in sys.argv[2:]:
    page = docs / path
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    code = code_lines(lines)
    out = [l if c else REFERENCE.sub(lambda m: html(m, path), l) for l, c in zip(lines, code)]
    page.write_text("".join(out), encoding="utf-8")
"""


def expand_references(site: Site) -> bool:
    """Replace the hand pages' `[[…]]` (outside code) by the HTML the `handbook.refs`
    extension renders for them, so the baseline shows the same links and badges without
    running our extension. False when that fails (the references are then left as typed,
    which flatters the baseline)."""
    done = subprocess.run(
        [sys.executable, "-c", EXPAND_REFS, str(site.root), *site.hand_pages],
        capture_output=True,
        env=env_offline(),
    )
    if done.returncode != 0:
        print(done.stderr.decode(errors="replace")[-2000:])
    return done.returncode == 0


def make_baseline(site: Site, dest: Path, use_cli: bool) -> Site:
    """A copy of `site` as plain MkDocs sees it: hand pages (references expanded) plus the
    generated pages, all as static Markdown files."""
    shutil.copytree(site.root, dest, ignore=shutil.ignore_patterns("site"))
    copy = Site(dest, site.hand_pages, site.n_items)
    generate_static(copy, use_cli)
    if not expand_references(copy):
        print("baseline: hand pages keep their [[…]] as typed (expanding them failed)")
    project_yml = (site.root / "mkdocs.yml").read_text(encoding="utf-8")
    (dest / "mkdocs.yml").write_text(baseline_config(project_yml), encoding="utf-8")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "generated pages as static files")
    return copy


# --- measuring ------------------------------------------------------------------------------
@dataclass
class Run:
    seconds: float
    peak_mb: float
    cpu: float = 0.0  # user + system seconds of the process: less swayed by a busy machine


def run_measured(cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Wall time and peak RSS of one child process (os.wait4 gives that child's own rusage)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{err.decode()[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / 1024, cpu)  # ru_maxrss is in KiB on Linux


def env_offline() -> dict[str, str]:
    return {**os.environ, "HANDBOOK_OFFLINE": "1"}


def mkdocs_build(site: Site) -> Run:
    return run_measured([str(BIN / "mkdocs"), "build", "-q"], site.root, env_offline())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return None


def wait_for(url: str, text: str | None, timeout: float) -> float | None:
    """Seconds until `url` serves a page containing `text` (any page if None), or None."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        body = fetch(url)
        if body is not None and (text is None or text in body):
            return time.perf_counter() - started
        time.sleep(0.1)
    return None


@dataclass
class Server:
    """`mkdocs serve` / `zensical serve` in the background, on a free port; its log (stderr)
    goes to `log` when given, so a row can read what each rebuild did."""

    cmd: list[str]
    root: Path
    timeout: float
    log: Path | None = None
    proc: subprocess.Popen | None = None
    port: int = field(default_factory=free_port)
    rendered: list[int | None] = field(default_factory=list)  # per metric save, see below

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log and self.log.exists() else 0

    def rendered_since(self, offset: int) -> int | None:
        """Generated pages the rebuilds logged after `offset` rendered (the plugin's line
        "handbook: N generated pages, M rendered, K files rewritten"), or None if none did."""
        if self.log is None:
            return None
        with self.log.open("rb") as fh:
            fh.seek(offset)
            text = fh.read().decode("utf-8", "replace")
        counts = [int(m.group(2)) for m in SERVE_LOG.finditer(text)]
        return sum(counts) if counts else None

    def __enter__(self) -> Server:
        err = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [*self.cmd, "-a", f"127.0.0.1:{self.port}"],
            cwd=self.root,
            env=env_offline(),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        if self.log:
            err.close()  # type: ignore[union-attr]  # the child holds its own copy
        if wait_for(self.url, None, self.timeout) is None:
            self.__exit__()
            raise SystemExit(f"{' '.join(self.cmd)} did not start within {self.timeout:.0f} s")
        time.sleep(1.0)  # let the watcher settle before the first edit
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def edit_hand_page(server: Server, site: Site, n: int) -> float | None:
    """Append a new sentence to a hand page; seconds until the served page shows it."""
    path = site.hand_pages[(n * 97) % len(site.hand_pages)]
    token = f"benchmark-edit-{time.time_ns()}"
    with (site.docs / path).open("a", encoding="utf-8") as fh:
        fh.write(f"\n{token}\n")
    started = time.perf_counter()
    found = wait_for(server.url + path.removesuffix(".md") + "/", token, server.timeout)
    return None if found is None else time.perf_counter() - started


def edit_metric(server: Server, site: Site, n: int) -> float | None:
    """Relabel one metric in its YAML; seconds until its served page shows the new label."""
    m = (n * 53) % N_METRICS
    label = f"Relabelled {m} {time.time_ns()}"
    per = N_METRICS // 10
    path = site.root / "catalog/metrics" / f"metrics_{m // per}.yml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(rf"(  - name: metric_{m}\n    label: ).*\n", rf"\g<1>{label}\n", text)
    offset = server.log_size()
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    found = wait_for(server.url + f"metrics/metric_{m}/", label, server.timeout)
    seconds = None if found is None else time.perf_counter() - started
    time.sleep(0.5)  # the rebuild's log line is written before its pages; let it land
    server.rendered.append(server.rendered_since(offset))
    return seconds


def mark_pulled_now(site: Site) -> None:
    """Make the Looker snapshot look freshly pulled (`pulled_at` = now), as after a pull
    under `serve` in live mode: the case where a page's text could change with the clock."""
    path = site.root / "catalog/snapshot/looker.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["pulled_at"] = _iso(datetime.now(UTC))
    path.write_text(json.dumps(data), encoding="utf-8")


def edits(
    server: Server, edit: Callable[[Server, Site, int], float | None], site: Site, repeat: int
) -> list[float | None]:
    out: list[float | None] = []
    for n in range(repeat):
        out.append(edit(server, site, n))
        if out[-1] is None:  # not watched, or too slow: more tries would only wait again
            break
        time.sleep(1.0)  # the watcher's own debounce; not counted
    return out


# --- reporting ------------------------------------------------------------------------------
def summary(values: Sequence[float | None]) -> tuple[float, float] | None:
    got = [v for v in values if v is not None]
    if len(got) < len(values) or not got:
        return None
    return min(got), statistics.median(got)


def fmt(values: Sequence[float | None], unit: str = "s") -> str:
    s = summary(values)
    if s is None:
        return "timed out" + (f" ({sum(v is None for v in values)} of {len(values)})")
    return f"min {s[0]:8.2f} {unit}  median {s[1]:8.2f} {unit}"


def ratio_line(
    name: str,
    ours: Sequence[float | None],
    base: Sequence[float | None],
    unit: str,
    target: float | None,
) -> str:
    a, b = summary(ours), summary(base)
    if a is None or b is None:
        return f"{name:<34} ratio: n/a (a run timed out)"
    ratio = a[1] / b[1]
    verdict = "" if target is None else ("  ok" if ratio <= target else f"  OVER {target}×")
    return f"{name:<34} ratio of medians {ratio:6.2f}×  (min {a[0] / b[0]:5.2f}×){verdict}"


def slope(xs: Sequence[float], ys: Sequence[float | None]) -> float | None:
    """Least-squares slope of log(y) on log(x): the growth exponent."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if y]
    if len(pts) < 2:
        return None
    mx = statistics.fmean(p[0] for p in pts)
    my = statistics.fmean(p[1] for p in pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / den if den else None


# --- the comparisons ------------------------------------------------------------------------
def compare_builds(ours: Site, base: Site, repeat: int, warmup: int = 1) -> dict[str, list]:
    runs: dict[str, list[Run]] = {"project": [], "baseline": []}
    for _ in range(warmup):  # warm the page cache and any on-disk caches for each
        mkdocs_build(ours)
        mkdocs_build(base)
    for _ in range(repeat):
        runs["project"].append(mkdocs_build(ours))
        runs["baseline"].append(mkdocs_build(base))
    return runs


def alternate_hand_edits(
    servers: Sequence[tuple[Server, Site]], repeat: int
) -> list[list[float | None]]:
    """Hand-page saves on each server in turn, the order swapped every round, so that both
    sides meet the same machine (a background flush of the site just built, another job)
    rather than one side measured minutes after the other."""
    out: list[list[float | None]] = [[] for _ in servers]
    for n in range(repeat):
        order = list(enumerate(servers))
        for i, (server, site) in order if n % 2 == 0 else reversed(order):
            out[i].append(edit_hand_page(server, site, n))
            time.sleep(1.0)  # the watcher's own debounce; not counted
        if any(values[-1] is None for values in out):
            break  # not watched, or too slow: more tries would only wait again
    return out


def compare_edits(
    ours: Site, base: Site, repeat: int, timeout: float
) -> tuple[dict[str, list], list[int | None]]:
    """Edit-to-preview times, and the generated pages each metric save rendered. Both
    servers run at once; their hand saves take turns (`alternate_hand_edits`)."""
    mkdocs = str(BIN / "mkdocs")
    out: dict[str, list] = {}
    mark_pulled_now(ours)  # right after a pull: see mark_pulled_now
    log = ours.root / "serve.log"
    with (
        Server([mkdocs, "serve", "--dirty"], ours.root, timeout, log) as server,
        Server([mkdocs, "serve", "--dirty"], base.root, timeout) as plain,
    ):
        hand, base_hand = alternate_hand_edits([(server, ours), (plain, base)], repeat)
        out["project hand"], out["baseline hand"] = hand, base_hand
        out["project metric"] = edits(server, edit_metric, ours, repeat)
        rendered = server.rendered
    return out, rendered


def zensical_rows(
    site: Site, tmp: Path, repeat: int, timeout: float, mkdocs_times: dict[str, float]
) -> None:
    """`handbook generate && zensical build`: wall time (both) and peak RSS (the larger of
    the two processes), against this run's `mkdocs build` medians (`mkdocs_times`: the
    project's and plain MkDocs', when the build rows ran)."""
    try:
        import zensical  # noqa: F401
    except ImportError:
        print("zensical: not importable (pip install zensical); skipped")
        return
    if not has_generate():
        print("zensical: this project has no `handbook generate` yet; skipped")
        return
    z = Site(tmp / "zensical", site.hand_pages, site.n_items)
    shutil.copytree(site.root, z.root, ignore=shutil.ignore_patterns("site", ".cache"))
    yml = baseline_config(
        (site.root / "mkdocs.yml").read_text(encoding="utf-8"), extensions=("handbook.refs",)
    )
    (z.root / "mkdocs.yml").write_text(yml, encoding="utf-8")
    # Zensical keeps a build cache: the first build (none yet) and the later ones differ
    # about threefold, so they are reported apart.
    builds: dict[str, list[Run]] = {"cold cache": [], "warm cache": []}
    for n in range(repeat + 1):
        gen = run_measured([str(BIN / "handbook"), "generate"], z.root, env_offline())
        run = run_measured([str(BIN / "zensical"), "build"], z.root, env_offline())
        peak = max(gen.peak_mb, run.peak_mb)
        builds["warm cache" if n else "cold cache"].append(Run(gen.seconds + run.seconds, peak))
    for cache, runs in builds.items():
        seconds = [r.seconds for r in runs]
        versus = "".join(
            f", {statistics.median(seconds) / t:.2f}× {who}'s mkdocs build"
            for who, t in mkdocs_times.items()
        )
        print(
            f"{'generate && zensical build, ' + cache:<34} {fmt(seconds)}"
            f"   peak RSS {fmt([r.peak_mb for r in runs], 'MB')}{versus}"
        )
    with Server([str(BIN / "zensical"), "serve"], z.root, timeout) as server:
        print(
            f"{'zensical serve, edit hand page':<34} "
            f"{fmt(edits(server, edit_hand_page, z, repeat))}"
        )


def _served_edit(site: Site, repeat: int, timeout: float) -> float | None:
    """Median seconds from saving a hand page to seeing it under `mkdocs serve --dirty`."""
    with Server([str(BIN / "mkdocs"), "serve", "--dirty"], site.root, timeout) as server:
        got = summary(edits(server, edit_hand_page, site, repeat))
    return got[1] if got else None


def _seconds(value: float | None) -> str:
    return f"{value:.2f} s" if value is not None else "timed out"


def growth_rows(
    sizes: Sequence[int], n_pages: int, commits: int, tmp: Path, repeat: int, timeout: float
) -> None:
    """Build and hand-page edit at each size, and plain MkDocs' `serve --dirty` edit on the
    same pages (its own growth: MkDocs walks every page's navigation on each rebuild)."""
    builds, peaks, hand_edits, base_edits = [], [], [], []
    for size in sizes:
        site = write_site(tmp / f"growth-{size}", n_pages, size, commits)
        runs = [mkdocs_build(site) for _ in range(repeat)]
        builds.append(statistics.median(r.seconds for r in runs))
        peaks.append(statistics.median(r.peak_mb for r in runs))
        hand_edits.append(_served_edit(site, repeat, timeout))
        base = make_baseline(site, tmp / f"growth-{size}-plain", use_cli=has_generate())
        base_edits.append(_served_edit(base, repeat, timeout))
        print(
            f"  {size:>7,} items: build median {builds[-1]:7.2f} s, peak RSS {peaks[-1]:6.0f} MB, "
            f"hand edit {_seconds(hand_edits[-1])} (plain MkDocs {_seconds(base_edits[-1])})"
        )
        shutil.rmtree(site.root, ignore_errors=True)
        shutil.rmtree(base.root, ignore_errors=True)
    b, e, p = slope(sizes, builds), slope(sizes, hand_edits), slope(sizes, base_edits)
    print(
        f"{'growth exponent, build':<34} {b:5.2f}"
        + ("  ok" if b is not None and b <= TARGETS["build growth"] else "  OVER 1.1")
    )
    m = slope(sizes, peaks)
    for name, value in (
        ("peak memory", m),
        ("hand-page edit", e),
        ("plain MkDocs edit", p),
    ):
        shown = f"{value:5.2f}" if value is not None else "n/a"
        print(f"{'growth exponent, ' + name:<34} {shown}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="small sizes, one repeat (smoke test)")
    p.add_argument("--pages", type=int, default=1000, help="hand pages (default 1,000)")
    p.add_argument("--items", type=int, default=20_000, help="Looker items (default 20,000)")
    p.add_argument(
        "--commits",
        type=int,
        default=300,
        help="commits of history, each editing 10 hand pages (default 300)",
    )
    p.add_argument("--warmup", type=int, default=1, help="untimed build pairs first")
    p.add_argument("--repeat", type=int, default=3, help="interleaved runs of each (default 3)")
    p.add_argument(
        "--scale",
        default="2000,20000,60000",
        help="item counts for the growth rows, comma-separated ('' to skip)",
    )
    p.add_argument("--skip", default="", help="comma list of: build,profile,edit,zensical,growth")
    p.add_argument("--timeout", type=float, default=600, help="seconds to wait for a preview")
    p.add_argument("--keep", type=Path, help="write the sites here and keep them")
    args = p.parse_args(argv)
    if args.quick:
        args.pages, args.items, args.repeat = min(args.pages, 60), min(args.items, 1000), 1
        args.commits = min(args.commits, 20)
        args.scale = "500,2000" if args.scale == "2000,20000,60000" else args.scale
    return args


def build_rows(ours: Site, base: Site, args: argparse.Namespace) -> dict[str, float]:
    """Print the build comparison; returns the median build time of each."""
    runs = compare_builds(ours, base, args.repeat, args.warmup)
    for who in ("project", "baseline"):
        print(
            f"{'mkdocs build, ' + who:<34} {fmt([r.seconds for r in runs[who]])}"
            f"   peak RSS {fmt([r.peak_mb for r in runs[who]], 'MB')}"
        )
    ours_s, base_s = ([r.seconds for r in runs[w]] for w in ("project", "baseline"))
    ours_mb, base_mb = ([r.peak_mb for r in runs[w]] for w in ("project", "baseline"))
    print(ratio_line("build time", ours_s, base_s, "s", TARGETS["build"]))
    ours_cpu, base_cpu = ([r.cpu for r in runs[w]] for w in ("project", "baseline"))
    print(f"{'build CPU time, project':<34} {fmt(ours_cpu)}")
    print(f"{'build CPU time, baseline':<34} {fmt(base_cpu)}")
    print(ratio_line("build CPU time", ours_cpu, base_cpu, "s", TARGETS["build"]))
    print(ratio_line("peak memory", ours_mb, base_mb, "MB", TARGETS["memory"]))
    return {"the project": statistics.median(ours_s), "plain MkDocs": statistics.median(base_s)}


@dataclass
class SiteFiles:
    """What a built site holds on disk (plain bytes, not the Pages tar `site-size` counts)."""

    total: int
    pages: int  # HTML files
    page_bytes: int
    search_index: int
    catalog_json: int

    @property
    def mean_page(self) -> float:
        return self.page_bytes / self.pages if self.pages else 0.0


def site_files(site_dir: Path) -> SiteFiles:
    total = pages = page_bytes = 0
    for folder, _, names in os.walk(site_dir):
        for name in names:
            size = os.lstat(os.path.join(folder, name)).st_size
            total += size
            if name.endswith(".html"):
                pages += 1
                page_bytes += size

    def size_of(rel: str) -> int:
        path = site_dir / rel
        return path.stat().st_size if path.is_file() else 0

    return SiteFiles(
        total, pages, page_bytes, size_of("search/search_index.json"), size_of("catalog.json")
    )


def size_rows(ours: Site, base: Site) -> None:
    """The last build of each, as GitHub Pages would publish it."""
    got = {"project": site_files(ours.root / "site"), "baseline": site_files(base.root / "site")}
    for who, f in got.items():
        print(
            f"{'site on disk, ' + who:<34} {f.total / MB:8.1f} MB  {f.pages:,} HTML pages, "
            f"mean {f.mean_page / 1000:6.1f} KB  search index {f.search_index / MB:6.2f} MB  "
            f"catalog.json {f.catalog_json / MB:6.2f} MB"
        )
    ours_f, base_f = got["project"], got["baseline"]
    limit = site_target(ours.n_items)
    print(
        f"{'site size':<34} {ours_f.total / MB:8.1f} MB of {limit / MB:.0f} MB"
        + ("  ok" if ours_f.total <= limit else "  OVER")
    )
    print(
        f"{'mean HTML page':<34} {ours_f.mean_page / 1000:8.1f} KB of {PAGE_TARGET / 1000:.0f} KB"
        + ("  ok" if ours_f.mean_page <= PAGE_TARGET else "  OVER")
    )
    if base_f.search_index:
        ratio = ours_f.search_index / base_f.search_index
        print(f"{'search index vs plain (same pages)':<34} {ratio:8.2f}×")


# The plugin's share of a build, by part: (label, file name, function names).
PROFILE_PARTS = (
    ("catalog load", "catalog.py", ("load_catalog",)),
    ("catalog checks", "validate.py", ("validate_catalog",)),
    ("generated pages (render)", "serve_state.py", ("generated_pages",)),
    ("generated pages (write)", "cache.py", ("write_changed",)),
    ("catalog.json", "session.py", ("write_export",)),
    ("page dates (git log)", "gitdates.py", ("last_changed",)),
    ("[[…]] references", "refs_extension.py", ("run", "handleMatch")),
    ("page hooks (date, title, meta)", "mkdocs_plugin.py", ("on_page_context", "on_post_page")),
)


def profile_rows(site: Site, tmp: Path) -> None:
    """One project build under cProfile: the seconds each part of the plugin took in it.

    cProfile slows Python code several times over, so the shares, not the seconds, compare
    with the timed builds above."""
    import pstats

    out = tmp / "build.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(out), str(BIN / "mkdocs"), "build", "-q"]
    run = run_measured(cmd, site.root, env_offline())
    stats = pstats.Stats(str(out)).stats  # type: ignore[attr-defined]
    total = max(entry[3] for entry in stats.values())
    print(f"{'profiled build (cProfile)':<34} {run.seconds:8.2f} s, {total:.2f} s profiled")
    plugin = 0.0
    for label, filename, names in PROFILE_PARTS:
        seconds = sum(
            entry[3]
            for (path, _, name), entry in stats.items()
            if path.endswith(f"handbook/{filename}") or path.endswith(f"/{filename}")
            if name in names and "handbook" in path
        )
        plugin += seconds
        share = seconds / total * 100 if total else 0.0
        print(f"  {label:<32} {seconds:8.2f} s  {share:5.1f} %")
    print(f"  {'the plugin in all':<32} {plugin:8.2f} s  {plugin / total * 100:5.1f} %")


def edit_rows(ours: Site, base: Site, args: argparse.Namespace) -> None:
    got, rendered = compare_edits(ours, base, args.repeat, args.timeout)
    for name, values in got.items():
        print(f"{'edit-to-preview, ' + name:<34} {fmt(values)}")
    print(
        ratio_line(
            "hand-page edit vs serve --dirty",
            got["project hand"],
            got["baseline hand"],
            "s",
            TARGETS["edit"],
        )
    )
    shown = ", ".join("?" if r is None else str(r) for r in rendered) or "none"
    print(f"{'metric save after a pull, rendered':<34} {shown} generated pages per save")
    print(
        ratio_line(
            "metric save vs hand-page save",
            got["project metric"],
            got["project hand"],
            "s",
            TARGETS["metric edit"],
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]  # progress to a log
    skip = set(filter(None, args.skip.split(",")))
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="bench-site-"))
    tmp.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    print(
        f"{args.pages:,} hand pages, {args.items:,} items in {max(4, args.items // 50):,} "
        f"folders, {N_EXPLORES} explores, {N_METRICS} metrics, {N_SOURCES} sources; "
        f"{os.cpu_count()} CPUs, load average {load:.1f} at start; in {tmp}"
    )
    try:
        ours = write_site(tmp / "project", args.pages, args.items, args.commits)
        base = make_baseline(ours, tmp / "baseline", use_cli=has_generate())
        n_generated = sum(1 for _ in (base.docs).rglob("*.md")) - len(ours.hand_pages) - 1
        print(f"baseline: {n_generated:,} generated pages written as static Markdown")
        mkdocs_times: dict[str, float] = {}
        if "build" not in skip:
            mkdocs_times = build_rows(ours, base, args)
            size_rows(ours, base)
        if "profile" not in skip:
            profile_rows(ours, tmp)
        if "edit" not in skip:
            edit_rows(ours, base, args)
        if "zensical" not in skip:
            zensical_rows(ours, tmp, args.repeat, args.timeout, mkdocs_times)
        sizes = [int(s) for s in args.scale.split(",") if s]
        if "growth" not in skip and len(sizes) >= 2:
            print(f"growth at {', '.join(f'{s:,}' for s in sizes)} items ({args.pages:,} pages):")
            growth_rows(sizes, args.pages, args.commits, tmp, args.repeat, args.timeout)
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end (a shared machine slows both sides)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
