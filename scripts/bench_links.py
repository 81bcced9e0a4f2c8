"""Benchmark `handbook check-links` against LinkChecker and lychee on a synthetic handbook.

    python scripts/bench_links.py [--files 1000] [--urls 5000] [--keep DIR]

Generates a handbook of N Markdown files holding M Looker URLs in every syntax the checker
reads (inline, reference definition, autolink, bare, HTML href, table cell), with the repo's
seed snapshot and policy, then times:

- ours, in-process: `check_links()` scanning and resolving every URL against the snapshot;
- ours, CLI: `python -m handbook check-links --format json`, interpreter start included;
- lychee --offline: extracts links from the same Markdown and, offline, excludes every remote
  URL instead of fetching it (it has no idea what a Looker look is);
- LinkChecker with its MarkdownCheck plugin over the same files as file:// URLs, external
  URLs not fetched (its default).

The comparison is honest only as "time to get through the files": lychee and LinkChecker
extract links and then *skip* them (no network), while ours also classifies and resolves
each one. Neither tool can tell a deleted look from a live one without a Looker login, which
is why this checker exists; the timing shows the extra knowledge costs nothing. LinkChecker's
Markdown plugin also finds fewer links (no bare URLs, no HTML href): the URL counts it
reports are printed so that is visible.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "hooks"))

from handbook.links.check import check_links  # noqa: E402
from handbook.project import Project  # noqa: E402

HOST = "https://sourcegraph.looker.com"
TIME_LIMIT = 90  # seconds per external tool, so the whole bench stays near 3 minutes

FILLER = (
    "The Data & Analytics team keeps this page current; ask in #data if something is off.\n"
    "Metrics are defined once, in the catalog, and every report links back to them.\n"
)


def _targets(rng: random.Random) -> list[str]:
    """URL paths: mostly real content from the seed snapshot, some stale, some unverifiable."""
    snapshot = json.loads((REPO / "catalog/snapshot/looker.json").read_text(encoding="utf-8"))
    paths = [
        f"/{'looks' if i['kind'] == 'look' else 'dashboards'}/{i['id']}" for i in snapshot["items"]
    ]
    paths += [f"/explore/{e['model']}/{e['name']}" for e in snapshot["explores"]]
    paths += [f"/folders/{f['id']}" for f in snapshot["folders"]]
    paths += ["/looks/99999", "/dashboards-next/177", "/embed/looks/729", "/x/AbCdEf"]
    paths += ["/boards/4", f"/looks/{rng.randint(1, 3000)}"]
    return paths


def _link(i: int, path: str) -> tuple[str, str | None]:
    """One line holding one URL, in syntax number i % 6, plus a reference definition if any."""
    url = f"{HOST}{path}"
    if i % 3 == 0:
        url += "?f%5Busers.created_date%5D=7%20days&vis=%7B%7D"
    style = i % 6
    if style == 0:
        return f"See the [report {i}]({url}) for details.", None
    if style == 1:
        return f"The [reference version][r{i}] is kept for history.", f"[r{i}]: {url}"
    if style == 2:
        return f"Autolinked: <{url}>.", None
    if style == 3:
        return f"(Bare, in parentheses: {url}).", None
    if style == 4:
        return f'<p>HTML: <a href="{url}">open in Looker</a></p>', None
    return f"| Report {i} | [open]({url}) |", None


def generate(root: Path, files: int, urls: int, seed: int = 6) -> None:
    """A handbook folder: mkdocs.yml, the seed catalog, and `files` pages with `urls` URLs."""
    rng = random.Random(seed)
    targets = _targets(rng)
    (root / "docs").mkdir(parents=True)
    shutil.copytree(REPO / "catalog", root / "catalog")
    (root / "mkdocs.yml").write_text("site_name: bench\n", encoding="utf-8")
    per_file = [urls // files + (1 if n < urls % files else 0) for n in range(files)]
    counter = 0
    for n in range(files):
        folder = root / "docs" / f"section-{n // 50:02d}"
        folder.mkdir(exist_ok=True)
        lines = [f"# Page {n}", "", FILLER]
        refs = []
        for _ in range(per_file[n]):
            line, ref = _link(counter, rng.choice(targets))
            counter += 1
            lines += [line, ""]
            if ref:
                refs.append(ref)
            if counter % 7 == 0:
                lines += ["```sql", "select count(*) from users", "```", ""]
        lines += ["", *refs, ""]
        (folder / f"page-{n:04d}.md").write_text("\n".join(lines), encoding="utf-8")


def _timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess | None]:
    started = time.perf_counter()
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=TIME_LIMIT, **kwargs
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, None
    return time.perf_counter() - started, result


def bench_ours(root: Path) -> tuple[float, float, int]:
    project = Project(root)
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        report = check_links(project)
        runs.append(time.perf_counter() - started)
    env = {**os.environ, "PYTHONPATH": str(REPO / "hooks")}
    command = [sys.executable, "-m", "handbook", "--root", str(root), "check-links"]
    cli_runs = []
    for _ in range(3):
        took, result = _timed(
            [*command, "--format", "json"],
            env=env,
        )
        assert result is not None and result.returncode in (0, 1), result and result.stderr
        cli_runs.append(took)
    return min(runs), min(cli_runs), len(report.results)


def bench_lychee(root: Path) -> tuple[float | None, str]:
    exe = shutil.which("lychee")
    if not exe:
        return None, "not installed"
    took, result = _timed(
        [exe, "--offline", "--no-progress", "--format", "json", "--mode", "plain", "docs"],
        cwd=root,
    )
    if result is None:
        return None, f"did not finish in {TIME_LIMIT} s"
    try:
        stats = json.loads(result.stdout)
        note = f"{stats.get('total')} links seen, {stats.get('excludes')} excluded as remote"
    except json.JSONDecodeError:
        note = f"exit {result.returncode}: {result.stderr.strip()[:200]}"
    return took, note


def bench_linkchecker(root: Path) -> tuple[float | None, str]:
    try:
        import linkcheck  # noqa: F401
    except ImportError:
        return None, "not installed"
    # The wrapper keeps LinkChecker's plugins loaded when run as root (see its docstring).
    command = [sys.executable, str(REPO / "scripts" / "linkchecker.py")]
    config = root / "linkcheckerrc"
    config.write_text("[filtering]\ncheckextern=0\n\n[MarkdownCheck]\n", encoding="utf-8")
    took, result = _timed(
        [
            *command,
            "--config",
            str(config),
            "--no-status",
            "--verbose",
            "--output",
            "csv",
            "--threads",
            "4",
            (root / "docs").as_uri() + "/",
        ],
        env={**os.environ, "HOME": str(root)},
    )
    if result is None:
        return None, f"did not finish in {TIME_LIMIT} s"
    looker = len(re.findall(r"looker\.com", result.stdout))
    return took, (
        f"{looker} distinct Looker URLs reported: it checks each distinct URL once, and its "
        "Markdown plugin reads only inline, reference and <auto> links, not bare URLs or href"
    )


def _ratio(ours: float, theirs: float) -> str:
    if ours <= theirs:
        return f"{theirs / ours:.1f}x faster"
    return f"{ours / theirs:.1f}x SLOWER"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--urls", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="generate here and keep it (default: temp)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-links-"))
    root = args.keep or tmp / "handbook"
    try:
        started = time.perf_counter()
        generate(root, args.files, args.urls)
        print(
            f"generated {args.files} files, {args.urls} Looker URLs in {root} "
            f"({time.perf_counter() - started:.2f} s)"
        )
        ours, ours_cli, found = bench_ours(root)
        print(f"ours, in-process       {ours:7.3f} s  ({found} Looker links resolved; best of 3)")
        print(f"ours, CLI              {ours_cli:7.3f} s  (interpreter start included; best of 3)")
        rows = {"lychee --offline": bench_lychee(root), "linkchecker": bench_linkchecker(root)}
        for name, (took, note) in rows.items():
            if took is None:
                print(f"{name:<22} {'-':>7}    ({note})")
            else:
                print(f"{name:<22} {took:7.3f} s  ({note})")
                print(
                    f"{'':<22} ours vs {name}: CLI {_ratio(ours_cli, took)}, "
                    f"in-process {_ratio(ours, took)}"
                )
        print(
            f"target ≤ 1 s: in-process {'met' if ours <= 1 else 'MISSED'}, "
            f"CLI {'met' if ours_cli <= 1 else 'MISSED'}"
        )
        return 0 if found == args.urls else 1
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
