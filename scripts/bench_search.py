"""Does the site search stay small and quick at 20,000 Looker items? Measured, not asserted.

    python scripts/bench_search.py [--sizes 2000,20000] [--runs 3]

For each size this builds two sites with `mkdocs build` and opens each in Debian's Chromium:

- the handbook: this repository's pages and catalog, its seed Looker snapshot plus that
  many synthetic items (one folder page per 20 items, one heading per item);
- plain MkDocs + Material with the same pages: the generated pages written by `handbook
  generate` with our search exclusions taken out (`data-search-exclude` on notices,
  breadcrumbs, the line under each item but its owner, the metric pages' lineage, freshness
  and "In Looker" sections, the index and glossary tables), built without our plugin (the
  `handbook.refs` extension resolves references, as under Zensical). What the index would
  hold if every table cell went into it.

It reports the pages built, `search/search_index.json` size, and in Chromium (each site
opened `--runs` times, the two taking turns; min and median) the time from
opening the home page until the search is ready (Material fetches the whole index and builds
it in a worker before the first result), from typing an item's exact title until the first
result shows, and the sum (the first result after load); for the handbook it also checks
that the first result links to that item's anchor. Targets: index ≤ 0.6× plain's, first
result ≤ 1.5 s after load at 20,000 items (the median; and its ratio to plain's median, same
run), and the first result opens the item in every run.

Two more rows, browsed in the same turns, say where the handbook's time goes: the built
handbook opened with Material's own search worker instead of ours ("material"), which builds
a lunr index of every Looker item before the first result, and the built handbook whose
index holds no item entries at all ("no items"): what Material's worker and the page cost
before any item is searched. Neither is a site we ship.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "hooks"))

from handbook.generate.record import load_record  # noqa: E402
from handbook.project import Project  # noqa: E402
from handbook.render.addresses import item_entry_pattern  # noqa: E402
from handbook.snapshot.model import LookerFolder, LookerItem, LookerSnapshot  # noqa: E402
from handbook.snapshot.store import dump_json  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
INDEX = Path("search/search_index.json")
SIZE_TARGET = 0.6  # index size, ratio to plain's for the same pages
FIRST_RESULT_TARGET = 1.5  # seconds from opening the page to the first result, at 20,000 items
NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
PER_FOLDER = 20
WORDS = [
    "growth",
    "usage",
    "revenue",
    "support",
    "churn",
    "seats",
    "pipeline",
    "activation",
    "retention",
    "search",
]
VIEWS = [
    "overview",
    "trends",
    "funnel",
    "cohorts",
    "forecast",
    "summary",
    "detail",
    "by-team",
    "weekly",
    "monthly",
]


def item_title(i: int) -> str:
    """Distinct titles built like real ones: a subject, a view of it, a number."""
    return f"{WORDS[i % 10].title()} {VIEWS[(i // 10) % 10]} {i}"


def snapshot(n_items: int) -> LookerSnapshot:
    n_folders = max(1, n_items // PER_FOLDER)
    folders = [LookerFolder(id=str(100 + f), name=f"Team {f}") for f in range(n_folders)]
    items = [
        LookerItem(
            kind="look" if i % 2 else "dashboard",
            id=str(10_000 + i),
            title=item_title(i),
            description=f"How {WORDS[i % 10]} moves for team {i % n_folders}, by month.",
            folder_id=str(100 + i % n_folders),
            owner=f"Owner {i % 50}",
            updated_at=NOW - timedelta(days=i % 400),
            last_viewed_at=NOW - timedelta(days=i % 200),
            view_count=i * 7 % 5000,
            recent_views=(i * 3) % 40,
            favorite_count=i % 30,
        )
        for i in range(n_items)
    ]
    return LookerSnapshot(
        pulled_at=NOW, base_url="https://example.looker.com", folders=folders, items=items
    )


def handbook_site(root: Path, n_items: int) -> Path:
    root.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for name in ("docs", "catalog", "hooks", "overrides"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    # The seed's own items stay (pages and reports.yml cite them), the synthetic ones join.
    path = root / "catalog/snapshot/looker.json"
    seed = LookerSnapshot.model_validate_json(path.read_text("utf-8"))
    extra = snapshot(n_items)
    seed.folders += extra.folders
    seed.items += extra.items
    path.write_text(dump_json(seed), "utf-8")
    return root


EXCLUSIONS = (
    # attribute lists, on a heading or a paragraph of their own line
    (re.compile(r" \{ data-search-exclude \}$", re.M), ""),
    (re.compile(r"^\{: data-search-exclude \}\n", re.M), ""),
    # raw HTML and md_in_html blocks
    (re.compile(r" data-search-exclude"), ""),
)


def plain_site(root: Path, handbook: Path) -> Path:
    """The handbook's own pages, generated pages as files with our search exclusions taken
    out, built by MkDocs + Material without our plugin."""
    shutil.copytree(handbook, root, ignore=shutil.ignore_patterns("site", ".cache"))
    run_offline(root, "handbook", "generate")
    record = load_record(Project(root))  # the pages `handbook generate` wrote, by path
    for name in record.pages if record else []:
        if name.endswith(".md"):
            page = root / name
            text = page.read_text("utf-8")
            for pattern, replacement in EXCLUSIONS:
                text = pattern.sub(replacement, text)
            page.write_text(text, "utf-8")
    config = (root / "mkdocs.yml").read_text("utf-8")
    config = config.replace("  - handbook\n", "")  # the plugin; `handbook.refs` stays
    (root / "mkdocs.yml").write_text(config, "utf-8")
    return root


def offline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOKERSDK_", "GOOGLE_"))}
    env["HANDBOOK_OFFLINE"] = "1"
    return env


def run_offline(root: Path, module: str, *args: str) -> None:
    """`python -m module args…` in `root` without credentials; stop the benchmark if it fails."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=root,
        env=offline_env(),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"{module} {' '.join(args)} failed in {root}:\n{done.stderr}")


def build(root: Path) -> float:
    started = time.perf_counter()
    run_offline(root, "mkdocs", "build", "-q", "--site-dir", "site")
    return time.perf_counter() - started


ITEM_ENTRY = re.compile(item_entry_pattern("", directory_urls=True))  # a Looker item's entry
OUR_WORKER = re.compile(r"handbook-search\.js\?material=(search\.[0-9a-f]+\.min\.js)")


def with_materials_worker(site: Path, dest: Path) -> Path:
    """A copy of the built handbook (hard links) whose home page names Material's own search
    worker instead of ours: a diagnostic row, not a site we ship."""
    shutil.copytree(site, dest, copy_function=os.link)
    home = dest / "index.html"
    html = OUR_WORKER.sub(r"\1", home.read_text("utf-8"))
    home.unlink()  # a hard link to the handbook's own page
    home.write_text(html, "utf-8")
    return dest


def without_items(site: Path, dest: Path) -> Path:
    """A copy of the built handbook (hard links) whose search index holds no item entries: a
    diagnostic row, not a site we ship."""
    shutil.copytree(site, dest, copy_function=os.link)
    index = json.loads((site / INDEX).read_text("utf-8"))
    docs = [doc for doc in index["docs"] if not ITEM_ENTRY.match(doc["location"])]
    (dest / INDEX).unlink()  # a hard link to the handbook's own index
    (dest / INDEX).write_text(json.dumps({**index, "docs": docs}, separators=(",", ":")), "utf-8")
    return dest


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def browse(site: Path, query: str) -> tuple[float, float, str]:
    """(seconds until search is ready, seconds from typing to first result, its link)."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(url)
            page.locator("label.md-search__icon, .md-search__input").first.click()
            page.wait_for_function(
                "() => { const m = document.querySelector('.md-search-result__meta');"
                " return m && !m.textContent.includes('Initializing'); }",
                timeout=300_000,
            )
            ready = time.perf_counter() - started
            typed = time.perf_counter()
            box = page.locator("input.md-search__input")
            box.fill(query[:-1])  # then one real key press: Material searches on keyup
            box.press(query[-1])
            first = page.locator(".md-search-result__item").first
            first.wait_for(timeout=120_000)
            to_result = time.perf_counter() - typed
            sections = first.locator("a[href*='#']")  # the page's best matching sections
            link = (sections if sections.count() else first.locator("a")).first
            link = link.get_attribute("href") or ""
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return ready, to_result, link


def built(kind: str, root: Path) -> Path:
    """Build the site; print its pages, build time and index size."""
    seconds = build(root)
    site = root / "site"
    pages = sum(1 for _ in site.rglob("index.html"))
    size = (site / INDEX).stat().st_size
    print(f"{kind:<11} {pages:>6,} pages  build {seconds:6.1f} s  index {size / 1e6:7.2f} MB")
    return site


def spread(values: list[float]) -> str:
    return f"{min(values):5.2f} / {statistics.median(values):5.2f}"


def browsed(sites: dict[str, Path], query: str, runs: int) -> dict[str, dict[str, list]]:
    """Each site opened `runs` times, the sites taking turns (a machine shared with others
    slows both alike); per site the seconds until ready, to the first result, their sum,
    and the first result's link of each run."""
    times: dict[str, dict[str, list]] = {
        kind: {"ready": [], "result": [], "first": [], "link": []} for kind in sites
    }
    for _ in range(runs):
        for kind, site in sites.items():
            ready, to_result, link = browse(site, query)
            for key, value in (
                ("ready", ready),
                ("result", to_result),
                ("first", ready + to_result),
                ("link", link),
            ):
                times[kind][key].append(value)
    for kind, row in times.items():
        print(
            f"{kind:<11} search ready {spread(row['ready'])} s  first result "
            f"{spread(row['result'])} s after typing, {spread(row['first'])} s after load "
            f"(min / median of {runs})"
        )
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--runs", type=int, default=3, help="browser runs per site (default 3)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            target = n // 3  # an item in the middle, by its exact title
            query = item_title(target)
            print(f"--- {n:,} Looker items; query {query!r}; load {os.getloadavg()[0]:.1f}")
            hb = handbook_site(Path(tmp) / f"hb{n}", n)
            sites = {"handbook": built("handbook", hb)}
            sites["plain"] = built("plain", plain_site(Path(tmp) / f"pl{n}", hb))
            sites["material"] = with_materials_worker(sites["handbook"], Path(tmp) / f"mw{n}")
            sites["no items"] = without_items(sites["handbook"], Path(tmp) / f"ni{n}")
            times = browsed(sites, query, max(1, args.runs))
            anchor = f"#{'look' if target % 2 else 'dashboard'}-{10_000 + target}"
            wrong = [link for link in times["handbook"]["link"] if not link.endswith(anchor)]
            size_ratio = (sites["handbook"] / INDEX).stat().st_size / (
                sites["plain"] / INDEX
            ).stat().st_size
            ours = statistics.median(times["handbook"]["first"])
            first_ratio = ours / statistics.median(times["plain"]["first"])
            fast = ours <= FIRST_RESULT_TARGET or n < 20_000
            row_ok = size_ratio <= SIZE_TARGET and fast and not wrong
            ok &= row_ok
            print(
                f"ratio     index size {size_ratio:4.2f}× (target ≤ {SIZE_TARGET}×)  "
                f"first result after load {first_ratio:4.2f}× plain's "
                f"(median {ours:.2f} s, target ≤ {FIRST_RESULT_TARGET} s)  "
                f"first result opens the item: {'NO ' + wrong[0] if wrong else 'yes'}  "
                f"{'ok' if row_ok else 'OVER TARGET'}"
            )
            material = statistics.median(times["material"]["first"])
            floor = statistics.median(times["no items"]["first"])
            print(
                f"where     first result after load {ours / material:4.2f}× with Material's "
                f"own worker on the same site ({material:.2f} s); {floor:.2f} s with no item "
                f"entries at all"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
